// Bank files for a payout batch, written as a stream: each writer takes the batch's payments as an
// (async) iterable and is an async generator of string chunks, so memory stays flat however large
// the batch. Wrap one in `Readable.from(...)` to pipe it into an upload. A writer that throws has
// produced an incomplete file: the caller must discard (abort) what it has written so far.
//
// Both writers check every payment the same way, so a batch yields either both files or neither.
import { escapeXml, hasInvalidXmlChars } from './xml.ts';

export interface Payment {
  endToEndId: string;
  recipientId: string;
  creditorName: string;
  bankName: string;
  bankAccount: string;
  /** Positive integer number of fen. */
  amountFen: number;
}

export type PaymentSource = AsyncIterable<Payment> | Iterable<Payment>;

export type BankFileErrorCode = 'INVALID_PAYMENT' | 'INVALID_HEADER' | 'TOTALS_MISMATCH' | 'OUT_OF_ORDER';

export class BankFileError extends Error {
  override readonly name = 'BankFileError';
  constructor(
    readonly code: BankFileErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export interface ExpectedTotals {
  count: number;
  totalFen: number;
}

/** Default size at which buffered output is yielded as one chunk (characters). */
export const DEFAULT_CHUNK_CHARS = 64 * 1024;

export const CSV_COLUMNS = [
  'endToEndId',
  'recipientId',
  'creditorName',
  'bankName',
  'bankAccount',
  'amountFen',
  'amountYuan',
] as const;

export const PAIN_001_NAMESPACE = 'urn:iso:std:iso:20022:tech:xsd:pain.001.001.09';

/**
 * Exact yuan text of an integer number of fen: 1 → "0.01", 123456 → "1234.56", -5 → "-0.05".
 * Integer arithmetic only (no floating point anywhere).
 */
export function formatFenAsYuan(fen: number | bigint): string {
  if (typeof fen === 'number' && !Number.isSafeInteger(fen)) {
    throw new RangeError(`amount in fen must be a safe integer, got ${fen}`);
  }
  const value = BigInt(fen);
  const abs = value < 0n ? -value : value;
  const cents = (abs % 100n).toString().padStart(2, '0');
  return `${value < 0n ? '-' : ''}${abs / 100n}.${cents}`;
}

// ---------------------------------------------------------------------------------------------
// CSV

export interface CsvOptions {
  /** When given, the stream must match these totals; a mismatch throws before the last chunk. */
  expected?: ExpectedTotals;
  /** Start with a UTF-8 byte order mark (lets spreadsheet software detect UTF-8). Default false. */
  bom?: boolean;
  chunkChars?: number;
}

/**
 * CSV (RFC 4180, CRLF line ends) with header
 * `endToEndId,recipientId,creditorName,bankName,bankAccount,amountFen,amountYuan`.
 * Text cells starting with `= + - @`, tab or CR get a leading `'` so spreadsheets do not run them
 * as formulas; cells with a comma, quote or line break are quoted.
 */
export async function* writePaymentsCsv(
  payments: PaymentSource,
  options: CsvOptions = {},
): AsyncGenerator<string, void, undefined> {
  const expected = options.expected === undefined ? undefined : checkTotals(options.expected);
  const chunks = new Chunker(options.chunkChars);
  const tally = new Tally(expected);

  const head = chunks.add(`${options.bom ? '\uFEFF' : ''}${CSV_COLUMNS.join(',')}\r\n`);
  if (head !== undefined) yield head;
  for await (const payment of payments) {
    checkPayment(payment, tally.count);
    tally.add(payment);
    const row = [
      payment.endToEndId,
      payment.recipientId,
      payment.creditorName,
      payment.bankName,
      payment.bankAccount,
      String(payment.amountFen),
      formatFenAsYuan(payment.amountFen),
    ];
    const out = chunks.add(`${row.map(csvCell).join(',')}\r\n`);
    if (out !== undefined) yield out;
  }
  tally.finish();
  const rest = chunks.flush();
  if (rest.length > 0) yield rest;
}

export function csvCell(value: string): string {
  const guarded = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

// ---------------------------------------------------------------------------------------------
// ISO 20022 pain.001.001.09

export interface Pain001Header extends ExpectedTotals {
  /** `GrpHdr/MsgId`, unique per file sent to the bank; at most 35 characters. */
  messageId: string;
  /** `GrpHdr/CreDtTm`. A string must be an ISO 8601 date-time with seconds and an offset or Z. */
  createdAt: Date | string;
  /** `GrpHdr/InitgPty/Nm`; defaults to `debtorName`. */
  initiatingPartyName?: string;
  /** `PmtInf/PmtInfId`; defaults to `messageId`. */
  paymentInfoId?: string;
  /** `PmtInf/ReqdExctnDt/Dt`, `YYYY-MM-DD`. */
  executionDate: string;
  /** `PmtInf/Dbtr/Nm`: the paying bureau. */
  debtorName: string;
  /** `PmtInf/DbtrAcct/Id/Othr/Id`: the bureau's account. */
  debtorAccount: string;
  /** `PmtInf/DbtrAgt/FinInstnId/Othr/Id`: the bureau's bank. */
  debtorAgentId: string;
}

export interface Pain001Options {
  chunkChars?: number;
}

/**
 * A pain.001.001.09 credit-transfer initiation: one `PmtInf` with one `CdtTrfTxInf` per payment.
 * `GrpHdr` comes first and carries `NbOfTxs` and `CtrlSum`, so the totals are taken up front in
 * `header` and the stream is checked against them: the writer throws `TOTALS_MISMATCH` as soon as
 * the payments exceed them, or at the end (before the closing tags) if they fall short.
 */
export async function* writePain001(
  header: Pain001Header,
  payments: PaymentSource,
  options: Pain001Options = {},
): AsyncGenerator<string, void, undefined> {
  const h = checkPain001Header(header);
  const chunks = new Chunker(options.chunkChars);
  const tally = new Tally(h);
  const ctrlSum = formatFenAsYuan(h.totalFen);

  const head = chunks.add(
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
      `<Document xmlns="${PAIN_001_NAMESPACE}">\n` +
      '  <CstmrCdtTrfInitn>\n' +
      '    <GrpHdr>\n' +
      `      <MsgId>${escapeXml(h.messageId)}</MsgId>\n` +
      `      <CreDtTm>${escapeXml(h.createdAt)}</CreDtTm>\n` +
      `      <NbOfTxs>${h.count}</NbOfTxs>\n` +
      `      <CtrlSum>${ctrlSum}</CtrlSum>\n` +
      `      <InitgPty><Nm>${escapeXml(h.initiatingPartyName)}</Nm></InitgPty>\n` +
      '    </GrpHdr>\n' +
      '    <PmtInf>\n' +
      `      <PmtInfId>${escapeXml(h.paymentInfoId)}</PmtInfId>\n` +
      '      <PmtMtd>TRF</PmtMtd>\n' +
      `      <NbOfTxs>${h.count}</NbOfTxs>\n` +
      `      <CtrlSum>${ctrlSum}</CtrlSum>\n` +
      `      <ReqdExctnDt><Dt>${h.executionDate}</Dt></ReqdExctnDt>\n` +
      `      <Dbtr><Nm>${escapeXml(h.debtorName)}</Nm></Dbtr>\n` +
      `      <DbtrAcct><Id><Othr><Id>${escapeXml(h.debtorAccount)}</Id></Othr></Id></DbtrAcct>\n` +
      `      <DbtrAgt><FinInstnId><Othr><Id>${escapeXml(h.debtorAgentId)}</Id></Othr></FinInstnId></DbtrAgt>\n`,
  );
  if (head !== undefined) yield head;
  for await (const payment of payments) {
    checkPayment(payment, tally.count);
    tally.add(payment);
    const creditorAgent =
      payment.bankName.length > 0
        ? `        <CdtrAgt><FinInstnId><Nm>${escapeXml(payment.bankName)}</Nm></FinInstnId></CdtrAgt>\n`
        : '';
    const out = chunks.add(
      '      <CdtTrfTxInf>\n' +
        `        <PmtId><EndToEndId>${payment.endToEndId}</EndToEndId></PmtId>\n` +
        `        <Amt><InstdAmt Ccy="CNY">${formatFenAsYuan(payment.amountFen)}</InstdAmt></Amt>\n` +
        creditorAgent +
        `        <Cdtr><Nm>${escapeXml(payment.creditorName)}</Nm></Cdtr>\n` +
        `        <CdtrAcct><Id><Othr><Id>${escapeXml(payment.bankAccount)}</Id></Othr></Id></CdtrAcct>\n` +
        '      </CdtTrfTxInf>\n',
    );
    if (out !== undefined) yield out;
  }
  tally.finish();
  const tail = chunks.add('    </PmtInf>\n  </CstmrCdtTrfInitn>\n</Document>\n');
  yield tail ?? chunks.flush();
}

// ---------------------------------------------------------------------------------------------
// Checks shared by both writers

const END_TO_END_ID = /^[A-Za-z0-9-]{1,35}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;

function checkPayment(payment: Payment, index: number): void {
  const fail = (message: string): never => {
    const id = typeof payment?.endToEndId === 'string' ? ` (${payment.endToEndId.slice(0, 35)})` : '';
    throw new BankFileError('INVALID_PAYMENT', `payment #${index + 1}${id}: ${message}`);
  };
  if (typeof payment !== 'object' || payment === null) fail('not an object');
  if (typeof payment.endToEndId !== 'string' || !END_TO_END_ID.test(payment.endToEndId)) {
    fail('endToEndId must be 1-35 characters of [A-Za-z0-9-]');
  }
  if (!Number.isSafeInteger(payment.amountFen) || payment.amountFen <= 0) {
    fail(`amountFen must be a positive integer, got ${String(payment.amountFen)}`);
  }
  checkText(payment.recipientId, 'recipientId', { max: Infinity }, fail);
  checkText(payment.creditorName, 'creditorName', { max: 140 }, fail);
  checkText(payment.bankName, 'bankName', { max: 140, mayBeEmpty: true }, fail);
  checkText(payment.bankAccount, 'bankAccount', { max: 34 }, fail);
}

function checkPain001Header(header: Pain001Header): Required<Omit<Pain001Header, 'createdAt'>> & { createdAt: string } {
  const fail = (message: string): never => {
    throw new BankFileError('INVALID_HEADER', `pain.001 header: ${message}`);
  };
  const { count, totalFen } = checkTotals(header);
  if (count < 1) fail('a pain.001 file needs at least one payment (count >= 1)');
  checkText(header.messageId, 'messageId', { max: 35 }, fail);
  const paymentInfoId = header.paymentInfoId ?? header.messageId;
  checkText(paymentInfoId, 'paymentInfoId', { max: 35 }, fail);
  checkText(header.debtorName, 'debtorName', { max: 140 }, fail);
  const initiatingPartyName = header.initiatingPartyName ?? header.debtorName;
  checkText(initiatingPartyName, 'initiatingPartyName', { max: 140 }, fail);
  checkText(header.debtorAccount, 'debtorAccount', { max: 34 }, fail);
  checkText(header.debtorAgentId, 'debtorAgentId', { max: 35 }, fail);

  let createdAt: string;
  if (header.createdAt instanceof Date) {
    if (Number.isNaN(header.createdAt.getTime())) fail('createdAt is an invalid Date');
    createdAt = header.createdAt.toISOString();
  } else if (typeof header.createdAt === 'string' && DATE_TIME.test(header.createdAt) && !Number.isNaN(Date.parse(header.createdAt))) {
    createdAt = header.createdAt;
  } else {
    createdAt = fail('createdAt must be a Date or an ISO 8601 date-time with an offset');
  }
  if (!isCalendarDate(header.executionDate)) fail('executionDate must be a calendar date YYYY-MM-DD');

  return {
    count,
    totalFen,
    messageId: header.messageId,
    createdAt,
    initiatingPartyName,
    paymentInfoId,
    executionDate: header.executionDate,
    debtorName: header.debtorName,
    debtorAccount: header.debtorAccount,
    debtorAgentId: header.debtorAgentId,
  };
}

function checkTotals(totals: ExpectedTotals): ExpectedTotals {
  const { count, totalFen } = totals;
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new BankFileError('INVALID_HEADER', `count must be a non-negative integer, got ${String(count)}`);
  }
  if (!Number.isSafeInteger(totalFen) || totalFen < 0) {
    throw new BankFileError('INVALID_HEADER', `totalFen must be a non-negative integer, got ${String(totalFen)}`);
  }
  return { count, totalFen };
}

function checkText(
  value: unknown,
  field: string,
  rule: { max: number; mayBeEmpty?: boolean },
  fail: (message: string) => never,
): void {
  if (typeof value !== 'string') return void fail(`${field} must be a string`);
  if (!rule.mayBeEmpty && value.trim().length === 0) fail(`${field} must not be empty`);
  if (hasInvalidXmlChars(value)) fail(`${field} contains a control character or a lone surrogate`);
  // ISO 20022 text lengths count characters (code points), not UTF-16 units.
  if (rule.max !== Infinity && [...value].length > rule.max) fail(`${field} is longer than ${rule.max} characters`);
}

function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === mo - 1 && date.getUTCDate() === d;
}

/** Counts what was streamed and holds it to the expected totals, if any. */
class Tally {
  count = 0;
  private sumFen = 0n;
  private readonly expectedFen: bigint | undefined;

