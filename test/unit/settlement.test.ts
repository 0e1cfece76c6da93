import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { loadDefaultPolicies, MEDICAL_CATEGORIES, policyInForce, type MedicalCategory, type PolicyVersion } from '../../shared/domain/policy.ts';
import {
  DischargeInputError,
  formatShare,
  formatYuan,
  settleDischarge,
  validateDischargeAmounts,
  validateDischargeInput,
  type DischargeInput,
} from '../../shared/domain/settlement.ts';

const policy = policyInForce(loadDefaultPolicies(), '2022-06-01');
const CAP = policy.medicalAssistance.annualCapFen; // 8 000 000 fen = 80 000 yuan

function input(overrides: Partial<DischargeInput>): DischargeInput {
  return {
    category: 'DIBAO',
    totalCostFen: 0,
    insurancePaidFen: 0,
    criticalIllnessPaidFen: 0,
    nonCoveredFen: 0,
    annualUsedFen: 0,
    ...overrides,
  };
}

describe('worked examples (computed by hand)', () => {
  it('DIBAO, well within the cap', () => {
    // total 10000.00, insurance 6000.00, critical illness 1000.00 → out-of-pocket 3000.00
    // not covered 500.00 → eligible 2500.00; 90% → 2250.00; cap left 80000.00 → assistance 2250.00
    // patient pays 3000.00 − 2250.00 = 750.00; used after 0 + 2250.00
    const s = settleDischarge(
      input({ totalCostFen: 1_000_000, insurancePaidFen: 600_000, criticalIllnessPaidFen: 100_000, nonCoveredFen: 50_000 }),
      policy,
    );
    expect(s).toEqual({
      outOfPocketFen: 300_000,
      eligibleFen: 250_000,
      medicalAssistanceFen: 225_000,
      patientPaysFen: 75_000,
      annualUsedFen: 225_000,
      annualCapFen: 8_000_000,
      reason:
        'DIBAO share 90% of eligible 2500.00 yuan (out-of-pocket 3000.00 yuan less not covered 500.00 yuan) is 2250.00 yuan; ' +
        'within annual cap (80000.00 yuan left of 80000.00 yuan); medical assistance pays 2250.00 yuan, patient pays 750.00 yuan ' +
        '(policy effective 2022-01-01)',
    });
  });

  it('MARGINAL rounds down to the fen', () => {
    // eligible 123.45 yuan × 70% = 86.415 yuan = 8641.5 fen → 8641 fen; patient pays 12345 − 8641 = 3704
    const s = settleDischarge(input({ category: 'MARGINAL', totalCostFen: 12_345 }), policy);
    expect(s.medicalAssistanceFen).toBe(8_641);
    expect(s.patientPaysFen).toBe(3_704);
    expect(s.reason).toContain('MARGINAL share 70% of eligible 123.45 yuan');
  });

  it('DIBAO limited by what is left of the annual cap', () => {
    // total 2000.00 − insurance 600.00 − critical illness 100.00 = out-of-pocket 1300.00
    // not covered 65.44 → eligible 1234.56; 90% = 1111.104 → 1111.10
    // used 79200.00 of 80000.00 → 800.00 left → assistance 800.00; patient pays 1300.00 − 800.00 = 500.00
    const s = settleDischarge(
      input({ totalCostFen: 200_000, insurancePaidFen: 60_000, criticalIllnessPaidFen: 10_000, nonCoveredFen: 6_544, annualUsedFen: 7_920_000 }),
      policy,
    );
    expect(s.outOfPocketFen).toBe(130_000);
    expect(s.eligibleFen).toBe(123_456);
    expect(s.medicalAssistanceFen).toBe(80_000);
    expect(s.patientPaysFen).toBe(50_000);
    expect(s.annualUsedFen).toBe(CAP);
    expect(s.reason).toContain('DIBAO share 90% of eligible 1234.56 yuan');
    expect(s.reason).toContain('is 1111.10 yuan');
    expect(s.reason).toContain('annual cap leaves 800.00 yuan');
  });

  it('TEKUN is paid in full; the patient pays only what is not covered', () => {
    // total 500.00 − insurance 300.00 = out-of-pocket 200.00; not covered 50.00 → eligible 150.00 × 100%
    const s = settleDischarge(input({ category: 'TEKUN', totalCostFen: 50_000, insurancePaidFen: 30_000, nonCoveredFen: 5_000 }), policy);
    expect(s.medicalAssistanceFen).toBe(15_000);
    expect(s.patientPaysFen).toBe(5_000);
  });

  it('pays nothing once the cap is used up, and nothing more when a later policy lowered the cap', () => {
    const exhausted = settleDischarge(input({ totalCostFen: 10_000, annualUsedFen: CAP }), policy);
    expect(exhausted.medicalAssistanceFen).toBe(0);
    expect(exhausted.patientPaysFen).toBe(10_000);
    expect(exhausted.annualUsedFen).toBe(CAP);
    expect(exhausted.reason).toContain('annual cap 80000.00 yuan already used up');

    const above = settleDischarge(input({ totalCostFen: 10_000, annualUsedFen: CAP + 1 }), policy);
    expect(above.medicalAssistanceFen).toBe(0);
    expect(above.annualUsedFen).toBe(CAP + 1);
  });

  it('accepts deductions exactly equal to the total (nothing eligible)', () => {
    const s = settleDischarge(input({ totalCostFen: 10_000, insurancePaidFen: 7_000, criticalIllnessPaidFen: 1_000, nonCoveredFen: 2_000 }), policy);
    expect(s).toMatchObject({ outOfPocketFen: 2_000, eligibleFen: 0, medicalAssistanceFen: 0, patientPaysFen: 2_000 });
  });

  it('is exact for amounts where eligible × numerator exceeds 2^53', () => {
    // eligible = 2^53 − 1 = 9007199254740991; × 9 / 10 = 8106479329266891.9 → 8106479329266891
    const big: PolicyVersion = { ...policy, medicalAssistance: { ...policy.medicalAssistance, annualCapFen: Number.MAX_SAFE_INTEGER } };
    const s = settleDischarge(input({ totalCostFen: Number.MAX_SAFE_INTEGER }), big);
    expect(s.medicalAssistanceFen).toBe(8_106_479_329_266_891);
    expect(s.patientPaysFen).toBe(900_719_925_474_100);
  });
});

