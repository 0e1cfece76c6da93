import * as z from 'zod';
import { sqsWorker } from '../../shared/queue/sqs-worker.ts';
import { dispatchChunks, payChunk } from '../../shared/usecases/payouts.ts';

const messageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('dispatch'), batchId: z.string() }),
  z.object({ kind: z.literal('chunk'), batchId: z.string(), chunk: z.number().int().nonnegative() }),
]);

export const handler = sqsWorker(messageSchema, async (message) => {
  if (message.kind === 'dispatch') await dispatchChunks(message.batchId);
  else await payChunk(message.batchId, message.chunk, new Date());
});
