import { sqsWorker } from '../../shared/queue/sqs-worker.ts';
import { dispatchChunks } from '../../shared/usecases/payout-chunks.ts';
import { retrySoonOnTransientFault } from '../../shared/usecases/payout-step-retry.ts';
import { messageAttempt, payChunkLeased, payoutStepGaveUp } from '../../shared/usecases/leased-work.ts';

export const handler = sqsWorker(
  'payoutChunks',
  async (message, record) => {
    if (message.kind === 'dispatch') await dispatchChunks(message.batchId);
    else await payChunkLeased(message.batchId, message.chunk, messageAttempt(record));
  },
  { onLastReceive: (message, reason, count) => payoutStepGaveUp(message, reason, count), onEarlierReceiveFailed: retrySoonOnTransientFault('payoutChunks') },
);
