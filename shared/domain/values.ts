// One rule per kind of value, used at every edge that takes one (registry import, applications,
// decisions, payout batches, hospital notices, jobs' --as-of): free text, amounts, dates, periods.
// A value that passes here cannot fail the bank-file writer or push a batch total out of the
// safe-integer range later, after claims are written.
import * as z from '../zod-mini.ts';
import { addDays, addMonths, dateInChina, isIsoDate } from './clock.ts';

// ---------------------------------------------------------------------------------------------
// Free text

/**
 * Characters no free text may carry: controls (Cc: NUL, tab, newline, ESC, ...), format characters
 * (Cf: the bidi overrides U+202A–U+202E and isolates U+2066–U+2069, zero-width joiners, BOM, soft
 * hyphen), lone surrogates and the line/paragraph separators. Private-use code points are allowed:
 * hospitals send rare characters (生僻字) as such (BRIEF.md, "Names").
 */
const forbiddenText = /[\p{Cc}\p{Cf}\p{Cs}\p{Zl}\p{Zp}]/u;

/** The bank file's limits (pain.001 `Nm` is Max140Text; our CSV takes the same), in characters. */
export const textLimits = {
  personName: 50,
  bankName: 100,
  township: 100,
  address: 200,
  title: 200,
  reason: 2000,
} as const;

/**
 * Why `value` is not acceptable free text of at most `max` characters (code points, as the bank
 * file counts them), or null. Surrounding spaces are the caller's to trim first.
 */
export function textProblem(value: string, max: number): string | null {
  if (value.length === 0) return 'is required';
  const bad = forbiddenText.exec(value);
  if (bad) {
    const code = bad[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0');
    return `contains the control or format character U+${code}, which a bank file cannot carry`;
  }
  if ([...value].length > max) return `is longer than ${max} characters`;
  return null;
}

// ---------------------------------------------------------------------------------------------
// Amounts

/**
 * No single amount ceiling in the policy data may exceed this (1,000,000 yuan): a batch of
 * 90 million payments at the ceiling still totals within Number.MAX_SAFE_INTEGER fen.
 */
export const maxCeilingFen = 100_000_000;

/** Why `amountFen` is not an integer number of fen between 0 and `ceilingFen`, or null. */
export function amountProblem(amountFen: number, ceilingFen: number, rule: string): string | null {
  if (!Number.isSafeInteger(amountFen) || amountFen < 0) return 'must be a whole, non-negative number of fen';
  if (amountFen > ceilingFen) return `${amountFen} fen exceeds ${rule} of ${ceilingFen} fen`;
  return null;
}

// ---------------------------------------------------------------------------------------------
// Dates and periods (China time)

/** The earliest date a registry record may start on (`since`): China's Dibao began in the 1990s. */
export const earliestSince = '1990-01-01';
/** Arrears may be paid for periods this many months back; planning ahead, one month forward. */
export const periodMonthsBack = 24;
export const periodMonthsAhead = 1;
/** How far a hospital's or client's clock may run ahead of ours. */
export const clockSkewMs = 5 * 60_000;
/** Jobs may be run as of a date this far back (a missed run) or ahead (a rehearsal). */
export const asOfYearsBack = 5;
export const asOfYearsAhead = 2;

/** Why `period` (YYYY-MM) is not a month that may be paid as of `today`, or null. */
export function periodProblem(period: string, today: string): string | null {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(period)) return 'must be a month YYYY-MM';
  const month = today.slice(0, 7);
  const earliest = addMonths(`${month}-01`, -periodMonthsBack).slice(0, 7);
  const latest = addMonths(`${month}-01`, periodMonthsAhead).slice(0, 7);
  if (period < earliest) return `must not be before ${earliest} (arrears go back ${periodMonthsBack} months)`;
  if (period > latest) return `must not be after ${latest} (next month at the latest)`;
  return null;
}

/** Why `date` (YYYY-MM-DD) is not a real date between `earliest` and `today`, or null. */
export function pastDateProblem(date: string, today: string, earliest = earliestSince): string | null {
  if (!isIsoDate(date)) return 'must be a date YYYY-MM-DD';
  if (date > today) return 'must not be in the future';
  if (date < earliest) return `must not be before ${earliest}`;
  return null;
}

/**
 * Why an instant (admission, discharge) is not a real time in the past, allowing `clockSkewMs` of
 * a sender's clock running ahead, or null. Hospital notices use this rule.
 */
export function pastInstantProblem(instant: string, now: Date): string | null {
  const at = Date.parse(instant);
  if (Number.isNaN(at) || !/^\d{4}-\d{2}-\d{2}T/.test(instant)) return 'must be an ISO 8601 instant with offset';
  if (at > now.getTime() + clockSkewMs) return 'must not be in the future';
  if (dateInChina(new Date(at)) < '2000-01-01') return 'must not be before 2000-01-01';
  return null;
}

/** Why a job's `--as-of` date is not plausible as of `today`, or null. */
export function asOfProblem(asOf: string, today: string): string | null {
  if (!isIsoDate(asOf)) return 'must be a date YYYY-MM-DD';
  const earliest = addDays(addMonths(today, -12 * asOfYearsBack), 0);
  const latest = addMonths(today, 12 * asOfYearsAhead);
  if (asOf < earliest || asOf > latest) return `must be between ${earliest} and ${latest}`;
  return null;
}

/** Free text as a zod schema: trimmed, then `textProblem`. */
export const textSchema = (max: number) =>
  z.string().check(
    z.trim(),
    z.superRefine((value, ctx) => {
      const problem = textProblem(value, max);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  );
