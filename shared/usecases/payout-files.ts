// Payout batches (file pipeline): the recorded payments streamed into the bank's CSV and pain.001
// files, checked against the plan.
import { Readable } from 'node:stream';
import { dateInChina } from '../domain/clock.ts';
import { BankFileError, writePain001, writePaymentsCsv, type Payment } from '../domain/payouts/bank-files.ts';
import { finalStatusesSchema, type FinalStatuses } from '../domain/payouts/status-report.ts';
import { type PaymentRecord, type PayoutBatch } from '../domain/payouts/batch.ts';
import { chunkPayments, chunksDone, getBatch, transitionBatch } from '../adapters/payout-store.ts';
import { uploadBankFile } from '../adapters/bank-file-store.ts';
import { localIntegerSetting } from '../adapters/resources.ts';
import payerFile from '../../data/payer.json' with { type: 'json' };
import { payoutWorker } from '../domain/payouts/batch.ts';
import { cutIntoParts, partMessageId, type BankFilePart } from '../domain/payouts/bank-file-parts.ts';

// The payer's bank decides which pain.002 statuses are final (`finalStatuses` in data/payer.json).
const {
  finalStatuses: configuredFinalStatuses,
  maxPaymentsPerFile: configuredMaxPerFile,
  ...payer
} = payerFile as typeof payerFile & { finalStatuses?: unknown; maxPaymentsPerFile: number };
/** Statuses the payer's bank reports as final, from data/payer.json (undefined: the pain.002 defaults). */
export const payerFinalStatuses: FinalStatuses | undefined =
  configuredFinalStatuses === undefined ? undefined : finalStatusesSchema.parse(configuredFinalStatuses);

/**
 * Most payments the payer's bank takes in one file (`maxPaymentsPerFile` in data/payer.json); a
 * batch above it is written as several parts. TUODI_MAX_PAYMENTS_PER_FILE may lower it (a local
 * stack's tests, to cover several parts with a few payments), never raise it past the bank's.
 * Throws when either is not a positive integer.
 */
export function maxPaymentsPerFileSetting(): number {
  const configured = configuredMaxPerFile;
  if (!Number.isSafeInteger(configured) || configured < 1) throw new Error(`data/payer.json maxPaymentsPerFile must be a positive integer, not ${JSON.stringify(configured)}`);
  return localIntegerSetting('TUODI_MAX_PAYMENTS_PER_FILE', configured) ?? configured;
}

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

/** Where a part's two files go under `prefix`: the names of before parts existed when the batch is one file. */
export function bankFileKeys(prefix: string, part: number, parts: number) {
  return parts === 1
    ? { csvKey: `${prefix}/payments.csv`, pain001Key: `${prefix}/pain.001.xml` }
    : { csvKey: `${prefix}/payments-${part}-of-${parts}.csv`, pain001Key: `${prefix}/pain.001-${part}-of-${parts}.xml` };
}

/**
 * Both formats at once, each streamed from DynamoDB through its writer into S3, part after part
 * (parts of at most `maxPerFile` payments, cutIntoParts): the waits overlap and memory does not grow
 * with the batch. A pain.001 states its part's count and sum before its payments, so for a batch of
 * several parts each pain.001 part waits for the CSV pass to have read that part (one part behind);
 * a batch of one part takes them from the plan, as before parts existed. Throws BankFileError when
 * the stream disagrees with the plan (after aborting the file being written); parts written before
 * that stay in the bucket unreferenced (the batch is FAILED and never names them).
 * Returns the parts written, in order.
 */
export async function uploadBankFiles(batch: PayoutBatch, now: Date, options: { prefix?: string; maxPerFile?: number } = {}): Promise<BankFilePart[]> {
  const expected = batch.planned!;
  const prefix = options.prefix ?? `payouts/${batch.batchId}`;
  const maxPerFile = options.maxPerFile ?? maxPaymentsPerFileSetting();
  const csvParts = cutIntoParts(bankFilePayments(batch), expected, maxPerFile);
  const painParts = cutIntoParts(bankFilePayments(batch), expected, maxPerFile);
  const parts = csvParts.length;
  // A CSV part whose upload failed before reading its payments never settles its totals: the
  // pain.001 pass waits for either, so it cannot wait forever.
  let csvFailed!: (error: unknown) => void;
  const csvFailure = new Promise<never>((_, reject) => (csvFailed = reject));
  csvFailure.catch(() => undefined);
  let stopped = false;
  const eachPart = async (write: (index: number) => Promise<void>) => {
    try {
      for (let index = 0; index < parts && !stopped; index++) await write(index);
    } catch (error) {
      stopped = true; // the other format stops before its next part
      throw error;
    }
  };
  const written = await Promise.allSettled([
    eachPart(async (index) => {
      const { csvKey } = bankFileKeys(prefix, index + 1, parts);
      await uploadBankFile(csvKey, Readable.from(writePaymentsCsv(csvParts[index]!.payments, { bom: true })), 'text/csv; charset=utf-8');
      await csvParts[index]!.totals;
    }).catch((error: unknown) => {
      csvFailed(error);
      throw error;
    }),
    eachPart(async (index) => {
      const part = index + 1;
      const totals = parts === 1 ? expected : await Promise.race([csvParts[index]!.totals, csvFailure]);
      const header = {
        ...payer,
        messageId: partMessageId(batch.batchId, part, parts),
        createdAt: now,
        executionDate: dateInChina(now),
        count: totals.count,
        totalFen: totals.totalFen,
      };
      const { pain001Key } = bankFileKeys(prefix, part, parts);
      await uploadBankFile(pain001Key, Readable.from(writePain001(header, painParts[index]!.payments)), 'application/xml');
    }),
  ]);
  const failure = written.find((w) => w.status === 'rejected');
  if (failure) throw failure.reason;
  return Promise.all(
    csvParts.map(async (csvPart) => {
      const totals = await csvPart.totals;
      return {
        part: csvPart.part,
        messageId: partMessageId(batch.batchId, csvPart.part, parts),
        count: totals.count,
        totalFen: totals.totalFen,
        firstEndToEndId: totals.firstEndToEndId,
        lastEndToEndId: totals.lastEndToEndId,
        ...bankFileKeys(prefix, csvPart.part, parts),
      };
    }),
  );
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
  const at = now.toISOString();
  let fileParts: BankFilePart[];
  try {
    fileParts = await uploadBankFiles(batch, now);
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
    {
      at,
      by: payoutWorker,
      action: 'PAID_OUT',
      reason: `${expected.count} payments, ${expected.totalFen} fen; bank files written${fileParts.length > 1 ? ` in ${fileParts.length} parts` : ''}`,
    },
    // `files` only for one part: an older reader must never take part 1 for the whole batch.
    { ...(fileParts.length === 1 && { files: { csvKey: fileParts[0]!.csvKey, pain001Key: fileParts[0]!.pain001Key } }), fileParts, reconciliation: { settled: 0, returned: 0, pending: expected.count } },
  );
  return 'PAID_OUT';
}