describe('input validation', () => {
  it('rejects insurance + critical illness + not covered above the total, at totalCostFen', () => {
    const bad = input({ totalCostFen: 10_000, insurancePaidFen: 8_000, criticalIllnessPaidFen: 1_000, nonCoveredFen: 1_001 });
    expect(validateDischargeInput(bad)).toEqual([
      { path: 'totalCostFen', message: 'insurancePaidFen + criticalIllnessPaidFen + nonCoveredFen (10001 fen) exceeds totalCostFen (10000 fen)' },
    ]);
    expect(() => settleDischarge(bad, policy)).toThrow(DischargeInputError);
  });

  it('compares the sum exactly even beyond 2^53', () => {
    const m = Number.MAX_SAFE_INTEGER;
    // Deductions one fen above / exactly at a total of 2^53 − 1 fen.
    expect(validateDischargeAmounts({ totalCostFen: m, insurancePaidFen: m - 1, criticalIllnessPaidFen: 1, nonCoveredFen: 1 })).toHaveLength(1);
    expect(validateDischargeAmounts({ totalCostFen: m, insurancePaidFen: m - 2, criticalIllnessPaidFen: 1, nonCoveredFen: 1 })).toEqual([]);
  });

  it.each<[string, unknown, string]>([
    ['negative', -1, 'must not be negative'],
    ['fractional', 12.5, 'must be an integer number of fen'],
    ['NaN', Number.NaN, 'must be an integer number of fen'],
    ['a string', '100', 'must be an integer number of fen'],
    ['unsafe', 2 ** 53, 'is too large (beyond the safe-integer range)'],
    ['missing', undefined, 'is required'],
  ])('reports a %s amount by field', (_what, value, message) => {
    for (const field of ['totalCostFen', 'insurancePaidFen', 'criticalIllnessPaidFen', 'nonCoveredFen', 'annualUsedFen'] as const) {
      const bad = { ...input({ totalCostFen: 1_000 }), [field]: value };
      expect(validateDischargeInput(bad)).toEqual([{ path: field, message }]);
    }
  });

  it('reports every problem at once, and an unknown category', () => {
    const problems = validateDischargeInput({ category: 'TEMPORARY', totalCostFen: -5, insurancePaidFen: 1.5, criticalIllnessPaidFen: 0, nonCoveredFen: 0, annualUsedFen: 0 });
    expect(problems.map((p) => p.path)).toEqual(['category', 'totalCostFen', 'insurancePaidFen']);
    try {
      settleDischarge(input({ category: 'X' as MedicalCategory, totalCostFen: -1 }), policy);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DischargeInputError);
      expect((e as DischargeInputError).problems.map((p) => p.path)).toEqual(['category', 'totalCostFen']);
    }
  });

  it('rejects a non-object', () => {
    expect(validateDischargeInput(null)).toEqual([{ path: '', message: 'must be an object' }]);
    expect(validateDischargeAmounts([1, 2])).toEqual([{ path: '', message: 'must be an object' }]);
  });
});

