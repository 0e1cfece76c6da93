// Hospital notices v1.1 (issue 11): date of service, every assistance group, reversal, one
// open stay, Prefer: wait, trial settlement, names, privacy, the daily list and the watch list.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from '../../shared/adapters/clients.ts';
import { tableName } from '../../shared/adapters/resources.ts';
import { registryCsvColumns } from '../../shared/domain/registry.ts';
import { dateInChina } from '../../shared/domain/clock.ts';
import { auditLogger } from '../../shared/observability/audit.ts';
import { decideNotice, receiveNotice } from '../../shared/usecases/hospital-notices.ts';
import type { HospitalNoticeRequest } from '../../shared/api/hospital-notices.ts';
import { eventually, startTestStack, type TestStack } from '../support/local-stack.ts';
import { beforeDynamoDbCommand } from '../support/dynamodb-hooks.ts';
import { runningFunction } from '../../local/grant-guard.ts';
import { validIdNumber } from '../support/id-numbers.ts';

let stack: TestStack;
let hospital: string;
let tcm: string;
let reviewer: string;

type Person = { idNumber: string; name: string };
const p = (n: number, name: string, birth = '19700101'): Person => ({ idNumber: validIdNumber(n, birth), name });
const person = {
  lateEnrolled: p(1, '钱多多'),
  terminatedToday: p(2, '孙晓'),
  marginal: p(3, '李边缘'),
  story: p(4, '王婧'),
  cancelled: p(5, '周安'),
  twoHospitals: p(6, '吴双'),
  desk: p(7, '郑台'),
  trial: p(8, '冯试'),
  uyghur: p(9, '阿依古丽·买买提'),
  yearEnd: p(10, '陈岁'),
  watched: p(11, '褚重'),
  tekun: p(12, '卫特', '19400101'),
  october: p(13, '蒋清'),
  waiting: p(14, '沈候'),
};

let sequence = 0;
const nextNo = (prefix: string) => `${prefix}${Date.now()}${sequence++}`;

const admission = (who: Person, admittedAt = '2026-11-20T09:00:00+08:00') => ({
  noticeNo: nextNo('ZY'),
  kind: 'ADMISSION',
  patient: who,
  admittedAt,
});
const discharge = (admissionNoticeNo: string, amounts: Partial<Record<string, number | string>> = {}) => ({
  noticeNo: nextNo('CY'),
  kind: 'DISCHARGE',
  admissionNoticeNo,
  dischargedAt: '2026-11-27T10:00:00+08:00',
  totalCostFen: 2_000_000,
  insurancePaidFen: 1_200_000,
  criticalIllnessPaidFen: 200_000,
  nonCoveredFen: 50_000,
  ...amounts,
});
const reversal = (originalNoticeNo: string) => ({ noticeNo: nextNo('CX'), kind: 'REVERSAL', originalNoticeNo });

const post = (body: unknown, token = hospital, headers?: Record<string, string>) =>
  stack.call('POST', '/hospital-notices', { token, body, headers });

async function decided(id: string, token = hospital) {
  return eventually(async () => {
    const r = await stack.call('GET', `/hospital-notices/${id}`, { token });
    // An error answer (a loaded machine can time a GET out) is not a decision: ask again.
    return r.status !== 200 || r.body?.status === 'RECEIVED' ? undefined : r.body;
  }, 30_000, `decision on ${id}`);
}
const postDecided = async (body: unknown, token = hospital) => decided((await post(body, token)).body.id, token);

async function usage(who: Person, year = '2026') {
  const item = await documents().send(
    new GetCommand({ TableName: tableName('medicalAssistanceUsage'), Key: { personYear: `${who.idNumber}#${year}` } }),
  );
  return { usedFen: item.Item?.usedFen ?? 0, patientPaysFen: item.Item?.patientPaysFen ?? 0 };
}

