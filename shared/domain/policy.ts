// Policy as versioned data (BRIEF.md, "Default policy"): a settlement or assessment uses the
// version in force on its service date. A deployment changes policy by replacing
// data/policy.json; no code changes. Money is integer fen; ratios are integer fractions so
// that every derived amount is computed exactly (BigInt), never with floats.

import * as z from '../zod-mini.ts';
import defaultPolicyData from '../../data/policy.json' with { type: 'json' };
import { isIsoDate } from './clock.ts';
import { maxCeilingFen } from './values.ts';

/** Recipient categories that have a medical-assistance share. */
export const MEDICAL_CATEGORIES = ['DIBAO', 'MARGINAL', 'TEKUN'] as const;
export type MedicalCategory = (typeof MEDICAL_CATEGORIES)[number];

export { isIsoDate } from './clock.ts';

const isoDate = z.string().check(z.refine(isIsoDate, { message: 'must be a calendar date YYYY-MM-DD' }));

/** A non-negative integer number of fen within Number's safe-integer range. */
const fen = z.int().check(z.nonnegative());
const positiveFen = fen.check(z.positive());

const ratio = z.strictObject({
  numerator: z.int().check(z.nonnegative()),
  denominator: z.int().check(z.positive()),
});

/** A share between 0 and 1 inclusive, as an integer fraction. */
const share = ratio.check(
  z.refine((r) => r.numerator <= r.denominator, { message: 'share must be between 0 and 1 (numerator <= denominator)' }),
);

export const PolicyVersionSchema = z
  .strictObject({
    effectiveFrom: isoDate,
    /** Dibao standard, per person per month. */
    dibaoStandardFen: positiveFen,
    /** Marginal low-income threshold as a multiple of the Dibao standard (>= 1). */
    marginalThresholdRatio: ratio.check(
      z.refine((r) => r.numerator >= r.denominator, { message: 'marginal threshold ratio must be at least 1 (numerator >= denominator)' }),
    ),
    /** Property test: deposits per household member, in months of the standard. */
    depositsPerMemberMonths: z.int().check(z.nonnegative()),
    publicNoticeDays: z.int().check(z.positive()),
    /** Temporary/emergency grant ceiling, in months of the standard. */
    oneOffGrantCeilingMonths: z.int().check(z.nonnegative()),
    /**
     * Sanity ceilings on amounts taken at the edges (shared/domain/values.ts), each at most
     * maxCeilingFen so that no batch total can leave the safe-integer range.
     */
    amountCeilingsFen: z.strictObject({
      /** A recipient's monthly benefit (registry import, enrolment decision), per category. */
      monthlyBenefit: z.strictObject({ DIBAO: fen, MARGINAL: fen, TEKUN: fen }),
      /** A batch's amount per person, per program that has one. */
      perPerson: z.strictObject({ PRICE_SUBSIDY: fen, ONE_TIME_LIVING: fen }),
      /** One member's monthly income and a household's deposits, as an application states them. */
      monthlyIncome: fen,
      deposits: fen,
    }),
    medicalAssistance: z.strictObject({
      shares: z.strictObject({ DIBAO: share, MARGINAL: share, TEKUN: share }),
      /** Per person per calendar year. */
      annualCapFen: fen,
      rounding: z.literal('DOWN_TO_FEN'),
      /**
       * Illness-driven poverty watch (因病致贫返贫监测): a person's out-of-pocket payments in a
       * year at or above this are listed for caseworkers. A fixed amount, or a share of last
       * year's local per-capita disposable income. Absent: 2,000,000 fen (BRIEF.md's default).
       */
      watchThreshold: z.optional(
        z.union([
          z.strictObject({ fixedFen: positiveFen }),
          z.strictObject({ shareOfIncome: ratio, perCapitaDisposableIncomeFen: positiveFen }),
        ]),
      ),
    }),
  })
  .check(z.superRefine((p, ctx) => {
    // Derived amounts must themselves be safe integers, or the helpers below would throw later.
    const derived: Array<[string, bigint]> = [
      ['marginalThresholdRatio', (BigInt(p.dibaoStandardFen) * BigInt(p.marginalThresholdRatio.numerator)) / BigInt(p.marginalThresholdRatio.denominator)],
      ['depositsPerMemberMonths', BigInt(p.dibaoStandardFen) * BigInt(p.depositsPerMemberMonths)],
      ['oneOffGrantCeilingMonths', BigInt(p.dibaoStandardFen) * BigInt(p.oneOffGrantCeilingMonths)],
    ];
    const ceilings = p.amountCeilingsFen;
    for (const [key, value] of [
      ...Object.entries(ceilings.monthlyBenefit).map(([k, v]) => [`amountCeilingsFen.monthlyBenefit.${k}`, v] as const),
      ...Object.entries(ceilings.perPerson).map(([k, v]) => [`amountCeilingsFen.perPerson.${k}`, v] as const),
      ['amountCeilingsFen.monthlyIncome', ceilings.monthlyIncome] as const,
      ['amountCeilingsFen.deposits', ceilings.deposits] as const,
      ['oneOffGrantCeilingMonths', p.dibaoStandardFen * p.oneOffGrantCeilingMonths] as const,
    ]) {
      if (value > maxCeilingFen) ctx.addIssue({ code: 'custom', path: key.split('.'), message: `exceeds the largest ceiling of ${maxCeilingFen} fen` });
    }
    for (const [key, value] of derived) {
      if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'derived amount exceeds the safe-integer range of fen' });
      }
    }
  }));

export type PolicyVersion = z.infer<typeof PolicyVersionSchema>;
export type Ratio = PolicyVersion['marginalThresholdRatio'];

