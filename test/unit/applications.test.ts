import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  applicationActions,
  applicationStatuses,
  approvalAmounts,
  assess,
  enrolledRecipient,
  isAllowed,
  nextStatus,
  reviewEveryMonths,
  type ApplicationAction,
  type ApplicationRecord,
  type ApplicationStatus,
  type ApplicationType,
  type Member,
} from '../../shared/domain/applications.ts';
import { addDays, addMonths, ageOn } from '../../shared/domain/clock.ts';
import { maskBankAccount, maskName } from '../../shared/domain/masking.ts';
import { loadDefaultPolicies, policyInForce } from '../../shared/domain/policy.ts';
import { publicNoticeText } from '../../shared/domain/public-notice.ts';
import type { Recipient } from '../../shared/domain/registry.ts';
import { validIdNumber } from '../support/id-numbers.ts';

const policy = policyInForce(loadDefaultPolicies(), '2026-11-29');
const on = '2026-11-29';

const person = (n: number, overrides: Partial<Member> & { born?: string } = {}): Member => {
  const { born = '19800101', ...rest } = overrides;
  return { name: '王小婧', idNumber: validIdNumber(n, born), relation: 'HEAD', monthlyIncomeFen: 0, disability: 'NONE', ...rest };
};

const household = (members: Member[], depositsFen = 0, vehicles = 0, properties = 0) => ({
  township: '真州镇',
  address: '真州镇东园村12号',
  members,
  assets: { depositsFen, vehicles, properties },
});

const assessed = (
  type: ApplicationType,
  members: Member[],
  extra: { depositsFen?: number; requestedAmountFen?: number; registryRecords?: Array<Pick<Recipient, 'idNumber' | 'category' | 'householdId' | 'status'>> } = {},
) =>
  assess({
    type,
    household: household(members, extra.depositsFen ?? 0),
    requestedAmountFen: extra.requestedAmountFen,
    policy,
    on,
    registryRecords: extra.registryRecords ?? [],
  });

describe('the state machine', () => {
  // The whole table, written out: where each action may start and where it leads (DIBAO / TEMPORARY).
  const expected: Record<ApplicationAction, Partial<Record<ApplicationStatus, [ApplicationStatus, ApplicationStatus]>>> = {
    ADD_DOCUMENT: { DRAFT: ['DRAFT', 'DRAFT'], SUBMITTED: ['SUBMITTED', 'SUBMITTED'], UNDER_REVIEW: ['UNDER_REVIEW', 'UNDER_REVIEW'] },
    SUBMIT: { DRAFT: ['SUBMITTED', 'SUBMITTED'] },
    ASSESS: { SUBMITTED: ['UNDER_REVIEW', 'UNDER_REVIEW'] },
    APPROVE: { UNDER_REVIEW: ['PUBLIC_NOTICE', 'GRANTED'] },
    REJECT: { UNDER_REVIEW: ['REJECTED', 'REJECTED'] },
    OBJECT: { PUBLIC_NOTICE: ['UNDER_REVIEW', 'UNDER_REVIEW'] },
    ENROL: { PUBLIC_NOTICE: ['ENROLLED', 'ENROLLED'] },
    RETURN_TO_REVIEW: { PUBLIC_NOTICE: ['UNDER_REVIEW', 'UNDER_REVIEW'] },
  };
  const cases = applicationActions.flatMap((action) => applicationStatuses.map((status) => ({ action, status, to: expected[action][status] })));

  it.each(cases)('$action from $status', ({ action, status, to }) => {
    expect(isAllowed(action, status)).toBe(to !== undefined);
    for (const [i, type] of (['DIBAO', 'TEMPORARY'] as const).entries()) {
      const application = { id: 'app_1', type, status };
      if (to) expect(nextStatus(application, action)).toBe(to[i]);
      else {
        expect(() => nextStatus(application, action)).toThrow(
          expect.objectContaining({ code: 'INVALID_STATE', message: expect.stringContaining(`is ${status}`) }),
        );
      }
    }
  });

  it('ends in ENROLLED, GRANTED or REJECTED, from which nothing moves', () => {
    for (const final of ['ENROLLED', 'GRANTED', 'REJECTED'] as const) {
      expect(applicationActions.filter((action) => isAllowed(action, final))).toEqual([]);
    }
  });
});

