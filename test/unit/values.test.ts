// Issue 9, finding 3: one rule per kind of value, and the edges that use it.
import { describe, expect, it } from 'vitest';
import { createPayoutBatchSchema } from '../../shared/api/payouts.ts';
import { applicationRequestSchema } from '../../shared/api/applications.ts';
import { approvalAmounts } from '../../shared/domain/applications.ts';
import { addMonths, dateInChina } from '../../shared/domain/clock.ts';
import { idNumberProblem } from '../../shared/domain/id-number.ts';
import { loadDefaultPolicies, policyInForce } from '../../shared/domain/policy.ts';
import { asOfProblem, pastInstantProblem, periodProblem, textProblem } from '../../shared/domain/values.ts';
import { validIdNumber } from '../support/id-numbers.ts';

const today = dateInChina(new Date());
const thisMonth = today.slice(0, 7);
const monthFrom = (months: number) => addMonths(`${thisMonth}-01`, months).slice(0, 7);

describe('free text', () => {
  it.each(['\u202E', '\u2066', '\u200B', '\u0000', '\n', '\u001B', '\uFEFF', '\u2028'])('refuses U+%s', (ch) => {
    expect(textProblem(`王${ch}婧`, 50)).toMatch(/control or format character/);
  });
  it('takes names with interpuncts and private-use rare characters, counted in code points', () => {
    expect(textProblem('阿依古丽·买买提', 50)).toBeNull();
    expect(textProblem('王\uE000婧', 50)).toBeNull();
    expect(textProblem('𠀀'.repeat(50), 50)).toBeNull();
    expect(textProblem('𠀀'.repeat(51), 50)).toBe('is longer than 50 characters');
  });
});

describe('dates and periods', () => {
  it('periods: arrears up to 24 months back and next month ahead', () => {
    expect(periodProblem(thisMonth, today)).toBeNull();
    expect(periodProblem(monthFrom(-24), today)).toBeNull();
    expect(periodProblem(monthFrom(1), today)).toBeNull();
    expect(periodProblem(monthFrom(-25), today)).toMatch(/must not be before/);
    expect(periodProblem(monthFrom(2), today)).toMatch(/must not be after/);
    expect(periodProblem('0000-01', today)).toMatch(/must not be before/);
    expect(periodProblem('9999-12', today)).toMatch(/must not be after/);
  });
  it('instants: never in the future beyond five minutes of clock skew', () => {
    const now = new Date('2026-11-29T10:00:00+08:00');
    expect(pastInstantProblem('2026-11-29T10:04:00+08:00', now)).toBeNull();
    expect(pastInstantProblem('2026-11-29T10:06:00+08:00', now)).toBe('must not be in the future');
    expect(pastInstantProblem('1800-01-01T00:00:00+08:00', now)).toMatch(/before/);
  });
  it("jobs' --as-of: five years back to two ahead", () => {
    expect(asOfProblem('2027-12-06', '2026-11-29')).toBeNull();
    expect(asOfProblem('9999-12-31', '2026-11-29')).toMatch(/between/);
    expect(asOfProblem('1800-01-01', '2026-11-29')).toMatch(/between/);
  });
  it("an ID number's birth date is real and not in the future", () => {
    expect(idNumberProblem(validIdNumber(1, '20991231'), '2026-11-29')).toBe('birth date part is in the future');
    expect(idNumberProblem(validIdNumber(1, '20261129'), '2026-11-29')).toBeNull();
    expect(idNumberProblem(validIdNumber(1, '20230229'), '2026-11-29')).toBe('birth date part is not a valid date');
  });
});

describe('the edges', () => {
  const batch = (overrides: Record<string, unknown>) =>
    createPayoutBatchSchema.safeParse({ program: 'PRICE_SUBSIDY', period: thisMonth, title: '补贴', categories: ['DIBAO'], perPersonFen: 5000, ...overrides });
  const problems = (result: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }) =>
    result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];

  it('a batch: per-person amount under the policy ceiling, a period in the window, a clean title', () => {
    expect(batch({}).success).toBe(true);
    expect(problems(batch({ perPersonFen: Number.MAX_SAFE_INTEGER }))).toContain(
      `perPersonFen: ${Number.MAX_SAFE_INTEGER} fen exceeds the PRICE_SUBSIDY per-person ceiling of 100000 fen`,
    );
    expect(problems(batch({ period: '0000-01' }))[0]).toMatch(/^period: must not be before/);
    expect(problems(batch({ period: '9999-12' }))[0]).toMatch(/^period: must not be after/);
    expect(problems(batch({ title: '补\u202E贴' }))[0]).toMatch(/^title: contains the control or format character U\+202E/);
  });

  it('an application: names, bank names and townships without control characters; incomes under the ceiling', () => {
    const application = (member: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      applicationRequestSchema.safeParse({
        type: 'DIBAO',
        household: {
          township: '真州镇',
          address: '东园村12号',
          members: [{ name: '王婧', idNumber: validIdNumber(3), relation: 'HEAD', monthlyIncomeFen: 0, disability: 'NONE', ...member }],
          assets: { depositsFen: 0, vehicles: 0, properties: 0 },
        },
        reason: '无收入',
        ...extra,
      });
    expect(application({}).success).toBe(true);
    expect(problems(application({ name: '王\u202E婧' }))[0]).toMatch(/^household.members.0.name: contains/);
    expect(problems(application({}, { payee: { bankName: '江苏\u0007银行', bankAccount: '6228480012345678' } }))[0]).toMatch(/^payee.bankName: contains/);
    expect(problems(application({ monthlyIncomeFen: Number.MAX_SAFE_INTEGER }))[0]).toMatch(/^household.members.0.monthlyIncomeFen: .* exceeds the monthly income ceiling/);
    expect(problems(application({ idNumber: validIdNumber(4, '20991231') }))[0]).toBe('household.members.0.idNumber: birth date part is in the future');
  });

  it('a decision: a TEKUN monthly benefit of 2^53-1 is refused', () => {
    const policy = policyInForce(loadDefaultPolicies(), today);
    expect(() => approvalAmounts({ type: 'TEKUN' }, { decision: 'APPROVE', reason: 'ok', monthlyBenefitFen: Number.MAX_SAFE_INTEGER }, policy)).toThrow(
      /exceeds the TEKUN monthly benefit ceiling/,
    );
    expect(approvalAmounts({ type: 'TEKUN' }, { decision: 'APPROVE', reason: 'ok', monthlyBenefitFen: 120_000 }, policy)).toEqual({ monthlyBenefitFen: 120_000 });
  });
});
