// The recipient registry: who receives what, and the bureau's CSV import of its existing list.
import * as z from '../zod-mini.ts';
import { addMonths } from './clock.ts';
import { readCsvRecords, headerNames, CsvFormatError, type CsvRecord } from './csv.ts';
import { excelNumberAdvice, idNumberMessages, idNumberProblemCode, maskIdNumber } from './id-number.ts';
import type { ErrorDetail } from './errors.ts';
import { chineseLineMessage, detailText, lineReasons, type Language, type LineReasonCode, type ReasonValues } from './reasons.ts';
import { zodDetails } from './validation-details.ts';
import type { PolicyVersion } from './policy.ts';
import { amountProblem, earliestSince, pastDateProblem, textLimits, textSchema } from './values.ts';

export const registryCsvColumns = [
  'householdId',
  'name',
  'idNumber',
  'category',
  'township',
  'monthlyBenefitFen',
  'since',
  'bankName',
  'bankAccount',
] as const;

export const recipientCategories = ['DIBAO', 'MARGINAL', 'TEKUN'] as const;
export type RecipientCategory = (typeof recipientCategories)[number];
export type RecipientStatus = 'ACTIVE' | 'SUSPENDED' | 'TERMINATED';

export interface HistoryEntry {
  at: string;
  by: string;
  action: string;
  reason: string;
}

/**
 * A registry record's history entry. Enrolments (IMPORTED, ENROLLED) and status changes
 * (SUSPENDED, REINSTATED, TERMINATED) also say what they set, so a decision can use the
 * person's standing on a past date of service (see registry-history.ts).
 */
export interface RecipientHistoryEntry extends HistoryEntry {
  status?: RecipientStatus;
  category?: RecipientCategory;
  /** Enrolments only: the date (China time) from which the enrolment counts. */
  since?: string;
}

export interface Recipient {
  idNumber: string;
  recipientId: string;
  householdId: string;
  name: string;
  category: RecipientCategory;
  township: string;
  monthlyBenefitFen: number;
  since: string;
  /** Absent when the person was enrolled from an application that named no payee. */
  bankName?: string;
  bankAccount?: string;
  status: RecipientStatus;
  /** The import that created the record, so a redelivered import recognises its own work. */
  importId?: string;
  /** The relief application the person was enrolled from. */
  applicationId?: string;
  /** Periodic review (动态管理): every 12 months, or 6 where a working-age member has income. */
  reviewEveryMonths?: 6 | 12;
  /** When the next periodic review falls due; absent on imported records (a year after `since`). */
  nextReviewOn?: string;
  /** Set by the review-due job when a review opens; cleared when a reviewer acts on the recipient. */
  reviewOpenedOn?: string;
  history: RecipientHistoryEntry[];
}

/** What a reviewer may do to an enrolled person, from which statuses, to which. */
export const recipientStatusChanges = {
  SUSPEND: { from: ['ACTIVE'], to: 'SUSPENDED' },
  REINSTATE: { from: ['SUSPENDED'], to: 'ACTIVE' },
  TERMINATE: { from: ['ACTIVE', 'SUSPENDED'], to: 'TERMINATED' },
} as const satisfies Record<string, { from: readonly RecipientStatus[]; to: RecipientStatus }>;
export type RecipientStatusChange = keyof typeof recipientStatusChanges;

/** What callers other than the registry's own workers see: the ID number masked. */
export function publicRecipient(r: Recipient) {
  return {
    recipientId: r.recipientId,
    householdId: r.householdId,
    name: r.name,
    idNumberMasked: maskIdNumber(r.idNumber),
    category: r.category,
    status: r.status,
    since: r.since,
    monthlyBenefitFen: r.monthlyBenefitFen,
  };
}

export interface CsvRow {
  /** 1-based line number in the file, header included. */
  line: number;
  cells: string[];
}

export interface LineRejection {
  line: number;
  /** In English: each problem as `column: text`. */
  message: string;
  /** Each problem with its column and stable code (reasons.ts, the validation detail codes). */
  details: ErrorDetail[];
}

/** A rejected line from its problems; the English message joins them. */
export function lineRejection(line: number, details: ErrorDetail[]): LineRejection {
  return { line, message: details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join('; '), details };
}

