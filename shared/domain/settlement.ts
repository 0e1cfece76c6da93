// Discharge settlement for "treatment first, pay later" (API.md, "Hospital notices"):
//   outOfPocketFen       = totalCostFen − insurancePaidFen − criticalIllnessPaidFen
//   eligibleFen          = outOfPocketFen − nonCoveredFen
//   medicalAssistanceFen = min(floor(eligibleFen × share(category)), max(0, annualCapFen − annualUsedFen))
//   patientPaysFen       = outOfPocketFen − medicalAssistanceFen
// All amounts are integer fen; the share is an integer fraction applied exactly with BigInt.

import { applyRatioDown, MEDICAL_CATEGORIES, type MedicalCategory, type PolicyVersion, type Ratio } from './policy.ts';

export interface DischargeInput {
  /** The patient's recipient category (from the registry, not the hospital). */
  category: MedicalCategory;
  totalCostFen: number;
  insurancePaidFen: number;
  criticalIllnessPaidFen: number;
  nonCoveredFen: number;
  /** Medical assistance already paid to this person in the policy year, before this settlement. */
  annualUsedFen: number;
}

export interface DischargeSettlement {
  outOfPocketFen: number;
  eligibleFen: number;
  medicalAssistanceFen: number;
  patientPaysFen: number;
  /** Annual medical assistance used, after this settlement. */
  annualUsedFen: number;
  annualCapFen: number;
  /** Human-readable explanation with the key figures, in yuan. */
  reason: string;
}

/** One field-level problem, in the shape of the contract's error `details`. */
export interface FieldProblem {
  path: string;
  message: string;
}

/** Thrown by `settleDischarge` when its input is invalid; `problems` lists every problem found. */
export class DischargeInputError extends Error {
  readonly problems: FieldProblem[];
  constructor(problems: FieldProblem[]) {
    super(problems.map((p) => `${p.path}: ${p.message}`).join('; '));
    this.name = 'DischargeInputError';
    this.problems = problems;
  }
}

/** The amounts a hospital's DISCHARGE notice carries. */
export const DISCHARGE_AMOUNT_FIELDS = ['totalCostFen', 'insurancePaidFen', 'criticalIllnessPaidFen', 'nonCoveredFen'] as const;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fenProblem(value: unknown): string | undefined {
  if (value === undefined) return 'is required';
  if (typeof value !== 'number' || !Number.isInteger(value)) return 'must be an integer number of fen';
  if (!Number.isSafeInteger(value)) return 'is too large (beyond the safe-integer range)';
  if (value < 0) return 'must not be negative';
  return undefined;
}

/**
 * Field-level problems with the amounts of a hospital's discharge notice (the four
 * `*Fen` fields): each must be a non-negative safe integer, and insurance + critical-illness
 * insurance + not-covered must not exceed the total cost (a 400 per the contract).
 * Returns [] when the amounts are valid. Other fields of `body` are ignored.
 */
export function validateDischargeAmounts(body: unknown): FieldProblem[] {
  if (!isRecord(body)) return [{ path: '', message: 'must be an object' }];
  const problems: FieldProblem[] = [];
  for (const field of DISCHARGE_AMOUNT_FIELDS) {
    const message = fenProblem(body[field]);
    if (message !== undefined) problems.push({ path: field, message });
  }
  if (problems.length === 0) {
    // Each is a safe integer, but their sum may not be: compare exactly.
    const deducted =
      BigInt(body['insurancePaidFen'] as number) +
      BigInt(body['criticalIllnessPaidFen'] as number) +
      BigInt(body['nonCoveredFen'] as number);
    const total = BigInt(body['totalCostFen'] as number);
    if (deducted > total) {
      problems.push({
        path: 'totalCostFen',
        message: `insurancePaidFen + criticalIllnessPaidFen + nonCoveredFen (${deducted} fen) exceeds totalCostFen (${total} fen)`,
      });
    }
  }
  return problems;
}

/**
 * Field-level problems with a whole `DischargeInput`: the amounts (see
 * `validateDischargeAmounts`), plus `category` and `annualUsedFen`. Returns [] when valid.
 */
