import { sqsWorker } from '../../shared/queue/sqs-worker.ts';
import { writeBankFiles } from '../../shared/usecases/payout-files.ts';
import { leaseMsFor, messageAttempt, payoutStepGaveUp, runLeased, statusIs } from '../../shared/usecases/recovery.ts';
import { logger } from '../../shared/observability/logger.ts';

export const handler = sqsWorker(
  'payoutFiles',
  async ({ batchId }, record) => {
    // The "files" lease on the batch: one writer of a batch's bank files at a time.
    const run = await runLeased(
      { table: 'payoutBatches', key: { batchId }, name: 'files' },
      { ...messageAttempt(record), durationMs: leaseMsFor('payoutFiles'), condition: statusIs('PAYING') },
      () => writeBankFiles(batchId, new Date()),
    );
    logger.info('bank files', { batchId, outcome: run.ran ? run.result : 'not-paying-or-written-elsewhere' });
  },
  { onLastReceive: (message, reason, count) => payoutStepGaveUp(message, reason, count) },
);
