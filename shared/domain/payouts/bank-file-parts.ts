// A batch's bank files cut at the payer bank's per-file limit (`maxPaymentsPerFile` in
// data/payer.json): consecutive parts of the batch's payments in endToEndId order, each part a
// complete file of its own (a pain.001 with its own MsgId, NbOfTxs and CtrlSum; a CSV with its
// header). A batch within the limit is one part, named and keyed as before parts existed.
import { BankFileError, type ExpectedTotals, type Payment, type PaymentSource } from './bank-files.ts';

/** One written part of a batch's bank files, as recorded on the batch (`fileParts`). */
export interface BankFilePart {
  /** 1-based position among the batch's parts. */
  part: number;
  /** The pain.001's GrpHdr/MsgId (and PmtInfId): see partMessageId. */
  messageId: string;
  count: number;
  /** Integer fen. */
  totalFen: number;
  /** The part's first and last endToEndId: a payment belongs to the part whose range holds its id. */
  firstEndToEndId: string;
  lastEndToEndId: string;
  csvKey: string;
  pain001Key: string;
}

/**
 * How many payments each part holds: ⌈count / maxPerFile⌉ parts, all full but the last.
 * A batch of 0 payments is one (empty) part, so the writers refuse it as they always did.
 * Throws RangeError for a count or limit that is not a positive safe integer.
 */
export function partCounts(count: number, maxPerFile: number): number[] {
  if (!Number.isSafeInteger(maxPerFile) || maxPerFile < 1) throw new RangeError(`maxPaymentsPerFile must be a positive integer, got ${maxPerFile}`);
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`count must be a non-negative integer, got ${count}`);
  if (count <= maxPerFile) return [count];
  const parts = Math.ceil(count / maxPerFile);
  return Array.from({ length: parts }, (_, i) => (i < parts - 1 ? maxPerFile : count - maxPerFile * (parts - 1)));
}

/**
 * A part's MsgId: the batch id when the batch is one file (as before parts existed, so a bank's
 * pain.002 naming it still matches), `<batchId>-<part>` otherwise (a batch id is ≤ 27
 * characters: ids.ts, so up to 7 digits of part stay within the 35 of Max35Text).
 */
export function partMessageId(batchId: string, part: number, parts: number): string {
  return parts === 1 ? batchId : `${batchId}-${part}`;
}

/** The part a pain.001 MsgId names (a bank's OrgnlMsgId), or undefined when it names none of the batch's parts. */
export function partOfMessageId(parts: readonly BankFilePart[], messageId: string | undefined): BankFilePart | undefined {
  return messageId === undefined ? undefined : parts.find((p) => p.messageId === messageId);
}

/** Whether a payment (by endToEndId) is in the part. */
export function partHolds(part: Pick<BankFilePart, 'firstEndToEndId' | 'lastEndToEndId'>, endToEndId: string): boolean {
  return endToEndId >= part.firstEndToEndId && endToEndId <= part.lastEndToEndId;
}

export interface PartTotals extends ExpectedTotals {
  part: number;
  firstEndToEndId: string;
  lastEndToEndId: string;
}

export interface PartStream {
  part: number;
  /** Payments the part must hold. */
  count: number;
  /** The part's payments; read each part to its end before the next one. */
  payments: AsyncGenerator<Payment, void, undefined>;
  /** Settles once the part was read to its end: what it held; rejects if it was not. */
  totals: Promise<PartTotals>;
}

/**
 * Cuts one stream of payments into consecutive parts of `partCounts(expected.count, maxPerFile)`
 * payments, read one part after the other (memory does not grow with the stream). Checks, inside
 * the part being read so its writer fails and its upload is aborted: endToEndIds strictly
 * ascending (parts are ranges of ids: whole-file rejections and readers rely on it; a repeated id
 * would be a payment twice) — BankFileError OUT_OF_ORDER; the stream holds exactly
 * `expected.count` payments adding up to `expected.totalFen` — TOTALS_MISMATCH.
 * Amounts are checked by the writers (INVALID_PAYMENT), not here.
 */
export function cutIntoParts(payments: PaymentSource, expected: ExpectedTotals, maxPerFile: number): PartStream[] {
  const counts = partCounts(expected.count, maxPerFile);
  const source = (async function* () {
    yield* payments;
  })();
  let previousId: string | undefined;
  let seen = 0;
  let sumFen = 0n;
  let partsRead = 0;
  const mismatch = (message: string) => new BankFileError('TOTALS_MISMATCH', message);

  return counts.map((count, index) => {
    let settle!: { resolve: (t: PartTotals) => void; reject: (e: unknown) => void };
    const totals = new Promise<PartTotals>((resolve, reject) => (settle = { resolve, reject }));
    totals.catch(() => undefined); // a part nobody waits for must not be an unhandled rejection
    const part = index + 1;
    const isLast = index === counts.length - 1;

    async function* read(): AsyncGenerator<Payment, void, undefined> {
      let settled = false;
      try {
        if (partsRead !== index) throw new Error(`bank file part ${part} read before part ${partsRead + 1}`);
        let partFen = 0n;
        let first: string | undefined;
        let last: string | undefined;
        for (let n = 0; n < count; n++) {
          const next = await source.next();
          if (next.done) throw mismatch(`the payments ended after ${seen}, in part ${part}; ${expected.count} declared`);
          const payment = next.value;
          const id = payment?.endToEndId;
          if (previousId !== undefined && typeof id === 'string' && !(id > previousId)) {
            throw new BankFileError('OUT_OF_ORDER', `payment #${seen + 1} (${id.slice(0, 35)}) does not come after ${previousId}: endToEndIds must be strictly ascending`);
          }
          previousId = id;
          seen += 1;
          if (Number.isSafeInteger(payment.amountFen)) {
            partFen += BigInt(payment.amountFen);
            sumFen += BigInt(payment.amountFen);
          }
          first ??= id;
          last = id;
          yield payment;
        }
        if (isLast) {
          if (!(await source.next()).done) throw mismatch(`more payments than the ${expected.count} declared`);
          if (sumFen !== BigInt(expected.totalFen)) {
            throw mismatch(`streamed ${seen} payments totalling ${sumFen} fen, declared ${expected.count} totalling ${expected.totalFen} fen`);
          }
        }
        partsRead += 1;
        settled = true;
        settle.resolve({ part, count, totalFen: Number(partFen), firstEndToEndId: first ?? '', lastEndToEndId: last ?? '' });
      } catch (error) {
        settled = true;
        settle.reject(error);
        throw error;
      } finally {
        // A writer that stopped early (its own check failed) returns the generator: the part is not whole.
        if (!settled) settle.reject(new Error(`bank file part ${part} was not read to its end`));
      }
    }

    return { part, count, payments: read(), totals };
  });
}