beforeAll(async () => {
  stack = await startTestStack();
  hospital = await stack.token('hospital', 'his-peoples', 'H-YZ-PEOPLES');
  tcm = await stack.token('hospital', 'his-tcm', 'H-YZ-TCM');
  reviewer = await stack.token('reviewer', 'reviewer-1');
  const row = (who: Person, category: string, since = '2022-03-01', household = 'HH-1') =>
    [household, who.name, who.idNumber, category, '真州镇', '90000', since, '江苏银行', '6228480012345678'].join(',');
  const csv = [
    registryCsvColumns.join(','),
    row(person.lateEnrolled, 'DIBAO', '2026-03-01'),
    row(person.terminatedToday, 'DIBAO'),
    row(person.marginal, 'MARGINAL'),
    row(person.story, 'DIBAO'),
    row(person.cancelled, 'DIBAO'),
    row(person.twoHospitals, 'TEKUN'),
    row(person.desk, 'DIBAO'),
    row(person.trial, 'DIBAO'),
    row(person.uyghur, 'DIBAO'),
    row(person.yearEnd, 'DIBAO'),
    row(person.watched, 'MARGINAL', '2022-03-01', 'HH-WATCH'),
    row(person.tekun, 'TEKUN'),
    row(person.october, 'DIBAO'),
    row(person.waiting, 'DIBAO'),
  ].join('\n');
  const created = await stack.call('POST', '/recipients/imports', { token: reviewer, rawBody: csv, contentType: 'text/csv' });
  const done = await eventually(async () => {
    const r = await stack.call('GET', `/recipients/imports/${created.body.importId}`, { token: reviewer });
    return r.body.status === 'COMPLETED' ? r.body : undefined;
  });
  expect(done.imported).toBe(Object.keys(person).length);
});
afterAll(async () => stack?.stop());

describe('date of service', () => {
  it('judges an admission on the registry as it stood on the admission date', async () => {
    // Enrolled on 2026-03-01: not covered for an admission dated 2025-12-01, covered after.
    expect((await postDecided(admission(person.lateEnrolled, '2025-12-01T09:00:00+08:00'))).status).toBe('NOT_ELIGIBLE');
    expect((await postDecided(admission(person.lateEnrolled, '2026-11-20T09:00:00+08:00'))).status).toBe('GUARANTEED');

    // Terminated today: still guaranteed for an admission dated when they were active; not for one dated now.
    const terminated = await stack.call('POST', '/recipients/terminations', {
      token: reviewer,
      body: { idNumber: person.terminatedToday.idNumber, reason: '收入超标' },
    });
    expect(terminated.status).toBe(200);
    expect((await postDecided(admission(person.terminatedToday, new Date().toISOString()))).status).toBe('NOT_ELIGIBLE');
    const then = await postDecided(admission(person.terminatedToday, '2026-11-20T09:00:00+08:00'));
    expect(then).toMatchObject({ status: 'GUARANTEED', decision: { category: 'DIBAO' } });
  });

  it('settles a discharge in the cap year of its discharge date', async () => {
    const a = admission(person.yearEnd, '2025-12-20T09:00:00+08:00');
    expect((await postDecided(a)).status).toBe('GUARANTEED');
    const settled = await postDecided(discharge(a.noticeNo, { dischargedAt: '2025-12-31T23:30:00+08:00' }));
    expect(settled.status).toBe('SETTLED');
    expect((await usage(person.yearEnd, '2025')).usedFen).toBe(495_000);
    expect((await usage(person.yearEnd, '2026')).usedFen).toBe(0);
  });
});

describe('every assistance group settles', () => {
  it('settles a MARGINAL stay at 70% although its admission had no guarantee, naming the category only then', async () => {
    const a = admission(person.marginal);
    const admitted = await postDecided(a);
    expect(admitted).toMatchObject({ status: 'NOT_ELIGIBLE', decision: { eligible: false, category: null } });
    const settled = await postDecided(discharge(a.noticeNo));
    // eligible 550,000 × 70% = 385,000
    expect(settled).toMatchObject({
      status: 'SETTLED',
      decision: { eligible: true, category: 'MARGINAL' },
      settlement: { outOfPocketFen: 600_000, medicalAssistanceFen: 385_000, patientPaysFen: 215_000 },
    });
  });

  it('refuses a discharge of a stranger with the neutral reason', async () => {
    const a = admission({ idNumber: validIdNumber(990), name: '陌生人' });
    await postDecided(a);
    const refused = await postDecided(discharge(a.noticeNo));
    expect(refused).toMatchObject({ status: 'REJECTED', decision: { eligible: false, category: null } });
    expect(refused.decision.reason).toMatch(/^no medical assistance for this stay/);
  });
});

