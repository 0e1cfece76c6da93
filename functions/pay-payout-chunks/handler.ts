import * as z from 'zod';
import { sqsWorker } from '../../shared/queue/sqs-worker.ts';
import { dispatchChunks } from '../../shared/usecases/payouts.ts';
import { messageAttempt, payChunkLeased, payoutStepGaveUp } from '../../shared/usecases/recovery.ts';

const messageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('dispatch'), batchId: z.string() }),
  z.object({ kind: z.literal('chunk'), batchId: z.string(), chunk: z.number().int().nonnegative() }),
]);

export const handler = sqsWorker(
  messageSchema,
  async (message, record) => {
    if (message.kind === 'dispatch') await dispatchChunks(message.batchId);
    else await payChunkLeased(message.batchId, message.chunk, messageAttempt(record));
  },
  { queue: 'payoutChunks', onLastReceive: (message, reason, count) => payoutStepGaveUp(message, reason, count) },
);
