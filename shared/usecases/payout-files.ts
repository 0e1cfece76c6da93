// Payout batches (file pipeline): the recorded payments streamed into the bank's CSV and pain.001
// files, checked against the plan.
import { Readable } from 'node:stream';
import { dateInChina } from '../domain/clock.ts';
import { BankFileError, writePain001, writePaymentsCsv, type Payment } from '../domain/payouts/bank-files.ts';
import { finalStatusesSchema, type FinalStatuses } from '../domain/payouts/status-report.ts';
import { type PaymentRecord, type PayoutBatch } from '../domain/payouts/batch.ts';
import { chunkPayments, chunksDone, getBatch, transitionBatch } from '../adapters/payout-store.ts';
import { uploadBankFile } from '../adapters/bank-file-store.ts';
import payerFile from '../../data/payer.json' with { type: 'json' };
import { payoutWorker } from '../domain/payouts/batch.ts';

// The payer's bank decides which pain.002 statuses are final (`finalStatuses` in data/payer.json).
const { finalStatuses: configuredFinalStatuses, ...payer } = payerFile as typeof payerFile & { finalStatuses?: unknown };
/** Statuses the payer's bank reports as final, from data/payer.json (undefined: the pain.002 defaults). */
export const payerFinalStatuses: FinalStatuses | undefined =
  configuredFinalStatuses === undefined ? undefined : finalStatusesSchema.parse(configuredFinalStatuses);

/** Chunk ranges read ahead while this one is written out. */
const rangesReadAhead = 4;

/**
 * The batch's recorded payments in endToEndId order, read range by range (a few ranges ahead):
 * memory is bounded by the read-ahead, not the batch, and small key-range queries stay fast
 * where paging through one large partition does not (DynamoDB Local slows with every page).
 */
export async function* bankFilePayments(batch: PayoutBatch): AsyncGenerator<Payment> {
  const ranges = batch.chunks ?? [];
  const reads: Array<Promise<PaymentRecord[]>> = [];
  let next = 0;
  const readAhead = () => {
    while (reads.length < rangesReadAhead && next < ranges.length) {
      const read = chunkPayments(batch, ranges[next++]!);
      read.catch(() => undefined); // awaited below; a reader that stops early leaves no unhandled rejection
      reads.push(read);
    }
  };
  readAhead();
  while (reads.length > 0) {
    const payments = await reads.shift()!;
    readAhead();
    for (const p of payments) {
      if (p.status === 'PLANNED') continue;
      yield {
        endToEndId: p.endToEndId,
        recipientId: p.recipientId,
        creditorName: p.creditorName,
        bankName: p.bankName,
        bankAccount: p.bankAccount,
        amountFen: p.amountFen,
      };
    }
  }
}

export function bankFileKeys(batchId: string) {
  return { csvKey: `payouts/${batchId}/payments.csv`, pain001Key: `payouts/${batchId}/pain.001.xml` };
}

/**
 * Both files at once, each streamed from DynamoDB through its writer into S3: the waits overlap
 * and memory does not grow with the batch. Throws BankFileError when the stream disagrees with the plan.
 */
export async function uploadBankFiles(batch: PayoutBatch, keys: { csvKey: string; pain001Key: string }, now: Date): Promise<void> {
  const expected = batch.planned!;
  const header = {
    messageId: batch.batchId,
    createdAt: now,
    executionDate: dateInChina(now),
    count: expected.count,
    totalFen: expected.totalFen,
    ...payer,
  };
  await Promise.all([
    uploadBankFile(keys.csvKey, Readable.from(writePaymentsCsv(bankFilePayments(batch), { expected, bom: true })), 'text/csv; charset=utf-8'),
    uploadBankFile(keys.pain001Key, Readable.from(writePain001(header, bankFilePayments(batch))), 'application/xml'),
  ]);
}

/**
 * Streams the recorded payments into the CSV and pain.001 files. The writers check the stream
 * against the plan's count and total: PAID_OUT only when they agree, FAILED with the reason otherwise.
 */
export async function writeBankFiles(batchId: string, now: Date): Promise<string> {
  const batch = await getBatch(batchId);
  if (!batch) throw new Error(`payout batch ${batchId} does not exist`);
  if (batch.status !== 'PAYING') return 'not-paying';
  const done = await chunksDone(batchId);
  if (done.length !== batch.chunks!.length) throw new Error(`batch ${batchId}: ${done.length} of ${batch.chunks!.length} chunks done`);
  const expected = batch.planned!;
  const keys = bankFileKeys(batchId);
  const at = now.toISOString();
  try {
    await uploadBankFiles(batch, keys, now);
  } catch (error) {
    if (!(error instanceof BankFileError)) throw error;
    const reason = `bank files not written: ${error.message}`;
    await transitionBatch(batchId, 'PAYING', 'FAILED', { at, by: payoutWorker, action: 'FAILED', reason }, { failureReason: reason });
    return 'FAILED';
  }
  await transitionBatch(
    batchId,
    'PAYING',
    'PAID_OUT',
    { at, by: payoutWorker, action: 'PAID_OUT', reason: `${expected.count} payments, ${expected.totalFen} fen; bank files written` },
    { files: keys, reconciliation: { settled: 0, returned: 0, pending: expected.count } },
  );
  return 'PAID_OUT';
}
