import { sqsWorker } from '../../shared/queue/sqs-worker.ts';
import { fanOutPlanning, planBatch } from '../../shared/usecases/payout-planning.ts';
import { retrySoonOnTransientFault } from '../../shared/usecases/payout-step-retry.ts';
import { messageAttempt, payoutStepGaveUp } from '../../shared/usecases/leased-work.ts';
import { logger } from '../../shared/observability/logger.ts';

// A plan message fans the batch out into one planSegment message per segment; workers plan the
// segments in parallel, and the last to finish one asks for approval.
export const handler = sqsWorker(
  'payoutPlans',
  async (message, record, context) => {
    const now = new Date();
    if (message.kind === 'plan') {
      logger.info('payout batch planning fanned out', { batchId: message.batchId, outcome: await fanOutPlanning(message.batchId, now) });
      return;
    }
    // Hand over before Lambda ends the invocation, never in the middle of a write. A retry of this
    // message takes over the segment its failed receive left held (no wait for the lease).
    const outcome = await planBatch(message.batchId, now, {
      ...messageAttempt(record),
      segments: [message.segment],
      timeLeftMs: () => context.getRemainingTimeInMillis(),
    });
    logger.info('payout batch segment planned', { batchId: message.batchId, segment: message.segment, outcome });
  },
  { onLastReceive: (message, reason, count) => payoutStepGaveUp(message, reason, count), onEarlierReceiveFailed: retrySoonOnTransientFault('payoutPlans') },
);
