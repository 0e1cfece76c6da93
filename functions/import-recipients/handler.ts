import * as z from 'zod';
import { sqsWorker } from '../../shared/queue/sqs-worker.ts';
import { runImport } from '../../shared/usecases/registry-import.ts';
import { logger } from '../../shared/observability/logger.ts';

export const handler = sqsWorker(z.object({ importId: z.string().min(1) }), async ({ importId }) => {
  const outcome = await runImport(importId, new Date());
  logger.info('recipient import', { importId, outcome });
});
