// After enrolment (动态管理): periodic reviews opened by review-due, reviewers suspending,
// reinstating and terminating recipients, and one person never enrolled twice.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, addMonths, dateInChina } from '../../shared/domain/clock.ts';
import { recipientStatusChanges, registryCsvColumns, type RecipientStatus } from '../../shared/domain/registry.ts';
import { eventually, startTestStack, type TestStack } from '../support/local-stack.ts';
import {
  actorsOf,
  applicationBody,
  decide,
  fileAndAssess,
  member,
  payee,
  runJob,
  storedApplication,
  storedRecipient,
  type Actors,
  type MemberInput,
} from '../support/applications.ts';

let stack: TestStack;
let actors: Actors;
const today = () => dateInChina(new Date());
const enrolmentDay = () => addDays(today(), 7);

const imported = {
  active: member(201, { name: '钱芳' }),
  forStatusTable: [member(202, { name: '甲' }), member(203, { name: '乙' }), member(204, { name: '丙' })],
};

async function importRegistry(rows: Array<{ person: MemberInput; since: string }>) {
  const csv = [
    registryCsvColumns.join(','),
    ...rows.map(({ person, since }) =>
      ['HH-IMPORTED', person.name, person.idNumber, 'DIBAO', '真州镇', '90000', since, '江苏银行', '6228480012345678'].join(','),
    ),
  ].join('\n');
  const created = await stack.call('POST', '/recipients/imports', { token: actors.reviewer, rawBody: csv, contentType: 'text/csv' });
  await eventually(async () => {
    const r = await stack.call('GET', `/recipients/imports/${created.body.importId}`, { token: actors.reviewer });
    return r.body.status === 'COMPLETED' ? r.body : undefined;
  });
}

/** Files, approves and enrols a household; answers the application id. */
async function enrolled(type: string, members: MemberInput[], extra = {}, benefit = 50_000): Promise<string> {
  const application = await fileAndAssess(stack, actors, applicationBody(type, members, extra));
  expect(application.assessment.reasons).toBeDefined();
  expect(application.assessment.eligible, application.assessment.reasons.join('; ')).toBe(true);
  await decide(stack, actors.reviewer, application.id, { decision: 'APPROVE', reason: '同意', monthlyBenefitFen: benefit });
  await runJob('enrollDue', enrolmentDay());
  expect((await storedApplication(application.id)).status).toBe('ENROLLED');
  return application.id;
}

const statusChange = (path: string, idNumber: string, reason = '复核') =>
  stack.call('POST', `/recipients/${path}`, { token: actors.reviewer, body: { idNumber, reason } });

beforeAll(async () => {
  stack = await startTestStack();
  actors = await actorsOf(stack);
  await importRegistry([
    { person: imported.active, since: '2025-03-10' },
    ...imported.forStatusTable.map((person) => ({ person, since: '2025-03-10' })),
  ]);
});
afterAll(async () => stack?.stop());

describe('one person is enrolled once', () => {
  it('assesses a household with a member ACTIVE elsewhere as not eligible, naming the member masked', async () => {
    const application = await fileAndAssess(
      stack,
      actors,
      applicationBody('DIBAO', [member(210, { name: '孙丽' }), { ...imported.active, relation: 'SPOUSE' }]),
    );
    expect(application.assessment.eligible).toBe(false);
    const reasons = application.assessment.reasons.join('\n');
    expect(reasons).toContain(`钱* (${imported.active.idNumber.slice(0, 6)}********${imported.active.idNumber.slice(-4)}) is already an ACTIVE DIBAO recipient in household HH-IMPORTED`);
    expect(reasons).not.toContain(imported.active.idNumber);
    expect(reasons).not.toContain('钱芳');
  });

  it('sends the second of two households sharing a member back to review when the first is enrolled', async () => {
    const shared = member(211, { name: '郑好' });
    const first = await fileAndAssess(stack, actors, applicationBody('DIBAO', [shared]));
    const second = await fileAndAssess(stack, actors, applicationBody('DIBAO', [member(212), { ...shared, relation: 'SPOUSE' }]));
    for (const { id } of [first, second]) {
      expect((await decide(stack, actors.reviewer, id, { decision: 'APPROVE', reason: '同意', monthlyBenefitFen: 50_000 })).status).toBe(200);
    }
    expect(await runJob('enrollDue', enrolmentDay())).toMatchObject({ enrolled: 1, returnedToReview: 1, retryLater: 0 });
    const states = [await storedApplication(first.id), await storedApplication(second.id)];
    expect(states.map((a) => a.status).sort()).toEqual(['ENROLLED', 'UNDER_REVIEW']);
    const returned = states.find((a) => a.status === 'UNDER_REVIEW')!;
    expect(returned.history.at(-1)).toMatchObject({
      action: 'RETURN_TO_REVIEW',
      by: 'tuodi:enroll-due',
      reason: expect.stringContaining('郑* ('),
      from: 'PUBLIC_NOTICE',
      to: 'UNDER_REVIEW',
    });
    expect(returned.noticeEndsOn).toBeUndefined();
    // The member's record is the enrolled household's, whole.
    expect((await storedRecipient(shared.idNumber))?.applicationId).toBe(states.find((a) => a.status === 'ENROLLED')!.id);
  });

  it('re-enrols a TERMINATED person keeping their history and id, and drops bank details the new application lacks', async () => {
    const person = member(220, { name: '冯雪' });
    await importRegistry([{ person, since: '2024-01-01' }]);
    const before = await storedRecipient(person.idNumber);
    expect((await statusChange('terminations', person.idNumber, '迁出本市')).status).toBe(200);
    const id = await enrolled('DIBAO', [person]);
    const after = await storedRecipient(person.idNumber);
    expect(after).toMatchObject({ status: 'ACTIVE', recipientId: before!.recipientId, applicationId: id, householdId: id });
    expect(after).not.toHaveProperty('bankName');
    expect(after).not.toHaveProperty('bankAccount');
    expect(after).not.toHaveProperty('importId');
    expect(after!.history.map((h) => h.action)).toEqual(['IMPORTED', 'TERMINATED', 'ENROLLED']);
  });
});