export const PolicyListSchema = z.array(PolicyVersionSchema).check(
  z.minLength(1, { message: 'at least one policy version is required' }),
  z.superRefine((list, ctx) => {
    for (let i = 1; i < list.length; i++) {
      const prev = list[i - 1]!.effectiveFrom;
      const cur = list[i]!.effectiveFrom;
      if (cur <= prev) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'effectiveFrom'],
          message:
            cur === prev
              ? `duplicate effectiveFrom ${cur} (also version ${i - 1})`
              : `effectiveFrom ${cur} is not after the previous version's ${prev}; versions must be in strictly increasing order`,
        });
      }
    }
  }),
);

export interface PolicyProblem {
  path: string;
  message: string;
}

/** Thrown by `parsePolicies` when the policy data is not valid. */
export class PolicyDataError extends Error {
  readonly problems: PolicyProblem[];
  constructor(problems: PolicyProblem[]) {
    super(`invalid policy data: ${problems.map((p) => `${p.path || '(root)'}: ${p.message}`).join('; ')}`);
    this.name = 'PolicyDataError';
    this.problems = problems;
  }
}

/** Thrown by `policyInForce` when no version is in force on the date asked. */
export class NoPolicyInForceError extends Error {
  readonly date: string;
  constructor(date: string, earliest: string | undefined) {
    super(
      earliest === undefined
        ? `no policy in force on ${date}: there are no policy versions`
        : `no policy in force on ${date}: the earliest policy version takes effect on ${earliest}`,
    );
    this.name = 'NoPolicyInForceError';
    this.date = date;
  }
}

/** Validates policy data (e.g. the parsed contents of data/policy.json). Throws PolicyDataError. */
export function parsePolicies(json: unknown): PolicyVersion[] {
  const result = PolicyListSchema.safeParse(json);
  if (!result.success) {
    throw new PolicyDataError(
      result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
    );
  }
  return result.data;
}

/**
 * The version in force on `date` (YYYY-MM-DD): the latest one whose effectiveFrom is on or
 * before it. Does not rely on the list's order. Throws RangeError for a malformed date and
 * NoPolicyInForceError when every version starts later.
 */
export function policyInForce(policies: readonly PolicyVersion[], date: string): PolicyVersion {
  if (!isIsoDate(date)) throw new RangeError(`policyInForce: date must be YYYY-MM-DD, got ${JSON.stringify(date)}`);
  let best: PolicyVersion | undefined;
  let earliest: string | undefined;
  for (const p of policies) {
    if (earliest === undefined || p.effectiveFrom < earliest) earliest = p.effectiveFrom;
    // YYYY-MM-DD strings order lexicographically as dates.
    if (p.effectiveFrom <= date && (best === undefined || p.effectiveFrom > best.effectiveFrom)) best = p;
  }
  if (best === undefined) throw new NoPolicyInForceError(date, earliest);
  return best;
}

function toSafeFen(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`${what} exceeds the safe-integer range of fen`);
  }
  return Number(value);
}

/** floor(amountFen × ratio), exact (BigInt), for a non-negative amount. */
export function applyRatioDown(amountFen: number, r: Ratio): number {
  if (!Number.isSafeInteger(amountFen) || amountFen < 0) {
    throw new RangeError(`amount must be a non-negative safe integer of fen, got ${amountFen}`);
  }
  return toSafeFen((BigInt(amountFen) * BigInt(r.numerator)) / BigInt(r.denominator), 'amount × ratio');
}

/** The watch-list threshold of `policy` in fen (see `medicalAssistance.watchThreshold`). */
export function watchThresholdFen(policy: PolicyVersion): number {
  const threshold = policy.medicalAssistance.watchThreshold;
  if (!threshold) return 2_000_000;
  if ('fixedFen' in threshold) return threshold.fixedFen;
  return applyRatioDown(threshold.perCapitaDisposableIncomeFen, threshold.shareOfIncome);
}

/**
 * Per-capita monthly income at or below which a household is marginal (1.5 × standard by
 * default). Rounded down to the fen: for integer incomes, `income <= floor(t)` is exactly
 * `income <= t`, so the comparison is unaffected by rounding.
 */
export function marginalThresholdFen(policy: PolicyVersion): number {
  return applyRatioDown(policy.dibaoStandardFen, policy.marginalThresholdRatio);
}

/** Ceiling of a temporary/emergency one-off grant (10 × standard by default). */
export function oneOffGrantCeilingFen(policy: PolicyVersion): number {
  return toSafeFen(BigInt(policy.dibaoStandardFen) * BigInt(policy.oneOffGrantCeilingMonths), 'one-off grant ceiling');
}

/** Property test: most a household of `members` people may hold in deposits (24 × standard each by default). */
export function depositsLimitFen(policy: PolicyVersion, members: number): number {
  if (!Number.isSafeInteger(members) || members < 1) {
    throw new RangeError(`members must be a positive integer, got ${members}`);
  }
  return toSafeFen(
    BigInt(policy.dibaoStandardFen) * BigInt(policy.depositsPerMemberMonths) * BigInt(members),
    'deposits limit',
  );
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

let defaultPolicies: readonly PolicyVersion[] | undefined;

/**
 * The deployment's policy versions from data/policy.json (statically imported, so bundled
 * into each Lambda). Validated once and cached; the result is deeply frozen.
 */
export function loadDefaultPolicies(): readonly PolicyVersion[] {
  defaultPolicies ??= deepFreeze(parsePolicies(defaultPolicyData));
  return defaultPolicies;
}