  constructor(private readonly expected: ExpectedTotals | undefined) {
    this.expectedFen = expected === undefined ? undefined : BigInt(expected.totalFen);
  }

  add(payment: Payment): void {
    this.count += 1;
    this.sumFen += BigInt(payment.amountFen);
    if (this.expected === undefined) return;
    if (this.count > this.expected.count) {
      throw this.mismatch(`more payments than the ${this.expected.count} declared`);
    }
    if (this.sumFen > this.expectedFen!) {
      throw this.mismatch(`payments add up to more than the ${this.expected.totalFen} fen declared`);
    }
  }

  finish(): void {
    if (this.expected === undefined) return;
    if (this.count !== this.expected.count || this.sumFen !== this.expectedFen) {
      throw this.mismatch(
        `streamed ${this.count} payments totalling ${this.sumFen} fen, ` +
          `declared ${this.expected.count} totalling ${this.expected.totalFen} fen`,
      );
    }
  }

  private mismatch(message: string): BankFileError {
    return new BankFileError('TOTALS_MISMATCH', message);
  }
}

/** Buffers small strings and hands them out in chunks of about `limit` characters. */
class Chunker {
  private parts: string[] = [];
  private size = 0;
  private readonly limit: number;

  constructor(limit: number = DEFAULT_CHUNK_CHARS) {
    if (!Number.isSafeInteger(limit) || limit < 1) throw new RangeError('chunkChars must be a positive integer');
    this.limit = limit;
  }

  add(text: string): string | undefined {
    this.parts.push(text);
    this.size += text.length;
    return this.size >= this.limit ? this.flush() : undefined;
  }

  flush(): string {
    const out = this.parts.join('');
    this.parts = [];
    this.size = 0;
    return out;
  }
}
