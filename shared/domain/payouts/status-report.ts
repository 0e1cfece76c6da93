// Reading the bank's answer to a payout batch: an ISO 20022 pain.002 customer payment status
// report, or a CSV `endToEndId,status,reason`. The result lists the final outcomes it found
// (`entries`) and everything it could not turn into one (`problems`), so a caller can apply the
// first and show the second. Input that is neither format, or is broken as a whole (malformed XML,
// an unterminated CSV quote), is refused with a `StatusReportError` and nothing is applied.
import * as z from '../../zod-mini.ts';
import { wholeFileRejection } from './whole-file-rejection.ts';
import { scanXml, XmlSyntaxError } from './xml.ts';
import { CsvFormatError, readCsvRecords } from '../csv.ts';
import { charsetOf, decodeText, TextDecodingError, type TextEncodingName } from '../text-decoding.ts';

export type PaymentOutcome = 'SETTLED' | 'RETURNED';

export interface StatusEntry {
  endToEndId: string;
  status: PaymentOutcome;
  /** ISO external status reason code (e.g. `AC04`) or the bank's proprietary code. */
  reasonCode?: string;
  /** Free text from the bank (pain.002 `AddtlInf`, or the CSV `reason`). */
  reason?: string;
}

export interface StatusProblem {
  /** Where in the report, e.g. `line 12` or `line 40, TxInfAndSts #3`. */
  where: string;
  message: string;
}

export type StatusReportFormat = 'pain.002' | 'csv';

export interface StatusReport {
  format: StatusReportFormat;
  entries: StatusEntry[];
  problems: StatusProblem[];
  /** Set when the report came as bytes: the encoding they were read in. */
  encoding?: TextEncodingName;
  /** Set when the bank refused the whole file (group status RJCT, no transaction listed). */
  wholeFileRejected?: true;
}

/** A report as `parseStatusReport` returns it: with the text it read, to store. */
export interface ReadStatusReport extends StatusReport {
  text: string;
}

export type StatusReportErrorCode =
  | 'UNRECOGNIZED_FORMAT'
  | 'MALFORMED_XML'
  | 'NOT_A_STATUS_REPORT'
  | 'MALFORMED_CSV'
  | 'UNREADABLE_ENCODING';

export class StatusReportError extends Error {
  override readonly name = 'StatusReportError';
  constructor(
    readonly code: StatusReportErrorCode,
    message: string,
  ) {
    super(message);
  }
}

/** Which pain.002 transaction statuses are final, and what they mean for a payment. */
export type FinalStatuses = Readonly<Record<string, PaymentOutcome>>;

/**
 * The ISO 20022 defaults: ACSC AcceptedSettlementCompleted (debtor's account debited), ACCC
 * AcceptedSettlementCompletedCreditorAccount, RJCT Rejected. A payer whose bank's last word is
 * ACSP (AcceptedSettlementInProcess) says so in `data/payer.json` (`finalStatuses`).
 */
export const defaultFinalStatuses: FinalStatuses = { ACSC: 'SETTLED', ACCC: 'SETTLED', RJCT: 'RETURNED' };

/** `finalStatuses` as a payer's configuration gives it: ISO 20022 status codes to outcomes. */
export const finalStatusesSchema = z.record(z.string().check(z.regex(/^[A-Z]{4}$/, 'must be a 4-letter status code')), z.enum(['SETTLED', 'RETURNED']));

export interface ParseStatusReportOptions {
  /** The request's `Content-Type`, if any. Its charset is used; the content decides the format (see `detectStatusReportFormat`). */
  contentType?: string;
  /** The payer's bank's final statuses; `defaultFinalStatuses` when absent. */
  finalStatuses?: FinalStatuses;
}

export function parseStatusReport(content: string | Uint8Array, options: ParseStatusReportOptions = {}): ReadStatusReport {
  const { text, encoding } = decode(content, options.contentType);
  const format = detectStatusReportFormat(text, options.contentType);
  const finalStatuses = options.finalStatuses ?? defaultFinalStatuses;
  const report = format === 'pain.002' ? parsePain002(text, finalStatuses) : parseStatusCsv(text, finalStatuses);
  if (encoding) report.encoding = encoding;
  return Object.defineProperty(report, 'text', { value: text, enumerable: false }) as ReadStatusReport;
}