describe('reversal', () => {
  it('undoes a tenfold typo: the cap comes back, a corrected discharge settles, the day adds up', async () => {
    const a = admission(person.story);
    expect((await postDecided(a)).status).toBe('GUARANTEED');
    // 20,000,000 instead of 2,000,000: out of pocket 18,600,000, 90% of 18,550,000 is above the cap.
    const typo = discharge(a.noticeNo, { totalCostFen: 20_000_000 });
    const wrong = await postDecided(typo);
    expect(wrong.settlement).toMatchObject({ medicalAssistanceFen: 8_000_000, annualUsedFen: 8_000_000 });
    expect(await usage(person.story)).toEqual({ usedFen: 8_000_000, patientPaysFen: 10_600_000 });

    // A corrected discharge while the typo stands is refused.
    expect((await postDecided(discharge(a.noticeNo))).decision.reason).toMatch(/already been settled/);

    // The admission cannot be reversed while its discharge stands.
    expect((await postDecided(reversal(a.noticeNo))).status).toBe('REJECTED');

    const undo = reversal(typo.noticeNo);
    const applied = await postDecided(undo);
    expect(applied).toMatchObject({ kind: 'REVERSAL', status: 'APPLIED', originalNoticeNo: typo.noticeNo, reversedAssistanceFen: 8_000_000 });
    expect(await usage(person.story)).toEqual({ usedFen: 0, patientPaysFen: 0 });
    const original = await decided(wrong.id);
    expect(original).toMatchObject({ status: 'REVERSED', reversed: { noticeNo: undo.noticeNo, by: 'his-peoples', at: expect.any(String) } });
    expect(original.settlement.medicalAssistanceFen).toBe(8_000_000); // what was undone stays readable

    // Idempotent: the same reversal again is the same notice; another reversal of it is refused.
    const replay = await post(undo);
    expect(replay.body.id).toBe(applied.id);
    const twice = await postDecided(reversal(typo.noticeNo));
    expect(twice.status).toBe('REJECTED');
    expect(twice.decision.reason).toMatch(/already reversed/);
    expect(await usage(person.story)).toEqual({ usedFen: 0, patientPaysFen: 0 });

    const corrected = await postDecided(discharge(a.noticeNo));
    expect(corrected).toMatchObject({
      status: 'SETTLED',
      settlement: { outOfPocketFen: 600_000, medicalAssistanceFen: 495_000, patientPaysFen: 105_000, annualUsedFen: 495_000 },
    });

    const day = await stack.call('GET', `/hospital-notices?date=${dateInChina(new Date())}&limit=500`, { token: hospital });
    expect(day.status).toBe(200);
    const mine = day.body.items.filter((n: { noticeNo: string }) => [typo.noticeNo, undo.noticeNo].includes(n.noticeNo));
    expect(mine.map((n: { status: string }) => n.status).sort()).toEqual(['APPLIED', 'REVERSED']);
    const seen = day.body.items as Array<{ kind: string; status: string; settlement: { medicalAssistanceFen: number } | null; reversedAssistanceFen: number | null }>;
    const expected = seen.reduce(
      (sum, n) =>
        sum +
        (n.kind === 'DISCHARGE' && n.settlement ? n.settlement.medicalAssistanceFen : 0) -
        (n.kind === 'REVERSAL' && n.status === 'APPLIED' ? n.reversedAssistanceFen ?? 0 : 0),
      0,
    );
    expect(day.body.totals.medicalAssistanceFen).toBe(expected);
    expect(day.body.totals.reversed).toBeGreaterThanOrEqual(1);
    // Another hospital's day does not show these.
    const other = await stack.call('GET', `/hospital-notices?date=${dateInChina(new Date())}`, { token: tcm });
    expect(other.body.items.map((n: { noticeNo: string }) => n.noticeNo)).not.toContain(typo.noticeNo);
  });

  it('closes the stay when an admission without a settled discharge is reversed', async () => {
    const a = admission(person.cancelled);
    expect((await postDecided(a)).status).toBe('GUARANTEED');
    // While it is open, no other hospital can open a stay for the person.
    expect((await postDecided(admission(person.cancelled), tcm)).status).toBe('NOT_ELIGIBLE');
    const undo = await postDecided(reversal(a.noticeNo));
    expect(undo.status).toBe('APPLIED');
    const again = await post(a);
    expect((await decided(again.body.id)).status).toBe('REVERSED');
    expect((await postDecided(discharge(a.noticeNo))).decision.reason).toMatch(/reversed/);
    expect((await postDecided(admission(person.cancelled), tcm)).status).toBe('GUARANTEED');
  });

  it('refuses a reversal of nothing, and of another hospital\'s notice', async () => {
    expect((await postDecided(reversal('ZY-NEVER'))).decision.reason).toMatch(/no notice ZY-NEVER/);
    const a = admission(person.tekun);
    await postDecided(a);
    expect((await postDecided(reversal(a.noticeNo), tcm)).status).toBe('REJECTED');
  });
});

