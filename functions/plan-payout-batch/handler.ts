import * as z from 'zod';
import { sqsWorker } from '../../shared/queue/sqs-worker.ts';
import { planBatch } from '../../shared/usecases/payouts.ts';
import { messageAttempt, payoutStepGaveUp } from '../../shared/usecases/recovery.ts';
import { logger } from '../../shared/observability/logger.ts';

export const handler = sqsWorker(
  z.object({ kind: z.literal('plan'), batchId: z.string() }),
  async ({ batchId }, record, context) => {
    // Hand over before Lambda ends the invocation, never in the middle of a write. A retry of this
    // message takes over the segments its failed receive left held (no wait for their leases).
    const outcome = await planBatch(batchId, new Date(), { ...messageAttempt(record), timeLeftMs: () => context.getRemainingTimeInMillis() });
    logger.info('payout batch planned', { batchId, outcome });
  },
  { queue: 'payoutPlans', onLastReceive: (message, reason, count) => payoutStepGaveUp(message, reason, count) },
);
