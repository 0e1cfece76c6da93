import { sqsWorker } from '../../shared/queue/sqs-worker.ts';
import { importGaveUp, runImport } from '../../shared/usecases/registry-import.ts';
import { leaseMsFor, messageAttempt, runLeased, statusIs } from '../../shared/usecases/recovery.ts';
import { logger } from '../../shared/observability/logger.ts';

export const handler = sqsWorker(
  'recipientImports',
  async ({ importId }, record) => {
    // One worker per import at a time: a redelivery or a sweeper's re-drive beside a live one leaves.
    const run = await runLeased(
      { table: 'recipientImports', key: { importId } },
      { ...messageAttempt(record), durationMs: leaseMsFor('recipientImports'), condition: statusIs('RUNNING') },
      () => runImport(importId, new Date()),
    );
    logger.info('recipient import', { importId, outcome: run.ran ? run.result : 'finished-or-running-elsewhere' });
  },
  { onLastReceive: ({ importId }, reason, count) => importGaveUp(importId, reason, count) },
);
