import * as z from 'zod';
import { sqsWorker } from '../../shared/queue/sqs-worker.ts';
import { applyBankReport } from '../../shared/usecases/payouts.ts';
import { logger } from '../../shared/observability/logger.ts';

export const handler = sqsWorker(
  z.object({ kind: z.literal('report'), batchId: z.string(), reportId: z.string() }),
  async ({ batchId, reportId }) => {
    logger.info('bank report', { batchId, reportId, outcome: await applyBankReport(batchId, reportId, new Date()) });
  },
);
