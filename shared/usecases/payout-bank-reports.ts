// Payout batches (bank results): the bank's status report received and checked, applied by a worker
// (each payment settled or returned once), or applied as a whole-file return by an operator.
import { send } from '../adapters/queue.ts';
import pMap from 'p-map';
import { randomUUID } from 'node:crypto';
import { AppError, refusal } from '../domain/errors.ts';
import { parseStatusReport, StatusReportError } from '../domain/payouts/status-report.ts';
import { reportEntry } from '../domain/payouts/batch.ts';
import type { Actor } from '../domain/actor.ts';
import {
  applyBankOutcome,
  getProgressEntry,
  getBatch,
  paymentStatusCounts,
  putProgressEntry,
  setReconciliation,
  transitionBatch,
} from '../adapters/payout-store.ts';
import { putExport, readExport } from '../adapters/bank-file-store.ts';
import { everyRecordedPaymentReturned, refuseBatchAction } from './payout-operator-actions.ts';
import { wholeFileRejection } from '../domain/payouts/whole-file-rejection.ts';
import { updateBatchIn, updateReportEntry } from '../adapters/recovery-store.ts';
import type { FileBody } from '../domain/actor.ts';
import type { BankReport } from './bank-report-views.ts';
import { payoutWorker } from '../domain/payouts/batch.ts';
import { existingBatch, writtenFileParts } from './payout-views.ts';
import { partOfMessageId } from '../domain/payouts/bank-file-parts.ts';
import { payerFinalStatuses } from './payout-files.ts';


/** Checks the report is pain.002 or CSV, stores it and queues its application. */
export async function receiveBankReport(batchId: string, file: FileBody, actor: Actor, now: Date) {
  const contentType = file.contentType;
  const batch = await existingBatch(batchId);
  if (batch.status !== 'PAID_OUT' && batch.status !== 'RECONCILED') {
    throw refusal('INVALID_STATE', 'BATCH_STATUS_FORBIDS', { batchId, status: batch.status, allowed: 'PAID_OUT', action: 'given bank results' });
  }
  let report;
  try {
    report = parseStatusReport(file.bytes, { contentType, finalStatuses: payerFinalStatuses });
  } catch (error) {
    if (!(error instanceof StatusReportError)) throw error;
    throw new AppError('VALIDATION_FAILED', `body: ${error.message}`, [{ path: 'body', message: error.message }]);
  }
  const reportId = randomUUID();
  const record: BankReport = {
    batchId,
    entry: reportEntry(reportId),
    reportId,
    objectKey: `payouts/${batchId}/bank-results/${reportId}`,
    status: 'APPLYING',
    format: report.format,
    entries: report.entries.length,
    problems: report.problems.slice(0, 1000),
    ...(report.encoding && { encoding: report.encoding }),
    receivedAt: now.toISOString(),
    receivedBy: actor.sub,
    wholeFileRejection: report.wholeFileRejected === true,
  };
  // Stored as the text it was read as (UTF-8), so applying it later reads exactly what was checked here.
  await putExport(record.objectKey, report.text, `${report.format === 'csv' ? 'text/csv' : 'application/xml'}; charset=utf-8`);
  await putProgressEntry(record as unknown as Record<string, unknown> & { batchId: string; entry: string });
  await send('bankResults', { kind: 'report', batchId, reportId });
  return { reportId, status: 'APPLYING' as const, entries: report.entries.length };
}