describe('assessment: DIBAO', () => {
  it('is eligible just below the standard and not at it, where it points to MARGINAL', () => {
    expect(assessed('DIBAO', [person(1, { monthlyIncomeFen: 89_999 })]).eligible).toBe(true);
    const at = assessed('DIBAO', [person(1, { monthlyIncomeFen: 90_000 })]);
    expect(at.eligible).toBe(false);
    expect(at.reasons[0]).toBe(
      'per-capita income 900.00 yuan a month (900.00 yuan across 1 member) is not below the Dibao standard of 900.00 yuan: it is within the marginal band up to 1350.00 yuan, so a MARGINAL application fits',
    );
  });

  it('takes per-capita income down to the fen', () => {
    const result = assessed('DIBAO', [person(1, { monthlyIncomeFen: 180_000 }), person(2, { relation: 'CHILD', monthlyIncomeFen: 1 }), person(3, { relation: 'CHILD' })]);
    expect(result.perCapitaIncomeFen).toBe(60_000);
  });

  it('applies the property test at exactly 24 months of the standard per member', () => {
    const two = [person(1), person(2, { relation: 'SPOUSE' })];
    expect(assessed('DIBAO', two, { depositsFen: 2 * 24 * 90_000 }).eligible).toBe(true);
    const over = assessed('DIBAO', two, { depositsFen: 2 * 24 * 90_000 + 1 });
    expect(over.eligible).toBe(false);
    expect(over.reasons.join(' ')).toContain('fail the property test (at most 24 months of the Dibao standard per member, 43200.00 yuan for 2)');
    expect(over.depositsLimitFen).toBe(4_320_000);
  });

  it('is eligible exactly when the per-capita income is below the standard and the deposits within the limit', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 400_000 }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 0, max: 20_000_000 }),
        (incomes, depositsFen) => {
          const members = incomes.map((monthlyIncomeFen, i) => person(i + 1, { monthlyIncomeFen, relation: i === 0 ? 'HEAD' : 'CHILD' }));
          const total = incomes.reduce((a, b) => a + b, 0);
          const result = assessed('DIBAO', members, { depositsFen });
          expect(result.perCapitaIncomeFen).toBe(Math.floor(total / incomes.length));
          expect(result.eligible).toBe(total < 90_000 * incomes.length && depositsFen <= 24 * 90_000 * incomes.length);
          expect(result.reasons.length).toBeGreaterThan(0);
        },
      ),
    );
  });

  it('mentions vehicles and properties for the reviewer without deciding on them', () => {
    const result = assess({ type: 'DIBAO', household: household([person(1)], 0, 1, 2), policy, on, registryRecords: [] });
    expect(result.eligible).toBe(true);
    expect(result.reasons).toContain('the household declares 1 vehicle and 2 properties; the policy sets no limit on them, so the reviewer weighs them');
  });
});

describe('assessment: MARGINAL', () => {
  it.each([
    [89_999, false, /qualifies for Dibao, so a DIBAO application fits/],
    [90_000, true, /between the Dibao standard of 900.00 yuan and the marginal threshold of 1350.00 yuan/],
    [135_000, true, /between/],
    [135_001, false, /above the marginal threshold of 1350.00 yuan/],
  ])('per-capita %i fen: eligible %s', (income, eligible, reason) => {
    const result = assessed('MARGINAL', [person(1, { monthlyIncomeFen: income })]);
    expect(result.eligible).toBe(eligible);
    expect(result.reasons[0]).toMatch(reason);
    expect(result.marginalThresholdFen).toBe(135_000);
  });
});

describe('assessment: TEKUN', () => {
  it.each([
    ['60 today', { born: '19661129' }, true],
    ['59, turning 60 tomorrow', { born: '19661130' }, false],
    ['15', { born: '20110101' }, true],
    ['16 today', { born: '20101129' }, false],
    ['40 and severely disabled', { born: '19860101', disability: 'SEVERE' as const }, true],
    ['40 and mildly disabled', { born: '19860101', disability: 'MILD' as const }, false],
  ])('%s: unable to work %s', (_name, overrides, eligible) => {
    const result = assessed('TEKUN', [person(1, overrides)]);
    expect(result.eligible).toBe(eligible);
    if (!eligible) expect(result.reasons.join(' ')).toMatch(/王\*婧 \(321081\*{8}\d{3}[\dX]\) is \d+ and not severely disabled, so able to work/);
  });

  it('needs every member unable to work and without income', () => {
    const elderly = person(1, { born: '19400101' });
    expect(assessed('TEKUN', [elderly]).reasons).toContain(
      'every member is unable to work (60 or over, under 16, or severely disabled) and has no income',
    );
    const earning = assessed('TEKUN', [{ ...elderly, monthlyIncomeFen: 1 }]);
    expect(earning.eligible).toBe(false);
    expect(earning.reasons.join(' ')).toMatch(/has an income of 0.01 yuan a month/);
    expect(assessed('TEKUN', [elderly, person(2, { relation: 'CHILD' })]).eligible).toBe(false);
  });
});