/**
 * A rejected line as the API answers it, in `language`: each problem as `column: text` (Chinese
 * column names and texts under zh-CN). A line stored before details existed keeps its English.
 */
export function presentRejection(rejection: { line: number; message?: string; details?: ErrorDetail[] }, language: Language): LineRejection {
  const details = rejection.details ?? [];
  if (details.length === 0) return { line: rejection.line, message: rejection.message ?? '', details };
  if (language === 'en') return lineRejection(rejection.line, details);
  return { line: rejection.line, message: chineseLineMessage(details), details: details.map((d) => ({ ...d, message: detailText(d) })) };
}

/** A rejection as the import record keeps it: its details only (the message is derived), to stay small. */
export function storedRejection(rejection: LineRejection): { line: number; details: ErrorDetail[] } {
  return { line: rejection.line, details: rejection.details };
}

/** One of a line's problems with a reason of reasons.ts. */
export function lineProblem(path: string, code: LineReasonCode, values: ReasonValues = {}): ErrorDetail {
  return { path, code, message: lineReasons[code].en(values), values };
}

export type RegistryColumn = (typeof registryCsvColumns)[number];

/**
 * Header names staff write in Chinese Excel, read as the contract's columns. `月保障金` (and
 * `月保障金(元)`) is in yuan, as staff write it; `月保障金(分)` is in fen like `monthlyBenefitFen`.
 */
export const registryHeaderAliases: Readonly<Record<string, RegistryColumn>> = {
  户编号: 'householdId',
  户号: 'householdId',
  姓名: 'name',
  身份证号: 'idNumber',
  身份证号码: 'idNumber',
  类别: 'category',
  乡镇: 'township',
  '乡镇(街道)': 'township',
  月保障金: 'monthlyBenefitFen',
  '月保障金(元)': 'monthlyBenefitFen',
  '月保障金(分)': 'monthlyBenefitFen',
  起始日期: 'since',
  开户行: 'bankName',
  账号: 'bankAccount',
  银行账号: 'bankAccount',
};

/** Header names whose amounts are yuan (up to 2 decimals), turned into fen exactly. */
const yuanHeaders = new Set(['月保障金', '月保障金(元)']);

/** Category values as staff write them. */
const categoryAliases: Readonly<Record<string, RecipientCategory>> = {
  低保: 'DIBAO',
  低保户: 'DIBAO',
  低保边缘: 'MARGINAL',
  低保边缘家庭: 'MARGINAL',
  特困: 'TEKUN',
  特困人员: 'TEKUN',
};

/** Full-width brackets and spaces folded, so `月保障金（元）` and `月保障金(元)` are one name. */
function normalizeHeader(name: string): string {
  return name.normalize('NFKC').replace(/\s+/g, '');
}

export type CsvParse =
  | { ok: true; rows: CsvRow[]; rejected: LineRejection[] }
  | { ok: false; message: string };

const contractHeader = registryCsvColumns.join(',');

/**
 * Reads a registry CSV (see `shared/domain/csv.ts` for what is lenient) into rows whose cells are
 * in the contract's column order. The header may name the columns in any order, in English or by
 * the Chinese aliases; a column that is not in the contract is ignored when it holds no data and
 * refuses the file, named, when it does. Amounts under a yuan header are turned into fen here.
 */