function finalList(finalStatuses: FinalStatuses): string {
  return Object.keys(finalStatuses).join(', ');
}

/**
 * `pain.002` when the content (after a BOM and whitespace) starts with `<`; `csv` when its first line
 * is a header naming at least `endToEndId` and `status`. Anything else throws UNRECOGNIZED_FORMAT.
 * The content decides even when a Content-Type says otherwise (clients mislabel bodies; the two
 * formats cannot be mistaken for each other); the declared type only shows up in the error.
 */
export function detectStatusReportFormat(text: string, contentType?: string): StatusReportFormat {
  const body = stripBom(text).trimStart();
  if (body.startsWith('<')) return 'pain.002';
  const firstLine = body.split(/\r\n|\n|\r/, 1)[0] ?? '';
  const columns = csvHeaderNames(firstLine);
  if (columns.includes('endtoendid') && columns.includes('status')) return 'csv';
  const declared = contentType ? ` (declared Content-Type: ${contentType.slice(0, 100)})` : '';
  throw new StatusReportError(
    'UNRECOGNIZED_FORMAT',
    `the status report is neither pain.002 XML nor CSV with the header endToEndId,status,reason${declared}`,
  );
}

// ---------------------------------------------------------------------------------------------
// pain.002

/** Parses a pain.002 (any version: elements are matched by local name, so prefixes do not matter). */
export function parsePain002(xml: string, finalStatuses: FinalStatuses = defaultFinalStatuses): StatusReport {
  const collector = new EntryCollector();
  const lineOf = lineCounter(xml);
  const path: string[] = [];
  let text = '';
  let sawReport = false;
  let groupStatus: string | undefined;
  let txTotal = 0;
  let tx: { depth: number; where: string; id?: string; status?: string; code?: string; info: string[] } | undefined;
  let block: { where: string; status?: string; txCount: number } | undefined;
  let blockCount = 0;

  try {
    scanXml(xml, {
      open(name, _attributes, offset) {
        path.push(name);
        text = '';
        if (name === 'CstmrPmtStsRpt') sawReport = true;
        if (!sawReport) return;
        if (name === 'OrgnlPmtInfAndSts') {
          blockCount += 1;
          block = { where: `line ${lineOf(offset)}, OrgnlPmtInfAndSts #${blockCount}`, txCount: 0 };
        } else if (name === 'TxInfAndSts' && tx === undefined) {
          txTotal += 1;
          if (block) block.txCount += 1;
          tx = { depth: path.length, where: `line ${lineOf(offset)}, TxInfAndSts #${txTotal}`, info: [] };
        }
      },
      text(piece) {
        text += piece;
      },
      close(name) {
        const value = text.trim();
        text = '';
        if (sawReport && tx) {
          const inner = path.slice(tx.depth).join('/');
          if (inner === 'OrgnlEndToEndId') tx.id = value;
          else if (inner === 'TxSts') tx.status = value;
          else if (inner === 'StsRsnInf/Rsn/Cd' || inner === 'StsRsnInf/Rsn/Prtry') tx.code ??= value || undefined;
          else if (inner === 'StsRsnInf/AddtlInf' && value) tx.info.push(value);
          else if (path.length === tx.depth) {
            finishTransaction(tx, collector, finalStatuses);
            tx = undefined;
          }
        } else if (sawReport) {
          const parent = path[path.length - 2];
          if (name === 'GrpSts' && parent === 'OrgnlGrpInfAndSts') groupStatus = value;
          else if (name === 'PmtInfSts' && parent === 'OrgnlPmtInfAndSts' && block) block.status = value;
          else if (name === 'OrgnlPmtInfAndSts' && block) {
            if (block.status === 'RJCT' && block.txCount === 0) {
              collector.problem(
                block.where,
                'the bank rejected this whole payment information block (PmtInfSts RJCT) without listing its transactions; they stay pending',
              );
            }
            block = undefined;
          }
        }
        path.pop();
      },
    });
  } catch (error) {
    if (error instanceof XmlSyntaxError) {
      throw new StatusReportError('MALFORMED_XML', `the status report is not well-formed XML: ${error.message}`);
    }
    throw error;
  }
  if (!sawReport) {
    throw new StatusReportError(
      'NOT_A_STATUS_REPORT',
      'the XML is not a pain.002 customer payment status report (no CstmrPmtStsRpt element)',
    );
  }
  // One rule for "the bank refused the whole file", shared with the return-all operator action.
  if (wholeFileRejection(xml) !== null) {
    collector.problem(
      'OrgnlGrpInfAndSts',
      'the bank refused the whole file (group status RJCT) without listing its payments: none of them was paid; they stay pending until an operator applies the whole-file return',
    );
    return { format: 'pain.002', ...collector.result(), wholeFileRejected: true };
  }
  if (txTotal === 0 && collector.problemCount === 0) {
    const status = groupStatus ? ` (group status ${groupStatus})` : '';
    collector.problem('OrgnlGrpInfAndSts', `the report lists no transaction statuses${status}; nothing to apply`);
  }
  return { format: 'pain.002', ...collector.result() };
}

