import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  depositsLimitFen,
  isIsoDate,
  loadDefaultPolicies,
  marginalThresholdFen,
  NoPolicyInForceError,
  oneOffGrantCeilingFen,
  parsePolicies,
  PolicyDataError,
  policyInForce,
  type PolicyVersion,
} from '../../shared/domain/policy.ts';

/** A valid raw policy version (plain JSON, as it would appear in data/policy.json). */
function rawVersion(effectiveFrom: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    effectiveFrom,
    dibaoStandardFen: 90000,
    marginalThresholdRatio: { numerator: 3, denominator: 2 },
    depositsPerMemberMonths: 24,
    publicNoticeDays: 7,
    oneOffGrantCeilingMonths: 10,
    amountCeilingsFen: {
      monthlyBenefit: { DIBAO: 200000, MARGINAL: 200000, TEKUN: 500000 },
      perPerson: { PRICE_SUBSIDY: 100000, ONE_TIME_LIVING: 500000 },
      monthlyIncome: 10000000,
      deposits: 100000000,
    },
    medicalAssistance: {
      shares: {
        TEKUN: { numerator: 100, denominator: 100 },
        DIBAO: { numerator: 90, denominator: 100 },
        MARGINAL: { numerator: 70, denominator: 100 },
      },
      annualCapFen: 8000000,
      rounding: 'DOWN_TO_FEN',
    },
    ...overrides,
  };
}

function problemsOf(json: unknown): Array<{ path: string; message: string }> {
  try {
    parsePolicies(json);
  } catch (e) {
    expect(e).toBeInstanceOf(PolicyDataError);
    return (e as PolicyDataError).problems;
  }
  throw new Error('expected parsePolicies to reject the data');
}

describe('default policy (data/policy.json)', () => {
  it("holds the brief's defaults, effective from 2022-01-01", () => {
    const policies = loadDefaultPolicies();
    expect(policies).toHaveLength(1);
    const p = policies[0]!;
    expect(p.effectiveFrom).toBe('2022-01-01');
    expect(p.dibaoStandardFen).toBe(90000);
    expect(p.publicNoticeDays).toBe(7);
    expect(p.medicalAssistance.annualCapFen).toBe(8_000_000);
    expect(p.medicalAssistance.shares).toEqual({
      TEKUN: { numerator: 100, denominator: 100 },
      DIBAO: { numerator: 90, denominator: 100 },
      MARGINAL: { numerator: 70, denominator: 100 },
    });
  });

  it('derives the thresholds: 1.5×, 10× and 24× per member of 900 yuan', () => {
    const p = policyInForce(loadDefaultPolicies(), '2022-06-15');
    expect(marginalThresholdFen(p)).toBe(135_000); // 900 × 1.5 = 1350 yuan
    expect(oneOffGrantCeilingFen(p)).toBe(900_000); // 900 × 10 = 9000 yuan
    expect(depositsLimitFen(p, 1)).toBe(2_160_000); // 900 × 24 = 21600 yuan
    expect(depositsLimitFen(p, 3)).toBe(6_480_000);
    expect(() => depositsLimitFen(p, 0)).toThrow(RangeError);
    expect(() => depositsLimitFen(p, 1.5)).toThrow(RangeError);
  });

  it('rounds a fractional marginal threshold down to the fen', () => {
    const [p] = parsePolicies([rawVersion('2022-01-01', { dibaoStandardFen: 90001 })]);
    expect(marginalThresholdFen(p!)).toBe(135_001); // 135001.5 → 135001
  });

  it('is cached and frozen', () => {
    const a = loadDefaultPolicies();
    expect(loadDefaultPolicies()).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(Object.isFrozen(a[0]!.medicalAssistance.shares.DIBAO)).toBe(true);
  });
});

describe('policyInForce', () => {
  const policies = parsePolicies([
    rawVersion('2022-01-01'),
    rawVersion('2023-01-01', { dibaoStandardFen: 95000 }),
    rawVersion('2024-07-01', { dibaoStandardFen: 100000 }),
  ]);

  it.each([
    ['2022-01-01', '2022-01-01'],
    ['2022-12-31', '2022-01-01'],
    ['2023-01-01', '2023-01-01'],
    ['2024-02-29', '2023-01-01'],
    ['2024-06-30', '2023-01-01'],
    ['2024-07-01', '2024-07-01'],
    ['2099-12-31', '2024-07-01'],
  ])('on %s uses the version of %s', (date, expected) => {
    expect(policyInForce(policies, date).effectiveFrom).toBe(expected);
  });

  it('fails clearly before the first version', () => {
    expect(() => policyInForce(policies, '2021-12-31')).toThrow(NoPolicyInForceError);
    expect(() => policyInForce(policies, '2021-12-31')).toThrow(
      'no policy in force on 2021-12-31: the earliest policy version takes effect on 2022-01-01',
    );
    expect(() => policyInForce([], '2022-01-01')).toThrow(NoPolicyInForceError);
  });

  it.each(['2023-02-29', '2023-1-1', '2023-01-01T00:00:00+08:00', ''])('rejects the malformed date %j', (date) => {
    expect(() => policyInForce(policies, date)).toThrow(RangeError);
  });

  it('does not depend on the order of the list it is given', () => {
    const reversed = [...policies].reverse();
    expect(policyInForce(reversed, '2023-06-01').effectiveFrom).toBe('2023-01-01');
  });

  it('picks the latest version on or before any date (property)', () => {
    const day = fc.integer({ min: 0, max: 365 * 40 }).map((n) => new Date(Date.UTC(2000, 0, 1) + n * 86_400_000).toISOString().slice(0, 10));
    fc.assert(
      fc.property(fc.uniqueArray(day, { minLength: 1, maxLength: 8 }), day, (dates, date) => {
        const sorted = [...dates].sort();
        const list = parsePolicies(sorted.map((d) => rawVersion(d)));
        const expected = sorted.filter((d) => d <= date).at(-1);
        if (expected === undefined) {
          expect(() => policyInForce(list, date)).toThrow(NoPolicyInForceError);
        } else {
          expect(policyInForce(list, date).effectiveFrom).toBe(expected);
        }
      }),
    );
  });
});