export function parseRegistryCsv(text: string): CsvParse {
  let records: CsvRecord[];
  try {
    records = readCsvRecords(text);
  } catch (error) {
    if (error instanceof CsvFormatError) return { ok: false, message: error.message };
    throw error;
  }
  const [header, ...data] = records;
  const names = headerNames(header);
  const columnAt = new Map<RegistryColumn, number>();
  const unknown: number[] = [];
  const yuanColumns = new Set<number>();
  for (const [index, raw] of names.entries()) {
    const name = normalizeHeader(raw);
    const column = (registryCsvColumns as readonly string[]).includes(name)
      ? (name as RegistryColumn)
      : registryHeaderAliases[name];
    if (!column) {
      unknown.push(index);
      continue;
    }
    if (columnAt.has(column)) {
      return { ok: false, message: `the header names the column ${column} twice (${names[columnAt.get(column)!]} and ${raw})` };
    }
    columnAt.set(column, index);
    if (yuanHeaders.has(name)) yuanColumns.add(index);
  }
  const missing = registryCsvColumns.filter((c) => !columnAt.has(c));
  if (missing.length > 0) {
    return {
      ok: false,
      message: `the first line must be the header ${contractHeader} (or the Chinese names in the README); missing: ${missing.join(', ')}`,
    };
  }
  // Columns beyond the header (empty header cells) count as unknown too: ignored while empty.
  const widest = Math.max(names.length, ...data.map((row) => row.cells.length));
  for (let index = names.length; index < widest; index++) unknown.push(index);
  for (const index of unknown) {
    const used = data.find((row) => (row.cells[index] ?? '').trim() !== '');
    if (used) {
      const name = names[index] ? `"${names[index]}"` : `${index + 1} (no header)`;
      return {
        ok: false,
        message: `column ${name} is not one of ${contractHeader} but holds data (line ${used.line}); remove it or rename it`,
      };
    }
  }
  const rows: CsvRow[] = [];
  const rejected: LineRejection[] = [];
  for (const record of data) {
    if (record.cells.length < names.length) {
      rejected.push(lineRejection(record.line, [lineProblem('', 'LINE_FIELD_COUNT', { found: record.cells.length, expected: names.length })]));
      continue;
    }
    const cells = registryCsvColumns.map((column) => {
      const index = columnAt.get(column)!;
      const cell = record.cells[index]!.trim();
      return yuanColumns.has(index) ? yuanToFenText(cell) : cell;
    });
    rows.push({ line: record.line, cells });
  }
  if (rows.length + rejected.length === 0) return { ok: false, message: 'the file has no data lines' };
  return { ok: true, rows, rejected };
}

/** A name as the registry takes it: CJK, or Latin letters, with the interpuncts minority names use. */
const plausibleName = /^[\p{Script=Han}A-Za-z][\p{Script=Han}A-Za-z ·•・．‧.]*$/u;

/**
 * Whether text read as GB18030 (a file that is not UTF-8 and declares nothing) is a registry CSV:
 * the header matches and every name is CJK or Latin with interpuncts. Mojibake fails one of these.
 */
export function plausibleRegistryText(text: string): boolean {
  const parsed = parseRegistryCsv(text);
  return parsed.ok && parsed.rows.every((row) => row.cells[1] === '' || plausibleName.test(row.cells[1]!));
}

/** Rejected lines as a CSV a reviewer opens in Excel: UTF-8 with a BOM, CRLF. */
export function rejectionsCsv(rejections: LineRejection[]): string {
  const quote = (value: string) => `"${value.replace(/"/g, '""')}"`;
  return `\uFEFFline,message\r\n${rejections.map((r) => `${r.line},${quote(r.message)}\r\n`).join('')}`;
}

/** "900" or "900.5" yuan → "90000" or "90050" fen, exactly; anything else is left for validation to refuse. */
function yuanToFenText(cell: string): string {
  const match = /^(\d{1,10})(?:\.(\d{1,2}))?$/.exec(cell);
  if (!match) return cell === '' ? cell : `yuan:${cell}`;
  return String(Number(match[1]) * 100 + Number((match[2] ?? '').padEnd(2, '0')));
}

/** A bank's name and an account number, as the registry and an application's payee hold them. */
export const bankNameSchema = textSchema(textLimits.bankName);
export const bankAccountSchema = z.string().check(
  z.refine(
    (v) => !/^\d+(?:[.,]\d+)?[eE][+]?\d+$/.test(v),
    `Excel turned this account number into a number (shown like 6.22848E+15) and its digits are lost: ${excelNumberAdvice}`,
  ),
  z.regex(/^\d{8,32}$/, 'must be 8-32 digits'),
);

/**
 * Free text of one registry field. A quoted line break is data to the CSV reader: it gets a message
 * saying where it came from before the common text rule (values.ts) refuses other control characters.
 */
const singleLine = (max: number) =>
  z.pipe(z.string().check(z.regex(/^[^\r\n\u2028\u2029]*$/u, 'must be on one line (no line breaks: Alt+Enter in Excel)')), textSchema(max));