function finishTransaction(
  tx: { where: string; id?: string; status?: string; code?: string; info: string[] },
  collector: EntryCollector,
  finalStatuses: FinalStatuses,
): void {
  if (!tx.id) return collector.problem(tx.where, 'no OrgnlEndToEndId: cannot tell which payment this is');
  if (!tx.status) return collector.problem(tx.where, `${tx.id}: no TxSts`);
  const outcome = Object.hasOwn(finalStatuses, tx.status) ? finalStatuses[tx.status] : undefined;
  if (outcome === undefined) {
    return collector.problem(
      tx.where,
      `${tx.id}: status ${tx.status} is not final for this payer's bank (final: ${finalList(finalStatuses)}); the payment stays pending`,
    );
  }
  const entry: StatusEntry = { endToEndId: tx.id, status: outcome };
  if (outcome === 'RETURNED') {
    if (tx.code) entry.reasonCode = tx.code;
    if (tx.info.length > 0) entry.reason = tx.info.join(' ');
  }
  collector.add(entry, tx.where);
}

// ---------------------------------------------------------------------------------------------
// CSV

/**
 * Parses CSV (RFC 4180; CRLF, LF or CR line ends) whose header names `endToEndId` and `status`
 * and optionally `reason`, in any order and case; other columns are ignored. `status` is
 * ACSC/ACCC/SETTLED or RJCT/RETURNED (any case). A `reason` that is, or starts with, an ISO-style
 * code (`AC04`, `AC04: account closed`) gives `reasonCode` as well.
 */
export function parseStatusCsv(csv: string, finalStatuses: FinalStatuses = defaultFinalStatuses): StatusReport {
  const collector = new EntryCollector();
  let records;
  try {
    records = readCsvRecords(csv);
  } catch (error) {
    if (error instanceof CsvFormatError) throw new StatusReportError('MALFORMED_CSV', error.message);
    throw error;
  }
  const [header, ...rows] = records;
  const names = (header?.cells ?? []).map((f) => f.trim().toLowerCase());
  const idColumn = names.indexOf('endtoendid');
  const statusColumn = names.indexOf('status');
  const reasonColumn = names.indexOf('reason');
  if (idColumn === -1 || statusColumn === -1) {
    throw new StatusReportError('UNRECOGNIZED_FORMAT', 'the CSV header must name the columns endToEndId,status,reason');
  }
  // CSV statuses: the payer's final pain.002 codes plus our own words.
  const csvStatuses: FinalStatuses = { ...finalStatuses, SETTLED: 'SETTLED', RETURNED: 'RETURNED' };

  for (const { line, cells: fields } of rows) {
    const where = `line ${line}`;
    const id = (fields[idColumn] ?? '').trim();
    const status = (fields[statusColumn] ?? '').trim().toUpperCase();
    const reason = reasonColumn === -1 ? '' : (fields[reasonColumn] ?? '').trim();
    if (!id) {
      collector.problem(where, 'no endToEndId');
      continue;
    }
    const outcome = Object.hasOwn(csvStatuses, status) ? csvStatuses[status] : undefined;
    if (outcome === undefined) {
      collector.problem(
        where,
        `${id}: status ${JSON.stringify(status.slice(0, 20))} is not one of ${finalList(csvStatuses)}; the payment stays pending`,
      );
      continue;
    }
    const entry: StatusEntry = { endToEndId: id, status: outcome };
    if (outcome === 'RETURNED' && reason) Object.assign(entry, splitReason(reason));
    collector.add(entry, where);
  }
  return { format: 'csv', ...collector.result() };
}