describe('one open stay per person', () => {
  it('opens one stay when two hospitals admit the same person at once', async () => {
    const [first, second] = await Promise.all([
      postDecided(admission(person.twoHospitals)),
      postDecided(admission(person.twoHospitals), tcm),
    ]);
    expect([first.status, second.status].sort()).toEqual(['GUARANTEED', 'NOT_ELIGIBLE']);
    const refused = first.status === 'NOT_ELIGIBLE' ? first : second;
    expect(refused.decision).toMatchObject({ category: null, reason: expect.stringMatching(/usual deposit applies/) });
    // The refused admission is no stay: its discharge gets nothing.
    const [open, openToken] = first.status === 'GUARANTEED' ? [first, hospital] : [second, tcm];
    const [closedNo, closedToken] = first.status === 'GUARANTEED' ? [second.noticeNo, tcm] : [first.noticeNo, hospital];
    expect((await postDecided(discharge(closedNo), closedToken)).status).toBe('REJECTED');
    // Once the open stay is discharged, a new admission opens one.
    expect((await postDecided(discharge(open.noticeNo), openToken)).status).toBe('SETTLED');
    expect((await postDecided(admission(person.twoHospitals), tcm)).status).toBe('GUARANTEED');
  });
});

describe('at the desk', () => {
  it('answers 200 with the decided notice under Prefer: wait, 202 without', async () => {
    // 200 with the decision when deciding took at most N seconds, else 202 (a loaded machine can
    // take longer): either way the answer is timed against the wait, never the test's luck.
    const postWaiting = async (body: unknown, prefer: string, waitSeconds: number) => {
      const started = Date.now();
      const response = await post(body, hospital, { prefer });
      if (response.status === 202) {
        expect(Date.now() - started).toBeGreaterThanOrEqual(waitSeconds * 1000 - 50);
        return decided(response.body.id);
      }
      expect(response.status).toBe(200);
      return response.body;
    };
    const a = admission(person.desk);
    const answered = await postWaiting(a, 'wait=5', 5);
    expect(answered).toMatchObject({ noticeNo: a.noticeNo, status: 'GUARANTEED', decision: { category: 'DIBAO' } });
    const d = discharge(a.noticeNo);
    const settled = await postWaiting(d, 'respond-async, wait=3', 3);
    expect(settled).toMatchObject({ status: 'SETTLED', settlement: { medicalAssistanceFen: 495_000 } });
    const plain = await post(admission(person.desk));
    expect(plain.status).toBe(202);
  });

  it('computes a trial settlement and stores nothing', async () => {
    const a = admission(person.trial);
    expect((await postDecided(a)).status).toBe('GUARANTEED');
    const count = async () =>
      (await documents().send(new ScanCommand({ TableName: tableName('hospitalNotices'), Select: 'COUNT' }))).Count;
    const before = await count();
    const { noticeNo: _n, kind: _k, ...body } = discharge(a.noticeNo);
    const trial = await stack.call('POST', '/hospital-notices/pre-settlements', { token: hospital, body });
    expect(trial.status).toBe(200);
    expect(trial.body.settlement).toEqual({
      outOfPocketFen: 600_000,
      medicalAssistanceFen: 495_000,
      patientPaysFen: 105_000,
      annualUsedFen: 495_000,
      annualCapFen: 8_000_000,
    });
    expect(await count()).toBe(before);
    expect((await usage(person.trial)).usedFen).toBe(0);
    const refused = await stack.call('POST', '/hospital-notices/pre-settlements', { token: hospital, body: { ...body, admissionNoticeNo: 'ZY-NONE' } });
    expect(refused.body).toMatchObject({ settlement: null, decision: { eligible: false } });
  });

  it('answers a trial settlement against an admission still waiting for its worker with "try again", deciding nothing', async () => {
    // The notice worker is held, so the pre-settlement meets the admission undecided.
    let release!: () => void;
    const workerMayGoOn = new Promise<void>((resolve) => (release = resolve));
    const removeHook = beforeDynamoDbCommand(async () => {
      if (runningFunction.getStore() === 'decideHospitalNotices') await workerMayGoOn;
    });
    try {
      const a = admission(person.waiting);
      const posted = await post(a);
      expect(posted.status).toBe(202);
      const { noticeNo: _n, kind: _k, ...body } = discharge(a.noticeNo);
      const trial = await stack.call('POST', '/hospital-notices/pre-settlements', { token: hospital, body });
      expect(trial.status).toBe(200);
      expect(trial.body).toMatchObject({ settlement: null, decision: { eligible: false, reason: expect.stringMatching(/still being decided/) } });
      const stored = await documents().send(new GetCommand({ TableName: tableName('hospitalNotices'), Key: { id: posted.body.id } }));
      expect(stored.Item?.status).toBe('RECEIVED');
    } finally {
      removeHook();
      release();
    }
  });

  it('matches a minority name sent with another interpunct', async () => {
    const notice = await postDecided(admission({ ...person.uyghur, name: '阿依古丽•买买提' }));
    expect(notice.status).toBe('GUARANTEED');
  });
});