describe('parsePolicies rejects invalid data', () => {
  it('accepts versions in strictly increasing order', () => {
    const list: PolicyVersion[] = parsePolicies([rawVersion('2022-01-01'), rawVersion('2022-01-02')]);
    expect(list.map((p) => p.effectiveFrom)).toEqual(['2022-01-01', '2022-01-02']);
  });

  it('rejects unordered versions', () => {
    const problems = problemsOf([rawVersion('2023-01-01'), rawVersion('2022-01-01')]);
    expect(problems).toEqual([{ path: '1.effectiveFrom', message: expect.stringContaining('strictly increasing') }]);
  });

  it('rejects duplicate effective dates', () => {
    const problems = problemsOf([rawVersion('2022-01-01'), rawVersion('2022-01-01')]);
    expect(problems).toEqual([{ path: '1.effectiveFrom', message: expect.stringContaining('duplicate effectiveFrom 2022-01-01') }]);
  });

  it('rejects an empty list and a non-list', () => {
    expect(problemsOf([])[0]!.message).toContain('at least one');
    expect(problemsOf(rawVersion('2022-01-01'))).toHaveLength(1);
  });

  const share = (numerator: number, denominator: number) => ({ numerator, denominator });
  const withShares = (shares: Record<string, unknown>) => ({
    medicalAssistance: { shares, annualCapFen: 8000000, rounding: 'DOWN_TO_FEN' },
  });
  const fullShares = { TEKUN: share(1, 1), DIBAO: share(9, 10), MARGINAL: share(7, 10) };

  it.each<[string, Record<string, unknown>, string]>([
    ['a share above 1', withShares({ ...fullShares, DIBAO: share(101, 100) }), '0.medicalAssistance.shares.DIBAO'],
    ['a negative share', withShares({ ...fullShares, MARGINAL: share(-1, 100) }), '0.medicalAssistance.shares.MARGINAL.numerator'],
    ['a zero denominator', withShares({ ...fullShares, TEKUN: share(0, 0) }), '0.medicalAssistance.shares.TEKUN.denominator'],
    ['a fractional numerator', withShares({ ...fullShares, DIBAO: share(0.9, 1) }), '0.medicalAssistance.shares.DIBAO.numerator'],
    ['a missing category share', withShares({ DIBAO: share(9, 10), MARGINAL: share(7, 10) }), '0.medicalAssistance.shares.TEKUN'],
    ['an impossible date', { effectiveFrom: '2022-02-30' }, '0.effectiveFrom'],
    ['a date with a time', { effectiveFrom: '2022-01-01T00:00:00Z' }, '0.effectiveFrom'],
    ['a float standard', { dibaoStandardFen: 900.5 }, '0.dibaoStandardFen'],
    ['a zero standard', { dibaoStandardFen: 0 }, '0.dibaoStandardFen'],
    ['an unsafe standard', { dibaoStandardFen: 2 ** 53 }, '0.dibaoStandardFen'],
    ['a marginal ratio below 1', { marginalThresholdRatio: share(1, 2) }, '0.marginalThresholdRatio'],
    ['a zero notice period', { publicNoticeDays: 0 }, '0.publicNoticeDays'],
    ['an unknown key (typo)', { publicNoticeDayz: 7 }, '0'],
    ['a derived amount beyond safe range', { dibaoStandardFen: 2 ** 50, depositsPerMemberMonths: 24 }, '0.depositsPerMemberMonths'],
    [
      'another rounding mode',
      { medicalAssistance: { shares: fullShares, annualCapFen: 8000000, rounding: 'HALF_UP' } },
      '0.medicalAssistance.rounding',
    ],
    [
      'a negative annual cap',
      { medicalAssistance: { shares: fullShares, annualCapFen: -1, rounding: 'DOWN_TO_FEN' } },
      '0.medicalAssistance.annualCapFen',
    ],
    [
      'an amount ceiling above the largest a batch total can bear (2^53-1 would overflow a batch)',
      {
        amountCeilingsFen: {
          monthlyBenefit: { DIBAO: 200000, MARGINAL: 200000, TEKUN: Number.MAX_SAFE_INTEGER },
          perPerson: { PRICE_SUBSIDY: 100000, ONE_TIME_LIVING: 500000 },
          monthlyIncome: 10000000,
          deposits: 100000000,
        },
      },
      '0.amountCeilingsFen.monthlyBenefit.TEKUN',
    ],
  ])('rejects %s', (_what, overrides, path) => {
    const problems = problemsOf([rawVersion('2022-01-01', overrides)]);
    expect(problems.map((p) => p.path)).toContain(path);
  });

  it('names every problem in the error message', () => {
    expect(() => parsePolicies([rawVersion('2022-01-01', { publicNoticeDays: -1 })])).toThrow(/0\.publicNoticeDays: /);
  });
});

describe('isIsoDate', () => {
  it.each([
    ['2024-02-29', true],
    ['2023-02-29', false],
    ['2023-13-01', false],
    ['2023-00-10', false],
    ['2023-04-31', false],
    ['20230401', false],
  ])('%s → %s', (s, ok) => {
    expect(isIsoDate(s)).toBe(ok);
  });
});