describe('reviewers suspend, reinstate and terminate, with a reason', () => {
  const paths = { SUSPEND: 'suspensions', REINSTATE: 'reinstatements', TERMINATE: 'terminations' } as const;
  const people: Record<RecipientStatus, MemberInput> = {
    ACTIVE: imported.forStatusTable[0]!,
    SUSPENDED: imported.forStatusTable[1]!,
    TERMINATED: imported.forStatusTable[2]!,
  };
  beforeAll(async () => {
    expect((await statusChange('suspensions', people.SUSPENDED.idNumber)).status).toBe(200);
    expect((await statusChange('terminations', people.TERMINATED.idNumber)).status).toBe(200);
  });

  const table = (Object.keys(paths) as Array<keyof typeof paths>).flatMap((change) =>
    (['ACTIVE', 'SUSPENDED', 'TERMINATED'] as const).map((status) => ({
      change,
      status,
      allowed: (recipientStatusChanges[change].from as readonly string[]).includes(status),
    })),
  );
  it.each(table.filter((t) => !t.allowed))('$change a $status recipient: 409 INVALID_STATE, nothing changed', async ({ change, status }) => {
    const before = await storedRecipient(people[status].idNumber);
    const response = await statusChange(paths[change], people[status].idNumber);
    expect([response.status, response.body.error.code]).toEqual([409, 'INVALID_STATE']);
    expect(response.text).not.toContain(people[status].idNumber);
    expect(await storedRecipient(people[status].idNumber)).toEqual(before);
  });

  it('moves a recipient through suspension, reinstatement and termination, recording who and why', async () => {
    const person = member(230, { name: '陈静' });
    await importRegistry([{ person, since: '2024-06-01' }]);
    const suspended = await statusChange('suspensions', person.idNumber, '入户核查期间暂停');
    expect(suspended.status).toBe(200);
    expect(suspended.body).toMatchObject({ status: 'SUSPENDED', idNumberMasked: expect.stringContaining('****') });
    expect(suspended.text).not.toContain(person.idNumber);

    // Suspended: no longer guaranteed at a hospital for an admission from now on.
    const admission = await stack.call('POST', '/hospital-notices', {
      token: actors.hospital,
      body: { noticeNo: `ZY${Date.now()}`, kind: 'ADMISSION', patient: { idNumber: person.idNumber, name: '陈静' }, admittedAt: new Date().toISOString() },
    });
    const notice = await eventually(async () => {
      const r = await stack.call('GET', `/hospital-notices/${admission.body.id}`, { token: actors.hospital });
      return r.status !== 200 || r.body.status === 'RECEIVED' ? undefined : r.body;
    });
    expect(notice.status).toBe('NOT_ELIGIBLE');

    expect((await statusChange('reinstatements', person.idNumber, '核查无误')).body.status).toBe('ACTIVE');
    expect((await statusChange('terminations', person.idNumber, '家庭收入超标')).body.status).toBe('TERMINATED');
    const history = (await storedRecipient(person.idNumber))!.history;
    expect(history.slice(1)).toEqual([
      { at: expect.any(String), by: 'reviewer-1', action: 'SUSPENDED', reason: '入户核查期间暂停', status: 'SUSPENDED' },
      { at: expect.any(String), by: 'reviewer-1', action: 'REINSTATED', reason: '核查无误', status: 'ACTIVE' },
      { at: expect.any(String), by: 'reviewer-1', action: 'TERMINATED', reason: '家庭收入超标', status: 'TERMINATED' },
    ]);
  });

  it('answers 404 for someone not registered and 400 without a reason', async () => {
    const nobody = await statusChange('suspensions', member(299).idNumber);
    expect([nobody.status, nobody.body.error.code]).toEqual([404, 'NOT_FOUND']);
    const noReason = await statusChange('suspensions', imported.active.idNumber, ' ');
    expect([noReason.status, noReason.body.error.details[0].path]).toEqual([400, 'reason']);
  });
});