export function validateDischargeInput(input: unknown): FieldProblem[] {
  if (!isRecord(input)) return [{ path: '', message: 'must be an object' }];
  const problems: FieldProblem[] = [];
  const category = input['category'];
  if (typeof category !== 'string' || !(MEDICAL_CATEGORIES as readonly string[]).includes(category)) {
    problems.push({ path: 'category', message: `must be one of ${MEDICAL_CATEGORIES.join(', ')}` });
  }
  problems.push(...validateDischargeAmounts(input));
  const used = fenProblem(input['annualUsedFen']);
  if (used !== undefined) problems.push({ path: 'annualUsedFen', message: used });
  return problems;
}

import { formatYuan } from './yuan.ts';
export { formatYuan };

/** A share as a percentage when it has at most two decimals (90%, 12.5%), else as a fraction (2/3). */
export function formatShare(r: Ratio): string {
  const num = BigInt(r.numerator);
  const den = BigInt(r.denominator);
  const basisPoints = num * 10000n; // hundredths of a percent
  if (basisPoints % den !== 0n) return `${r.numerator}/${r.denominator}`;
  const bp = basisPoints / den;
  const whole = bp / 100n;
  const frac = bp % 100n;
  if (frac === 0n) return `${whole}%`;
  return `${whole}.${String(frac).padStart(2, '0').replace(/0$/, '')}%`;
}

/**
 * Settles a discharge under `policy` (the version in force on the discharge date).
 * Throws DischargeInputError if `validateDischargeInput` finds problems.
 * If `annualUsedFen` is already at or above the cap (e.g. a later policy lowered it),
 * assistance is 0 and the annual total is carried over unchanged.
 */
export function settleDischarge(input: DischargeInput, policy: PolicyVersion): DischargeSettlement {
  const problems = validateDischargeInput(input);
  if (problems.length > 0) throw new DischargeInputError(problems);

  const { category, totalCostFen, insurancePaidFen, criticalIllnessPaidFen, nonCoveredFen, annualUsedFen } = input;
  const { annualCapFen } = policy.medicalAssistance;
  const share = policy.medicalAssistance.shares[category];

  // Validation guarantees insurance + critical-illness + not-covered <= total, so both are >= 0
  // and, being at most totalCostFen, safe integers.
  const outOfPocketFen = totalCostFen - insurancePaidFen - criticalIllnessPaidFen;
  const eligibleFen = outOfPocketFen - nonCoveredFen;
  const byShareFen = applyRatioDown(eligibleFen, share); // rounding DOWN_TO_FEN
  const capLeftFen = Math.max(0, annualCapFen - annualUsedFen);
  const medicalAssistanceFen = Math.min(byShareFen, capLeftFen);
  const patientPaysFen = outOfPocketFen - medicalAssistanceFen;
  const annualUsedAfterFen = annualUsedFen + medicalAssistanceFen; // <= cap when used <= cap

  const y = (f: number) => `${formatYuan(f)} yuan`;
  let capPart: string;
  if (capLeftFen === 0) {
    capPart = `annual cap ${y(annualCapFen)} already used up (${y(annualUsedFen)} used)`;
  } else if (byShareFen > capLeftFen) {
    capPart = `annual cap leaves ${y(capLeftFen)} (cap ${y(annualCapFen)}, ${y(annualUsedFen)} used)`;
  } else {
    capPart = `within annual cap (${y(capLeftFen)} left of ${y(annualCapFen)})`;
  }
  const reason =
    `${category} share ${formatShare(share)} of eligible ${y(eligibleFen)} ` +
    `(out-of-pocket ${y(outOfPocketFen)} less not covered ${y(nonCoveredFen)}) is ${y(byShareFen)}; ` +
    `${capPart}; medical assistance pays ${y(medicalAssistanceFen)}, patient pays ${y(patientPaysFen)} ` +
    `(policy effective ${policy.effectiveFrom})`;

  return {
    outOfPocketFen,
    eligibleFen,
    medicalAssistanceFen,
    patientPaysFen,
    annualUsedFen: annualUsedAfterFen,
    annualCapFen,
    reason,
  };
}