const registryLineSchema = z.object({
  householdId: z.string().check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, - or _')),
  name: singleLine(textLimits.personName),
  idNumber: z.string().check(
    z.superRefine((value, ctx) => {
      const problem = idNumberProblemCode(value);
      if (problem) ctx.addIssue({ code: 'custom', message: idNumberMessages[problem], params: { code: problem } });
    }),
  ),
  category: z.pipe(
    z.transform((value: unknown) => (typeof value === 'string' && Object.hasOwn(categoryAliases, value) ? categoryAliases[value] : value)),
    z.enum(recipientCategories, { error: 'must be DIBAO, MARGINAL or TEKUN (or 低保, 低保边缘, 特困)' }),
  ),
  township: singleLine(textLimits.township),
  monthlyBenefitFen: z.pipe(
    z.string().check(
      z.refine((v) => !v.startsWith('yuan:'), 'must be yuan with at most 2 decimals, e.g. 900 or 900.50'),
      z.refine((v) => !/^\d+(?:\.\d+)?[eE][+]?\d+$/.test(v), `Excel turned this into a number in E notation: ${excelNumberAdvice}`),
      z.regex(/^\d{1,12}$/, 'must be a whole, non-negative number of fen'),
    ),
    z.transform(Number),
  ),
  since: z.iso.date({ error: 'must be a date YYYY-MM-DD' }),
  bankName: bankNameSchema,
  bankAccount: bankAccountSchema,
});

export type RegistryLine = z.output<typeof registryLineSchema> & { line: number };

export interface ValidatedImport {
  valid: RegistryLine[];
  rejected: LineRejection[];
}

/**
 * Validates every row (free text, the benefit under the policy's ceiling for the category, `since`
 * in its window: shared/domain/values.ts) and rejects later copies of an ID number already seen in the file.
 */
export function validateRegistryRows(rows: CsvRow[], today: string, policy: PolicyVersion): ValidatedImport {
  const valid: RegistryLine[] = [];
  const rejected: LineRejection[] = [];
  const firstLineOf = new Map<string, number>();
  for (const row of rows) {
    const record = Object.fromEntries(registryCsvColumns.map((c, i) => [c, row.cells[i]]));
    const parsed = registryLineSchema.safeParse(record);
    if (!parsed.success) {
      rejected.push(lineRejection(row.line, zodDetails(parsed.error)));
      continue;
    }
    const sinceProblem = pastDateProblem(parsed.data.since, today);
    if (sinceProblem) {
      rejected.push(lineRejection(row.line, [lineProblem('since', 'SINCE_OUT_OF_RANGE', { problem: sinceProblem, earliest: earliestSince })]));
      continue;
    }
    const idProblem = idNumberProblemCode(parsed.data.idNumber, today);
    if (idProblem) {
      rejected.push(lineRejection(row.line, [{ path: 'idNumber', code: idProblem, message: idNumberMessages[idProblem] }]));
      continue;
    }
    const benefitProblem = amountProblem(
      parsed.data.monthlyBenefitFen,
      policy.amountCeilingsFen.monthlyBenefit[parsed.data.category],
      `the ${parsed.data.category} monthly benefit ceiling`,
    );
    if (benefitProblem) {
      rejected.push(
        lineRejection(row.line, [
          lineProblem('monthlyBenefitFen', 'BENEFIT_OVER_CEILING', {
            problem: benefitProblem,
            ceilingFen: policy.amountCeilingsFen.monthlyBenefit[parsed.data.category],
          }),
        ]),
      );
      continue;
    }
    const earlier = firstLineOf.get(parsed.data.idNumber);
    if (earlier !== undefined) {
      rejected.push(lineRejection(row.line, [lineProblem('idNumber', 'DUPLICATES_LINE', { line: earlier })]));
      continue;
    }
    firstLineOf.set(parsed.data.idNumber, row.line);
    valid.push({ ...parsed.data, line: row.line });
  }
  return { valid, rejected };
}

/** When a recipient's periodic review falls due: as scheduled, or a year after `since` for imported records. */
export function reviewDueOn(recipient: Pick<Recipient, 'nextReviewOn' | 'since'>): string {
  return recipient.nextReviewOn ?? addMonths(recipient.since, 12);
}