describe('review-due opens periodic reviews', () => {
  it('every six months where a working-age member has income, yearly otherwise, a year after since for imports', async () => {
    const earning = member(240, { name: '褚明', monthlyIncomeFen: 20_000 });
    const elderly = member(241, { name: '卫奶奶', born: '19400101' });
    await enrolled('DIBAO', [earning, member(242, { relation: 'CHILD', born: '20180101' })]);
    await enrolled('TEKUN', [elderly], {}, 120_000);
    const since = enrolmentDay();
    expect(await storedRecipient(earning.idNumber)).toMatchObject({ reviewEveryMonths: 6, nextReviewOn: addMonths(since, 6) });
    expect(await storedRecipient(elderly.idNumber)).toMatchObject({ reviewEveryMonths: 12, nextReviewOn: addMonths(since, 12) });

    const openedOn = async (asOf: string) => (await runJob('reviewDue', asOf)) as { opened: number; recipientIds: string[] };

    const early = await openedOn(addDays(addMonths(since, 6), -1));
    expect(early.recipientIds).not.toContain((await storedRecipient(earning.idNumber))!.recipientId);

    const sixMonths = addMonths(since, 6);
    const first = await openedOn(sixMonths);
    expect(first.recipientIds).toContain((await storedRecipient(earning.idNumber))!.recipientId);
    expect(first.recipientIds).not.toContain((await storedRecipient(elderly.idNumber))!.recipientId);
    const reviewed = (await storedRecipient(earning.idNumber))!;
    expect(reviewed).toMatchObject({ reviewOpenedOn: sixMonths, nextReviewOn: addMonths(sixMonths, 6) });
    expect(reviewed.history.at(-1)).toMatchObject({
      by: 'tuodi:review-due',
      action: 'REVIEW_OPENED',
      reason: expect.stringMatching(/six-monthly review due on .*working-age member had income/),
    });
    // The same day again opens nothing more.
    expect((await openedOn(sixMonths)).opened).toBe(0);

    const year = await openedOn(addMonths(since, 12));
    expect(year.recipientIds).toContain((await storedRecipient(elderly.idNumber))!.recipientId);
    expect((await storedRecipient(elderly.idNumber))!.history.at(-1)?.reason).toMatch(/^yearly review due on/);

    // Imported records have no schedule: due a year after `since` (2025-03-10), so the first run
    // opened it; SUSPENDED ones are not reviewed.
    expect(early.recipientIds).toContain((await storedRecipient(imported.active.idNumber))!.recipientId);
    expect((await storedRecipient(imported.active.idNumber))!.reviewOpenedOn).toBe(addDays(sixMonths, -1));
    expect((await storedRecipient(imported.forStatusTable[1]!.idNumber))!.reviewOpenedOn).toBeUndefined();

    // A reviewer acting on the recipient closes the open review.
    await statusChange('suspensions', earning.idNumber, '复核中发现收入变化');
    expect(await storedRecipient(earning.idNumber)).not.toHaveProperty('reviewOpenedOn');
  });

  it('is what `npm run job -- review-due` runs: the handler takes { job, asOf } and defaults to today', async () => {
    const result = await runJob('reviewDue');
    expect(result).toMatchObject({ asOf: today(), opened: expect.any(Number) });
  });
});

describe('payee', () => {
  it('gives enrolled members the payee bank account and the decided benefit', async () => {
    const head = member(250, { name: '蒋涛' });
    await enrolled('DIBAO', [head], { payee }, 70_000);
    expect(await storedRecipient(head.idNumber)).toMatchObject({
      bankName: '江苏银行',
      bankAccount: '6228480012345678',
      monthlyBenefitFen: 70_000,
    });
  });
});