const REASON_CODE = /^([A-Z]{2}[A-Z0-9]{2})(?:$|\s*[:：\-–]\s*|\s+)(.*)$/s;

function splitReason(reason: string): Pick<StatusEntry, 'reasonCode' | 'reason'> {
  const m = REASON_CODE.exec(reason);
  if (!m) return { reason };
  const rest = m[2]!.trim();
  return rest ? { reasonCode: m[1]!, reason: rest } : { reasonCode: m[1]! };
}

function csvHeaderNames(line: string): string[] {
  return line.split(',').map((c) => c.trim().replace(/^"(.*)"$/, '$1').trim().toLowerCase());
}

// ---------------------------------------------------------------------------------------------
// Shared

/**
 * Collects entries in report order. The same id twice with the same outcome is kept once; the
 * same id with different outcomes is a problem and the id is left out (never guess which is right).
 */
class EntryCollector {
  private readonly entries = new Map<string, { entry: StatusEntry; where: string }>();
  private readonly conflicted = new Set<string>();
  private readonly problems: StatusProblem[] = [];

  get problemCount(): number {
    return this.problems.length;
  }

  problem(where: string, message: string): void {
    this.problems.push({ where, message });
  }

  add(entry: StatusEntry, where: string): void {
    const earlier = this.entries.get(entry.endToEndId);
    if (earlier === undefined) {
      if (!this.conflicted.has(entry.endToEndId)) this.entries.set(entry.endToEndId, { entry, where });
      return;
    }
    if (earlier.entry.status !== entry.status) {
      this.entries.delete(entry.endToEndId);
      this.conflicted.add(entry.endToEndId);
      this.problem(
        where,
        `${entry.endToEndId}: reported as ${entry.status} here but as ${earlier.entry.status} at ${earlier.where}; neither is applied`,
      );
    }
  }

  result(): { entries: StatusEntry[]; problems: StatusProblem[] } {
    return { entries: [...this.entries.values()].map((e) => e.entry), problems: this.problems };
  }
}

function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Bytes become text by the one decoding rule (`decodeText`): BOM, then the Content-Type charset or
 * the XML declaration, then strict UTF-8, then GB18030 when it reads as a status report.
 */
function decode(content: string | Uint8Array, contentType?: string): { text: string; encoding?: TextEncodingName } {
  if (typeof content === 'string') return { text: content };
  try {
    return decodeText(content, {
      declaredCharset: charsetOf(contentType),
      xmlDeclaration: true,
      plausibleGb18030: (text) => {
        try {
          detectStatusReportFormat(text);
          return true;
        } catch {
          return false;
        }
      },
    });
  } catch (error) {
    if (error instanceof TextDecodingError) throw new StatusReportError('UNREADABLE_ENCODING', error.message);
    throw error;
  }
}

/** Line number of an offset; fast for increasing offsets, which is how the scanner reports them. */
function lineCounter(text: string): (offset: number) => number {
  let at = 0;
  let line = 1;
  return (offset) => {
    if (offset < at) {
      at = 0;
      line = 1;
    }
    for (let i = text.indexOf('\n', at); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line += 1;
    at = offset;
    return line;
  };
}