describe('formatYuan and formatShare', () => {
  it.each([
    [0, '0.00'],
    [5, '0.05'],
    [100, '1.00'],
    [123_456, '1234.56'],
    [-5, '-0.05'],
    [-123_456, '-1234.56'],
    [Number.MAX_SAFE_INTEGER, '90071992547409.91'],
  ])('formatYuan(%d) = %s', (fen, s) => {
    expect(formatYuan(fen)).toBe(s);
  });

  it('refuses non-integers', () => {
    expect(() => formatYuan(1.5)).toThrow(RangeError);
    expect(() => formatYuan(2 ** 53)).toThrow(RangeError);
  });

  it.each([
    [90, 100, '90%'],
    [1, 1, '100%'],
    [0, 7, '0%'],
    [1, 8, '12.5%'],
    [1205, 10000, '12.05%'],
    [2, 3, '2/3'],
  ])('formatShare(%d/%d) = %s', (numerator, denominator, s) => {
    expect(formatShare({ numerator, denominator })).toBe(s);
  });
});

// ---------------------------------------------------------------------------------------------
// Properties over random amounts, for every category, under the default and under random policies.

const amount = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 20_000_000 }) }, // up to 200 000 yuan: near the cap
  { weight: 1, arbitrary: fc.maxSafeNat() },
);

/** A valid discharge: deductions never above the total. */
const dischargeAmounts = amount.chain((totalCostFen) =>
  fc.integer({ min: 0, max: totalCostFen }).chain((insurancePaidFen) =>
    fc.integer({ min: 0, max: totalCostFen - insurancePaidFen }).chain((criticalIllnessPaidFen) =>
      fc.integer({ min: 0, max: totalCostFen - insurancePaidFen - criticalIllnessPaidFen }).map((nonCoveredFen) => ({
        totalCostFen,
        insurancePaidFen,
        criticalIllnessPaidFen,
        nonCoveredFen,
      })),
    ),
  ),
);

const randomPolicy: fc.Arbitrary<PolicyVersion> = fc
  .record({
    caps: fc.oneof(fc.constant(CAP), fc.integer({ min: 0, max: 20_000_000 }), fc.maxSafeNat()),
    shares: fc.tuple(
      ...MEDICAL_CATEGORIES.map(() =>
        fc.integer({ min: 1, max: 10_000 }).chain((denominator) => fc.integer({ min: 0, max: denominator }).map((numerator) => ({ numerator, denominator }))),
      ),
    ),
  })
  .map(({ caps, shares }) => ({
    ...policy,
    medicalAssistance: {
      annualCapFen: caps,
      rounding: 'DOWN_TO_FEN' as const,
      shares: Object.fromEntries(MEDICAL_CATEGORIES.map((c, i) => [c, shares[i]!])) as PolicyVersion['medicalAssistance']['shares'],
    },
  }));

const policies = fc.oneof(fc.constant(policy), randomPolicy);

/** Used so far: mostly within the cap, often close to it. */
const usedWithin = (cap: number) =>
  fc.oneof(fc.integer({ min: 0, max: cap }), fc.integer({ min: Math.max(0, cap - 500_000), max: cap }), fc.constant(cap));