describe('privacy and accountability', () => {
  it('audits every eligibility check with hospital, time, masked patient and outcome', async () => {
    const spy = vi.spyOn(auditLogger, 'info');
    try {
      const stranger = { idNumber: validIdNumber(991), name: '路人' };
      const notice = await postDecided(admission(stranger));
      const entry = spy.mock.calls.map((c) => c[1] as Record<string, unknown>).find((e) => e?.noticeId === notice.id);
      expect(entry).toMatchObject({
        audit: 'ELIGIBILITY_CHECK',
        hospitalId: 'H-YZ-PEOPLES',
        at: expect.any(String),
        idNumberMasked: `${stranger.idNumber.slice(0, 6)}********${stranger.idNumber.slice(-4)}`,
        outcome: 'NOT_ELIGIBLE',
      });
      expect(JSON.stringify(spy.mock.calls)).not.toContain(stranger.idNumber);
    } finally {
      spy.mockRestore();
    }
  });

  it('scopes an Idempotency-Key by hospital, not only by subject', async () => {
    const peoples = await stack.token('hospital', 'his-shared', 'H-YZ-PEOPLES');
    const other = await stack.token('hospital', 'his-shared', 'H-YZ-TCM');
    const body = admission({ idNumber: validIdNumber(992), name: '共用' });
    const first = await post(body, peoples, { 'idempotency-key': 'same-key-1' });
    const second = await post(body, other, { 'idempotency-key': 'same-key-1' });
    expect(first.status).toBe(202);
    expect(second.status).toBe(202);
    expect(second.body.id).not.toBe(first.body.id);
  });

  it('limits the eligibility checks a hospital can make per minute', async () => {
    await documents().send(
      new PutCommand({ TableName: tableName('hospitals'), Item: { hospitalId: 'H-TEST-RATE', name: '限流医院', eligibilityChecksPerMinute: 2 } }),
    );
    const token = await stack.token('hospital', 'his-rate', 'H-TEST-RATE');
    // Five within at most two minutes: at most four fit, so at least one is refused.
    const notices = Array.from({ length: 5 }, (_, i) => admission({ idNumber: validIdNumber(900 + i), name: '探测' }));
    const statuses: number[] = [];
    for (const notice of notices) statuses.push((await post(notice, token)).status);
    expect(statuses).toContain(429);
    // A replay of an accepted notice is not a new check.
    const accepted = notices[statuses.indexOf(202)]!;
    expect((await post(accepted, token)).status).toBe(202);
  });

  it('counts a replayed admission once: a replay gives back the allowance slot it took (issue 14: no read before the put)', async () => {
    await documents().send(
      new PutCommand({ TableName: tableName('hospitals'), Item: { hospitalId: 'H-TEST-REPLAY', name: '重放医院', eligibilityChecksPerMinute: 100 } }),
    );
    const token = await stack.token('hospital', 'his-replay', 'H-TEST-REPLAY');
    const notice = admission({ idNumber: validIdNumber(915), name: '重放' });
    const first = await post(notice, token);
    expect(first.status).toBe(202);
    for (let i = 0; i < 3; i++) expect(await post(notice, token)).toMatchObject({ status: 202, body: first.body });
    // The slots of every minute these POSTs fell in: one admission, one slot.
    const slots = await documents().send(
      new ScanCommand({
        TableName: tableName('hospitalNotices'),
        FilterExpression: 'begins_with(id, :rate)',
        ExpressionAttributeValues: { ':rate': 'rate_H-TEST-REPLAY_' },
        ConsistentRead: true,
      }),
    );
    expect((slots.Items ?? []).reduce((n, item) => n + (item.used as number), 0)).toBe(1);
  });
});

