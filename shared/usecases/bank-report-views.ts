// A bank report as finance sees it (GET /payout-batches/{id}/bank-results/{reportId}). Apart from
// payout-bank-reports.ts so the read route carries no S3 client: it reads only the report's record.
import { AppError } from '../domain/errors.ts';
import { reportEntry } from '../domain/payouts/batch.ts';
import { getProgressEntry } from '../adapters/payout-store.ts';

/** A received bank status report's record (a payoutProgress entry of its batch). */
export interface BankReport {
  batchId: string;
  entry: string;
  reportId: string;
  objectKey: string;
  status: 'APPLYING' | 'APPLIED' | 'FAILED';
  format: 'pain.002' | 'csv';
  entries: number;
  problems: Array<{ where: string; message: string }>;
  /** The encoding the report's bytes were read in. */
  encoding?: string;
  receivedAt: string;
  receivedBy: string;
  settled?: number;
  returned?: number;
  alreadyApplied?: number;
  unknownEndToEndIds?: string[];
  unknownCount?: number;
  conflicts?: number;
  /** Set by the operator action that applies a whole-file rejection as every payment returned. */
  returnAll?: { at: string; by: string; reason: string; part?: { part: number; messageId: string; firstEndToEndId: string; lastEndToEndId: string } };
  /** A pain.002 rejecting the whole file: nothing applies by itself (see payout-bank-reports returnWholeFile). */
  wholeFileRejection?: boolean;
}

/** The report's record for finance; 404 NOT_FOUND when the batch has no such report. */
export async function viewBankReport(batchId: string, reportId: string) {
  const record = (await getProgressEntry(batchId, reportEntry(reportId))) as BankReport | undefined;
  if (!record) throw new AppError('NOT_FOUND', `report ${reportId} of batch ${batchId} does not exist`);
  return {
    reportId: record.reportId,
    status: record.status,
    format: record.format,
    entries: record.entries,
    settled: record.settled ?? null,
    returned: record.returned ?? null,
    alreadyApplied: record.alreadyApplied ?? null,
    unknownEndToEndIds: record.unknownEndToEndIds ?? [],
    unknownCount: record.unknownCount ?? null,
    problems: record.problems,
    encoding: record.encoding ?? null,
    receivedAt: record.receivedAt,
    receivedBy: record.receivedBy,
    wholeFileRejection: record.wholeFileRejection ?? false,
    returnAll: record.returnAll ?? null,
  };
}