function floorShare(eligible: number, p: PolicyVersion, c: MedicalCategory): bigint {
  const s = p.medicalAssistance.shares[c];
  return (BigInt(eligible) * BigInt(s.numerator)) / BigInt(s.denominator);
}

describe.each(MEDICAL_CATEGORIES)('settlement properties for %s', (category) => {
  it('respects the share, the cap and the arithmetic for any valid amounts', () => {
    fc.assert(
      fc.property(
        dischargeAmounts,
        policies.chain((p) => fc.tuple(fc.constant(p), usedWithin(p.medicalAssistance.annualCapFen))),
        (amounts, [p, annualUsedFen]) => {
          const s = settleDischarge({ category, ...amounts, annualUsedFen }, p);
          const cap = p.medicalAssistance.annualCapFen;
          const byShare = floorShare(s.eligibleFen, p, category);
          const capLeft = cap - annualUsedFen;

          for (const v of [s.outOfPocketFen, s.eligibleFen, s.medicalAssistanceFen, s.patientPaysFen, s.annualUsedFen]) {
            expect(Number.isSafeInteger(v)).toBe(true);
          }
          expect(s.outOfPocketFen).toBe(amounts.totalCostFen - amounts.insurancePaidFen - amounts.criticalIllnessPaidFen);
          expect(s.eligibleFen).toBe(s.outOfPocketFen - amounts.nonCoveredFen);
          expect(s.medicalAssistanceFen).toBeGreaterThanOrEqual(0);
          expect(BigInt(s.medicalAssistanceFen) <= byShare).toBe(true);
          expect(s.medicalAssistanceFen).toBeLessThanOrEqual(capLeft);
          expect(s.patientPaysFen + s.medicalAssistanceFen).toBe(s.outOfPocketFen);
          expect(s.patientPaysFen).toBeGreaterThanOrEqual(0);
          expect(s.annualUsedFen).toBe(annualUsedFen + s.medicalAssistanceFen);
          expect(s.annualUsedFen).toBeLessThanOrEqual(cap);
          expect(s.annualCapFen).toBe(cap);
          // And it pays as much as both limits allow: exactly the smaller of the two.
          expect(BigInt(s.medicalAssistanceFen)).toBe(byShare < BigInt(capLeft) ? byShare : BigInt(capLeft));
          expect(s.reason).toContain(`${category} share `);
          expect(s.reason).toContain(`eligible ${formatYuan(s.eligibleFen)} yuan`);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('pays nothing and leaves the annual total unchanged when the used amount is at or above the cap', () => {
    fc.assert(
      fc.property(dischargeAmounts, policies, fc.nat(1_000_000), (amounts, p, over) => {
        const annualUsedFen = Math.min(Number.MAX_SAFE_INTEGER, p.medicalAssistance.annualCapFen + over);
        const s = settleDischarge({ category, ...amounts, annualUsedFen }, p);
        expect(s.medicalAssistanceFen).toBe(0);
        expect(s.patientPaysFen).toBe(s.outOfPocketFen);
        expect(s.annualUsedFen).toBe(annualUsedFen);
      }),
    );
  });

  it('rejects any deductions above the total', () => {
    fc.assert(
      fc.property(dischargeAmounts, fc.integer({ min: 1, max: 1_000_000 }), fc.constantFrom('insurancePaidFen', 'criticalIllnessPaidFen', 'nonCoveredFen' as const), (amounts, excess, field) => {
        fc.pre(amounts[field] + excess <= Number.MAX_SAFE_INTEGER);
        // Raise one deduction so the three sum to total + excess.
        const slack = amounts.totalCostFen - amounts.insurancePaidFen - amounts.criticalIllnessPaidFen - amounts.nonCoveredFen;
        const bad = { category, ...amounts, [field]: amounts[field] + slack + excess, annualUsedFen: 0 };
        fc.pre(Number.isSafeInteger(bad[field]));
        const problems = validateDischargeInput(bad);
        expect(problems).toHaveLength(1);
        expect(problems[0]!.path).toBe('totalCostFen');
        expect(() => settleDischarge(bad, policy)).toThrow(DischargeInputError);
      }),
    );
  });
});