describe('the watch list (因病致贫返贫监测)', () => {
  it('lists people whose out-of-pocket payments in the year reached the threshold, for reviewers only', async () => {
    const a = admission(person.watched);
    await postDecided(a);
    // out of pocket 5,000,000; eligible 4,000,000 × 70% = 2,800,000; the patient pays 2,200,000 ≥ 2,000,000.
    const settled = await postDecided(discharge(a.noticeNo, { totalCostFen: 10_000_000, insurancePaidFen: 5_000_000, criticalIllnessPaidFen: 0, nonCoveredFen: 1_000_000 }));
    expect(settled.settlement.patientPaysFen).toBe(2_200_000);
    const list = await stack.call('GET', '/medical-assistance/watch-list?year=2026', { token: reviewer });
    expect(list.status).toBe(200);
    expect(list.body.thresholdFen).toBe(2_000_000);
    expect(list.body.items).toContainEqual({
      idNumberMasked: `${person.watched.idNumber.slice(0, 6)}********${person.watched.idNumber.slice(-4)}`,
      name: person.watched.name,
      householdId: 'HH-WATCH',
      category: 'MARGINAL',
      patientPaysFen: 2_200_000,
    });
    expect(list.body.items.every((i: { patientPaysFen: number }) => i.patientPaysFen >= 2_000_000)).toBe(true);
    expect((await stack.call('GET', '/medical-assistance/watch-list?year=2026', { token: hospital })).status).toBe(403);
  });
});

