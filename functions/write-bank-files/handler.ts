import * as z from 'zod';
import { sqsWorker } from '../../shared/queue/sqs-worker.ts';
import { writeBankFiles } from '../../shared/usecases/payouts.ts';
import { logger } from '../../shared/observability/logger.ts';

export const handler = sqsWorker(z.object({ kind: z.literal('files'), batchId: z.string() }), async ({ batchId }) => {
  logger.info('bank files', { batchId, outcome: await writeBankFiles(batchId, new Date()) });
});