describe('assessment: members on the registry', () => {
  const member = person(1, { name: '钱芳' });
  const record = (status: Recipient['status']) => ({ idNumber: member.idNumber, category: 'DIBAO' as const, householdId: 'HH-7', status });

  it.each(['ACTIVE', 'SUSPENDED'] as const)('%s elsewhere: not eligible, the member named masked', (status) => {
    const result = assessed('DIBAO', [member], { registryRecords: [record(status)] });
    expect(result.eligible).toBe(false);
    const reason = result.reasons.find((r) => r.includes('HH-7'))!;
    expect(reason).toBe(`钱* (${member.idNumber.slice(0, 6)}********${member.idNumber.slice(-4)}) is already ${status === 'ACTIVE' ? 'an ACTIVE' : 'a SUSPENDED'} DIBAO recipient in household HH-7`);
  });

  it('does not hold a TERMINATED record against the household, nor any record against a one-off grant', () => {
    expect(assessed('DIBAO', [member], { registryRecords: [record('TERMINATED')] }).eligible).toBe(true);
    expect(assessed('TEMPORARY', [member], { registryRecords: [record('ACTIVE')] }).eligible).toBe(true);
  });
});

describe('assessment: one-off grants', () => {
  it.each(['TEMPORARY', 'EMERGENCY', 'MEDICAL_EXPENSE', 'EDUCATION'] as const)('%s: within 10 months of the standard', (type) => {
    expect(assessed(type, [person(1)], { requestedAmountFen: 900_000 })).toMatchObject({ eligible: true, grantCeilingFen: 900_000 });
    const over = assessed(type, [person(1)], { requestedAmountFen: 900_001 });
    expect(over.eligible).toBe(false);
    expect(over.reasons.at(-1)).toBe('the requested 9000.01 yuan exceeds the one-off grant ceiling of 9000.00 yuan (10 months of the Dibao standard)');
    expect(assessed(type, [person(1)]).reasons.at(-1)).toMatch(/^no amount requested: the reviewer sets it/);
  });
});

describe('approval amounts', () => {
  const dibao = { type: 'DIBAO' as const };
  it.each([
    [dibao, { monthlyBenefitFen: 90_000 }, { monthlyBenefitFen: 90_000 }],
    [{ type: 'TEKUN' as const }, { monthlyBenefitFen: 150_000 }, { monthlyBenefitFen: 150_000 }],
    [{ type: 'MARGINAL' as const }, {}, { monthlyBenefitFen: 0 }],
    [{ type: 'MARGINAL' as const }, { monthlyBenefitFen: 0 }, { monthlyBenefitFen: 0 }],
    [{ type: 'EDUCATION' as const, requestedAmountFen: 300_000 }, {}, { grantedAmountFen: 300_000 }],
    [{ type: 'EDUCATION' as const, requestedAmountFen: 300_000 }, { grantedAmountFen: 900_000 }, { grantedAmountFen: 900_000 }],
  ])('%j with %j → %j', (application, amounts, expected) => {
    expect(approvalAmounts(application, { decision: 'APPROVE', reason: 'ok', ...amounts }, policy)).toEqual(expected);
  });

  it.each([
    [dibao, {}, 'monthlyBenefitFen'],
    [dibao, { monthlyBenefitFen: 90_001 }, 'monthlyBenefitFen'],
    [{ type: 'TEKUN' as const }, { monthlyBenefitFen: 0 }, 'monthlyBenefitFen'],
    [{ type: 'MARGINAL' as const }, { monthlyBenefitFen: 1 }, 'monthlyBenefitFen'],
    [dibao, { monthlyBenefitFen: 1, grantedAmountFen: 1 }, 'grantedAmountFen'],
    [{ type: 'TEMPORARY' as const }, {}, 'grantedAmountFen'],
    [{ type: 'TEMPORARY' as const }, { grantedAmountFen: 900_001 }, 'grantedAmountFen'],
    [{ type: 'TEMPORARY' as const }, { grantedAmountFen: 1, monthlyBenefitFen: 1 }, 'monthlyBenefitFen'],
  ])('%j with %j: 400 on %s', (application, amounts, field) => {
    expect(() => approvalAmounts(application, { decision: 'APPROVE', reason: 'ok', ...amounts }, policy)).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED', details: [expect.objectContaining({ path: field })] }),
    );
  });
});