describe('HOSPITAL_REIMBURSEMENT (清算)', () => {
  it("pays a hospital once for a month's medical assistance, net of reversals, to its own account", async () => {
    // A stay at the maternity hospital in October, posted as its system did then (the clock set to October).
    const maternal = { sub: 'his-maternal', role: 'hospital' as const, hospitalId: 'H-YZ-MATERNAL' };
    const inOctober = async (body: unknown, at: string) => {
      const { id } = await receiveNotice(body as HospitalNoticeRequest, maternal, new Date(at));
      await decideNotice(id, new Date(at));
      return id;
    };
    const a = admission(person.october, '2026-10-08T09:00:00+08:00');
    await inOctober(a, '2026-10-08T09:01:00+08:00');
    const typo = discharge(a.noticeNo, { totalCostFen: 20_000_000, dischargedAt: '2026-10-12T10:00:00+08:00' });
    await inOctober(typo, '2026-10-12T10:01:00+08:00');
    await inOctober(reversal(typo.noticeNo), '2026-10-12T10:20:00+08:00');
    await inOctober(discharge(a.noticeNo, { dischargedAt: '2026-10-12T10:00:00+08:00' }), '2026-10-12T10:30:00+08:00');
    const maternalToken = await stack.token('hospital', 'his-maternal', 'H-YZ-MATERNAL');
    const day = await stack.call('GET', '/hospital-notices?date=2026-10-12', { token: maternalToken });
    expect(day.body.totals).toEqual({ settled: 2, reversed: 1, medicalAssistanceFen: 495_000 });

    const maker = await stack.token('finance', 'finance-maker');
    const checker = await stack.token('finance', 'finance-checker');
    const batchBody = { program: 'HOSPITAL_REIMBURSEMENT', period: '2026-10', title: '2026年10月医疗救助垫付清算' };
    // A running month cannot be claimed yet; categories do not apply.
    const running = await stack.call('POST', '/payout-batches', { token: maker, body: { ...batchBody, period: dateInChina(new Date()).slice(0, 7) } });
    expect(running.status).toBe(400);
    expect(running.body.error.details).toEqual([expect.objectContaining({ path: 'period' })]);
    expect((await stack.call('POST', '/payout-batches', { token: maker, body: { ...batchBody, categories: ['DIBAO'] } })).status).toBe(400);

    const batchIn = (id: string, statuses: string[]) =>
      eventually(async () => {
        const r = await stack.call('GET', `/payout-batches/${id}`, { token: maker });
        return statuses.includes(r.body.status) ? r.body : undefined;
      }, 60_000, `batch ${id} in ${statuses.join('/')}`);
    const created = await stack.call('POST', '/payout-batches', { token: maker, body: batchBody });
    expect(created.status).toBe(201);
    const planned = await batchIn(created.body.id, ['PENDING_APPROVAL', 'FAILED']);
    expect(planned).toMatchObject({ status: 'PENDING_APPROVAL', planned: { count: 1, totalFen: 495_000 } });
    expect((await stack.call('POST', `/payout-batches/${created.body.id}/approve`, { token: checker })).status).toBe(202);
    expect((await batchIn(created.body.id, ['PAID_OUT', 'FAILED'])).status).toBe('PAID_OUT');
    const payments = await stack.call('GET', `/payout-batches/${created.body.id}/payments`, { token: maker });
    expect(payments.body.items).toEqual([expect.objectContaining({ recipientId: 'H-YZ-MATERNAL', amountFen: 495_000 })]);
    const stored = await documents().send(new ScanCommand({ TableName: tableName('payments') }));
    const payment = stored.Items!.find((i) => i.batchId === created.body.id)!;
    expect(payment).toMatchObject({ creditorName: '仪征市妇幼保健院', bankAccount: '6228480012300011122' });

    // Once per hospital and month: a second batch for October finds nothing to pay.
    const again = await stack.call('POST', '/payout-batches', { token: maker, body: { ...batchBody, title: 'again' } });
    const second = await batchIn(again.body.id, ['PENDING_APPROVAL', 'FAILED']);
    expect(second).toMatchObject({ status: 'FAILED', skipped: { alreadyPlannedOrPaid: 1 } });
  });
});
