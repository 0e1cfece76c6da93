import { sqsWorker } from '../../shared/queue/sqs-worker.ts';
import { reportEntry } from '../../shared/domain/payouts/batch.ts';
import { applyBankReport } from '../../shared/usecases/payout-bank-reports.ts';
import { leaseMsFor, messageAttempt, payoutStepGaveUp, runLeased, statusIs } from '../../shared/usecases/recovery.ts';
import { logger } from '../../shared/observability/logger.ts';

export const handler = sqsWorker(
  'bankResults',
  async ({ batchId, reportId }, record) => {
    // One worker applies a report at a time (its lease is on the report's entry).
    const run = await runLeased(
      { table: 'payoutProgress', key: { batchId, entry: reportEntry(reportId) } },
      { ...messageAttempt(record), durationMs: leaseMsFor('bankResults'), condition: statusIs('APPLYING') },
      () => applyBankReport(batchId, reportId, new Date()),
    );
    logger.info('bank report', { batchId, reportId, outcome: run.ran ? run.result : 'applied-or-applying-elsewhere' });
  },
  { onLastReceive: (message, reason, count) => payoutStepGaveUp(message, reason, count) },
);
