// The recipient registry: who receives what, and the bureau's CSV import of its existing list.
import { z } from 'zod';
import { addMonths } from './clock.ts';
import { idNumberProblem, maskIdNumber } from './id-number.ts';
import type { PolicyVersion } from './policy.ts';
import { amountProblem, pastDateProblem, textLimits, textSchema } from './values.ts';

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

/** A registry record's history entry; IMPORTED and ENROLLED entries say what they set (the figures read it). */
export interface RecipientHistoryEntry extends HistoryEntry {
  category?: RecipientCategory;
  /** The `since` the entry set: the day the membership took effect. */
  effectiveOn?: string;
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
  message: string;
}

/** Splits one CSV line (RFC 4180 quoting, no line breaks inside quotes). */
export function splitCsvLine(text: string): string[] | null {
  const cells: string[] = [];
  let cell = '';
  let i = 0;
  let quoted = false;
  let atCellStart = true;
  while (i < text.length) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        cell += '"';
        i += 2;
        continue;
      }
      if (ch === '"') {
        quoted = false;
        i++;
        if (i < text.length && text[i] !== ',') return null;
        continue;
      }
      cell += ch;
    } else if (ch === '"' && atCellStart) {
      quoted = true;
      atCellStart = false;
    } else if (ch === ',') {
      cells.push(cell);
      cell = '';
      atCellStart = true;
    } else {
      cell += ch;
      atCellStart = false;
    }
    i++;
  }
  if (quoted) return null;
  cells.push(cell);
  return cells;
}

export type CsvParse =
  | { ok: true; rows: CsvRow[]; rejected: LineRejection[] }
  | { ok: false; message: string };

/** Checks the header and splits the data lines; blank lines are skipped. */
export function parseRegistryCsv(text: string): CsvParse {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? '');
  const expected = registryCsvColumns.join(',');
  if (!header || header.map((h) => h.trim()).join(',') !== expected) {
    return { ok: false, message: `the first line must be the header ${expected}` };
  }
  const rows: CsvRow[] = [];
  const rejected: LineRejection[] = [];
  for (let index = 1; index < lines.length; index++) {
    const lineText = lines[index]!;
    if (lineText.trim() === '') continue;
    const cells = splitCsvLine(lineText);
    const line = index + 1;
    if (!cells) rejected.push({ line, message: 'unbalanced quotes' });
    else if (cells.length !== registryCsvColumns.length) {
      rejected.push({ line, message: `has ${cells.length} fields; expected ${registryCsvColumns.length}` });
    } else rows.push({ line, cells: cells.map((c) => c.trim()) });
  }
  if (rows.length + rejected.length === 0) return { ok: false, message: 'the file has no data lines' };
  return { ok: true, rows, rejected };
}

/** A bank's name and an account number, as the registry and an application's payee hold them. */
export const bankNameSchema = textSchema(textLimits.bankName);
export const bankAccountSchema = z.string().regex(/^\d{8,32}$/, 'must be 8-32 digits');

const registryLineSchema = z.object({
  householdId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, - or _'),
  name: textSchema(textLimits.personName),
  idNumber: z.string().superRefine((value, ctx) => {
    const problem = idNumberProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  }),
  category: z.enum(recipientCategories, { error: 'must be DIBAO, MARGINAL or TEKUN' }),
  township: textSchema(textLimits.township),
  monthlyBenefitFen: z
    .string()
    .regex(/^\d{1,12}$/, 'must be a whole, non-negative number of fen')
    .transform(Number),
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
      const message = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      rejected.push({ line: row.line, message });
      continue;
    }
    const sinceProblem = pastDateProblem(parsed.data.since, today);
    if (sinceProblem) {
      rejected.push({ line: row.line, message: `since: ${sinceProblem}` });
      continue;
    }
    const idProblem = idNumberProblem(parsed.data.idNumber, today);
    if (idProblem) {
      rejected.push({ line: row.line, message: `idNumber: ${idProblem}` });
      continue;
    }
    const benefitProblem = amountProblem(
      parsed.data.monthlyBenefitFen,
      policy.amountCeilingsFen.monthlyBenefit[parsed.data.category],
      `the ${parsed.data.category} monthly benefit ceiling`,
    );
    if (benefitProblem) {
      rejected.push({ line: row.line, message: `monthlyBenefitFen: ${benefitProblem}` });
      continue;
    }
    const earlier = firstLineOf.get(parsed.data.idNumber);
    if (earlier !== undefined) {
      rejected.push({ line: row.line, message: `idNumber: duplicates line ${earlier}` });
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