/** Applies a stored report; repeating it changes nothing more. */
export async function applyBankReport(batchId: string, reportId: string, now: Date): Promise<string> {
  const record = (await getProgressEntry(batchId, reportEntry(reportId))) as BankReport | undefined;
  if (!record) throw new Error(`report ${reportId} of ${batchId} does not exist`);
  if (record.status === 'APPLIED') return 'already-applied';
  // Its shard count says under which partition key each reported payment is (paymentKey).
  const batch = await getBatch(batchId);
  if (!batch) throw new Error(`payout batch ${batchId} does not exist`);
  const entries = record.returnAll
    ? await everyRecordedPaymentReturned(batch, record.returnAll.reason, record.returnAll.part)
    : parseStatusReport(await readExport(record.objectKey), { finalStatuses: payerFinalStatuses }).entries;
  const at = now.toISOString();
  const tally = { applied: { SETTLED: 0, RETURNED: 0 }, already: 0, conflicts: 0, unknown: [] as string[] };
  await pMap(
    entries,
    async (entry) => {
      const result = await applyBankOutcome(batch, entry.endToEndId, { status: entry.status, reason: [entry.reasonCode, entry.reason].filter(Boolean).join(' ') || undefined }, at);
      if (result === 'applied') tally.applied[entry.status]++;
      else if (result === 'already') tally.already++;
      else if (result === 'unknown') tally.unknown.push(entry.endToEndId);
      else tally.conflicts++;
    },
    { concurrency: 16 },
  );
  const counts = await paymentStatusCounts(batch);
  const reconciliation = { settled: counts.SETTLED, returned: counts.RETURNED, pending: counts.RECORDED };
  await setReconciliation(batchId, reconciliation);
  if (reconciliation.pending === 0) {
    await transitionBatch(batchId, 'PAID_OUT', 'RECONCILED', {
      at,
      by: payoutWorker,
      action: 'RECONCILED',
      reason: `${counts.SETTLED} settled, ${counts.RETURNED} returned, none pending`,
    });
  }
  await putProgressEntry({
    ...record,
    status: 'APPLIED',
    settled: tally.applied.SETTLED,
    returned: tally.applied.RETURNED,
    alreadyApplied: tally.already,
    unknownEndToEndIds: tally.unknown.slice(0, 1000),
    unknownCount: tally.unknown.length,
    problems: [
      ...record.problems,
      ...(tally.conflicts ? [{ where: 'report', message: `${tally.conflicts} outcomes contradict an earlier report and were not applied` }] : []),
    ],
  } as unknown as Record<string, unknown> & { batchId: string; entry: string });
  return 'APPLIED';
}

/**
 * Applies a stored bank report that rejects the whole file as "every payment returned": each
 * RECORDED payment becomes RETURNED with the reason and its claim is released, in the background
 * (the report's application, re-driven by the sweeper). The report must reject this batch's file.
 */
export async function returnWholeFile(batchId: string, reportId: string, actor: Actor, reason: string, now: Date) {
  const batch = await existingBatch(batchId);
  const report = await getProgressEntry(batchId, reportEntry(reportId));
  if (!report) throw new AppError('NOT_FOUND', `report ${reportId} of batch ${batchId} does not exist`);
  if (batch.status !== 'PAID_OUT') await refuseBatchAction(batchId, 'returned as a whole', ['PAID_OUT']);
  if (report.returnAll) {
    throw refusal('INVALID_STATE', 'BANK_REPORT_ALREADY_RETURNED', { reportId });
  }
  const rejection = wholeFileRejection(await readExport(report.objectKey as string));
  if (!rejection) {
    throw refusal('INVALID_STATE', 'BANK_REPORT_NOT_WHOLE_FILE', { reportId });
  }
  // A batch of several parts: the rejection names one part's MsgId and returns that part's payments only.
  const parts = writtenFileParts(batch);
  const part = partOfMessageId(parts, rejection.originalMessageId);
  if (!part) {
    throw refusal('INVALID_STATE', 'BANK_REPORT_OTHER_FILE', { reportId, fileId: rejection.originalMessageId ?? '(not named)', batchId });
  }
  const at = now.toISOString();
  const partName = parts.length > 1 ? `part ${part.part} of ${parts.length} (${part.messageId})` : 'whole file';
  const why = `${partName} rejected by the bank${rejection.reasonCode ? ` (${rejection.reasonCode})` : ''}: ${reason}`;
  const returnAll = {
    at,
    by: actor.sub,
    reason: why,
    ...(parts.length > 1 && { part: { part: part.part, messageId: part.messageId, firstEndToEndId: part.firstEndToEndId, lastEndToEndId: part.lastEndToEndId } }),
  };
  const marked = await updateReportEntry(batchId, reportEntry(reportId), { returnAll, status: 'APPLYING' }, {
    expression: 'attribute_not_exists(returnAll)',
  });
  if (!marked) throw refusal('INVALID_STATE', 'BANK_REPORT_ALREADY_RETURNED', { reportId });
  await updateBatchIn(batchId, ['PAID_OUT'], {
    entry: { at, by: actor.sub, action: 'WHOLE_FILE_RETURNED', reason: `report ${reportId}: ${why}` },
  });
  await send('bankResults', { kind: 'report', batchId, reportId });
  return { reportId, status: 'APPLYING' as const };
}