describe('enrolment and review', () => {
  const application = (payee?: { bankName: string; bankAccount: string }) =>
    ({
      id: 'app_1',
      type: 'DIBAO',
      township: '真州镇',
      household: household([person(1, { name: ' 王小婧 ', monthlyIncomeFen: 10_000 })]),
      decision: { decision: 'APPROVE', reason: 'ok', decidedAt: '', decidedBy: 'r', monthlyBenefitFen: 60_000 },
      ...(payee && { payee }),
    }) as ApplicationRecord & { type: 'DIBAO' };

  it('gives a member the decided benefit, the payee account if any, and a review schedule', () => {
    const member = application().household.members[0]!;
    const withoutPayee = enrolledRecipient(application(), member, '2026-12-06');
    expect(withoutPayee).toMatchObject({ name: '王小婧', monthlyBenefitFen: 60_000, since: '2026-12-06', reviewEveryMonths: 6, nextReviewOn: '2027-06-06' });
    expect(withoutPayee).not.toHaveProperty('bankName');
    expect(enrolledRecipient(application({ bankName: '江苏银行', bankAccount: '6228480012345678' }), member, '2026-12-06')).toMatchObject({
      bankName: '江苏银行',
      bankAccount: '6228480012345678',
    });
  });

  it.each([
    ['a working-age member with income', [person(1, { monthlyIncomeFen: 1 })], 6],
    ['income only from a 60-year-old', [person(1, { born: '19661129', monthlyIncomeFen: 50_000 })], 12],
    ['income only from a 15-year-old', [person(1, { born: '20110101', monthlyIncomeFen: 50_000 })], 12],
    ['a working-age member without income', [person(1)], 12],
  ])('%s: every %i months', (_name, members, months) => {
    expect(reviewEveryMonths(members, on)).toBe(months);
  });
});

describe('masking for a wider audience', () => {
  it.each([
    ['王小婧', '王*婧'],
    ['王婧', '王*'],
    ['欧阳小婧', '欧**婧'],
    ['王', '*'],
    [' 李明 ', '李*'],
    ['𠀀小𠀁', '𠀀*𠀁'],
  ])('%s → %s', (name, masked) => expect(maskName(name)).toBe(masked));

  it('shows only the last 4 digits of a bank account', () => {
    expect(maskBankAccount('6228480012345678')).toBe('************5678');
  });

  it('writes a public notice with names and ID numbers masked and no address', () => {
    const members = [person(1, { name: '王小婧' }), person(2, { name: '李明', relation: 'CHILD' })];
    const text = publicNoticeText({
      application: { id: 'app_1', type: 'DIBAO', household: household(members) },
      monthlyBenefitFen: 60_000,
      startsOn: '2026-11-29',
      endsOn: '2026-12-06',
    });
    expect(text).toContain(`王*婧\t${members[0]!.idNumber.slice(0, 6)}********${members[0]!.idNumber.slice(-4)}\t户主`);
    expect(text).toContain('李*\t');
    expect(text).toContain('600.00 元/人/月');
    expect(text).toContain('2026-11-29 至 2026-12-06');
    for (const secret of [members[0]!.idNumber, members[1]!.idNumber, '王小婧', '李明', '东园村']) expect(text).not.toContain(secret);
  });
});

describe('calendar arithmetic', () => {
  it.each([
    ['2026-11-29', 7, '2026-12-06'],
    ['2026-12-28', 7, '2027-01-04'],
    ['2028-02-28', 1, '2028-02-29'],
  ])('%s + %i days = %s', (date, days, result) => expect(addDays(date, days)).toBe(result));

  it.each([
    ['2026-01-31', 1, '2026-02-28'],
    ['2024-01-31', 1, '2024-02-29'],
    ['2026-12-06', 6, '2027-06-06'],
    ['2026-03-31', -1, '2026-02-28'],
    ['2027-03-10', -12, '2026-03-10'],
  ])('%s + %i months = %s', (date, months, result) => expect(addMonths(date, months)).toBe(result));

  it.each([
    ['1966-11-29', '2026-11-29', 60],
    ['1966-11-30', '2026-11-29', 59],
    ['2008-02-29', '2026-02-28', 17],
    ['2008-02-29', '2026-03-01', 18],
  ])('born %s, on %s: %i', (born, date, age) => expect(ageOn(born, date)).toBe(age));
});
