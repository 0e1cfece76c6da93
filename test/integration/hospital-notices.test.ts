import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { documents, sqs } from '../../shared/adapters/clients.ts';
import { tableName } from '../../shared/adapters/resources.ts';
import { registryCsvColumns } from '../../shared/domain/registry.ts';
import { queueEnv } from '../../shared/topology.ts';
import { readOneByOne, receiveNoticeBy, requeuePendingNotices } from '../../shared/usecases/hospital-notices.ts';
import { decideReadsTogether } from '../../shared/adapters/notice-reads-together.ts';
import { noticeIdFor } from '../../shared/domain/hospital-notices.ts';
import { eventually, startTestStack, type TestStack } from '../support/local-stack.ts';
import { validIdNumber, withWrongCheckDigit } from '../support/id-numbers.ts';

let stack: TestStack;
let hospital: string;
let otherHospital: string;

const person = {
  dibao: { idNumber: validIdNumber(101), name: '王婧' },
  tekun: { idNumber: validIdNumber(102, '19400101'), name: '赵大爷' },
  marginal: { idNumber: validIdNumber(103), name: '钱芳' },
  capped: { idNumber: validIdNumber(104), name: '孙强' },
  redelivered: { idNumber: validIdNumber(105), name: '周敏' },
  suspended: { idNumber: validIdNumber(106), name: '吴刚' },
};

// One open stay per person: a test that admits someone takes a fresh person from a pool.
const pool = {
  DIBAO: Array.from({ length: 13 }, (_, i) => ({ idNumber: validIdNumber(200 + i), name: `王${'甲乙丙丁戊己庚辛壬癸子丑寅'[i]}` })),
  TEKUN: Array.from({ length: 9 }, (_, i) => ({ idNumber: validIdNumber(300 + i, '19400101'), name: `赵${'甲乙丙丁戊己庚辛壬'[i]}` })),
};
const fresh = (category: keyof typeof pool) => {
  const next = pool[category].shift();
  if (!next) throw new Error(`the ${category} pool is used up: make it larger`);
  return next;
};

let sequence = 0;
const nextNo = (prefix: string) => `${prefix}${Date.now()}${sequence++}`;

const admission = (who: { idNumber: string; name: string }, noticeNo = nextNo('ZY')) => ({
  noticeNo,
  kind: 'ADMISSION',
  patient: who,
  admittedAt: '2026-11-20T09:00:00+08:00',
});

const discharge = (admissionNoticeNo: string, amounts: Partial<Record<string, number>> = {}) => ({
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

async function post(body: unknown, token = hospital) {
  return stack.call('POST', '/hospital-notices', { token, body });
}

async function decided(id: string, token = hospital, timeoutMs = 20_000) {
  return eventually(async () => {
    const r = await stack.call('GET', `/hospital-notices/${id}`, { token });
    // An error answer (a loaded machine can time a GET out) is not a decision: ask again.
    return r.status !== 200 || r.body?.status === 'RECEIVED' ? undefined : r.body;
  }, timeoutMs, `decision on ${id}`);
}

async function admitted(who: { idNumber: string; name: string }) {
  const notice = admission(who);
  const response = await post(notice);
  expect(response.status).toBe(202);
  expect((await decided(response.body.id)).status).toBe('GUARANTEED');
  return notice.noticeNo;
}

async function noticeCount() {
  return (await documents().send(new ScanCommand({ TableName: tableName('hospitalNotices'), Select: 'COUNT' }))).Count;
}

beforeAll(async () => {
  stack = await startTestStack();
  hospital = await stack.token('hospital', 'his-peoples', 'H-YZ-PEOPLES');
  otherHospital = await stack.token('hospital', 'his-tcm', 'H-YZ-TCM');
  const row = (who: { idNumber: string; name: string }, category: string) =>
    ['HH-1', who.name, who.idNumber, category, '真州镇', '90000', '2022-03-01', '江苏银行', '6228480012345678'].join(',');
  const csv = [
    registryCsvColumns.join(','),
    row(person.dibao, 'DIBAO'),
    row(person.tekun, 'TEKUN'),
    row(person.marginal, 'MARGINAL'),
    row(person.capped, 'DIBAO'),
    row(person.redelivered, 'TEKUN'),
    row(person.suspended, 'DIBAO'),
    ...pool.DIBAO.map((who) => row(who, 'DIBAO')),
    ...pool.TEKUN.map((who) => row(who, 'TEKUN')),
  ].join('\n');
  const reviewer = await stack.token('reviewer', 'reviewer-1');
  const created = await stack.call('POST', '/recipients/imports', { token: reviewer, rawBody: csv, contentType: 'text/csv' });
  await eventually(async () => {
    const r = await stack.call('GET', `/recipients/imports/${created.body.importId}`, { token: reviewer });
    return r.body.status === 'COMPLETED' ? r.body : undefined;
  });
  // A later suspension, which this issue has no route for yet: written as the registry would hold it.
  const suspended = await documents().send(
    new GetCommand({ TableName: tableName('recipients'), Key: { idNumber: person.suspended.idNumber } }),
  );
  await documents().send(
    new PutCommand({ TableName: tableName('recipients'), Item: { ...suspended.Item, status: 'SUSPENDED' } }),
  );
});
afterAll(async () => stack?.stop());

describe('admission: the no-deposit guarantee', () => {
  // How fast is measured by npm run bench:notices (p50/p99), not asserted here: a loaded machine is slow.
  it('guarantees active DIBAO and TEKUN recipients', async () => {
    for (const [who, category] of [
      [fresh('DIBAO'), 'DIBAO'],
      [fresh('TEKUN'), 'TEKUN'],
    ] as const) {
      const response = await post(admission(who));
      expect(response.status).toBe(202);
      expect(response.body).toEqual({ id: expect.stringMatching(/^hn_/), status: 'RECEIVED' });
      const notice = await decided(response.body.id);
      expect(notice).toMatchObject({
        kind: 'ADMISSION',
        status: 'GUARANTEED',
        decision: { eligible: true, category },
        patient: { name: who.name, idNumberMasked: `${who.idNumber.slice(0, 6)}********${who.idNumber.slice(-4)}` },
        settlement: null,
      });
      expect(JSON.stringify(notice)).not.toContain(who.idNumber);
    }
  });

  it('does not guarantee a MARGINAL or SUSPENDED recipient, a stranger or a wrong name, and says the same to each', async () => {
    const reasons = new Set<string>();
    for (const who of [
      person.marginal,
      person.suspended,
      { idNumber: validIdNumber(999), name: '陌生人' },
      { ...person.dibao, name: '王静' },
    ]) {
      const notice = await decided((await post(admission(who))).body.id);
      expect(notice.status).toBe('NOT_ELIGIBLE');
      // Privacy: no category, and one reason that tells membership from nothing.
      expect(notice.decision).toMatchObject({ eligible: false, category: null });
      reasons.add(notice.decision.reason);
    }
    expect([...reasons]).toEqual([expect.stringMatching(/usual deposit applies/)]);
  });
});

describe('discharge: the settlement', () => {
  it('settles a DIBAO discharge: 90% of the eligible out-of-pocket', async () => {
    const admissionNo = await admitted(fresh('DIBAO'));
    const notice = await decided((await post(discharge(admissionNo))).body.id);
    // out of pocket 2,000,000 - 1,200,000 - 200,000 = 600,000; eligible 550,000; 90% = 495,000.
    expect(notice).toMatchObject({
      status: 'SETTLED',
      decision: { eligible: true, category: 'DIBAO' },
      settlement: {
        outOfPocketFen: 600_000,
        medicalAssistanceFen: 495_000,
        patientPaysFen: 105_000,
        annualUsedFen: 495_000,
        annualCapFen: 8_000_000,
      },
    });
    expect(notice.decision.reason).toMatch(/90%/);
  });

  it('settles a TEKUN discharge in full', async () => {
    const admissionNo = await admitted(fresh('TEKUN'));
    const notice = await decided((await post(discharge(admissionNo, { nonCoveredFen: 0 }))).body.id);
    expect(notice.settlement).toMatchObject({ outOfPocketFen: 600_000, medicalAssistanceFen: 600_000, patientPaysFen: 0 });
  });

  it('rejects a discharge without an admission, or a second one for the same admission', async () => {
    const orphan = await decided((await post(discharge('ZY-NEVER-POSTED'))).body.id);
    expect(orphan).toMatchObject({ status: 'REJECTED', decision: { eligible: false } });
    expect(orphan.decision.reason).toMatch(/no admission notice ZY-NEVER-POSTED/);

    // Another hospital's admission number does not link across hospitals.
    const admissionNo = await admitted(fresh('TEKUN'));
    const elsewhere = await decided((await post(discharge(admissionNo), otherHospital)).body.id, otherHospital);
    expect(elsewhere.status).toBe('REJECTED');

    expect((await decided((await post(discharge(admissionNo))).body.id)).status).toBe('SETTLED');
    const second = await decided((await post(discharge(admissionNo))).body.id);
    expect(second.status).toBe('REJECTED');
    expect(second.decision.reason).toMatch(/already been settled/);
  });

  it('decides the admission first when the discharge arrives before its decision', async () => {
    const admissionNotice = admission(fresh('TEKUN'));
    const dischargeNotice = discharge(admissionNotice.noticeNo);
    const [a, d] = await Promise.all([post(admissionNotice), post(dischargeNotice)]);
    expect((await decided(d.body.id)).status).toBe('SETTLED');
    expect((await decided(a.body.id)).status).toBe('GUARANTEED');
  });

  it('holds the annual cap exactly under 20 concurrent settlements for one person', { timeout: 180_000 }, async () => {
    // One open stay per person: 20 open admissions exist only as an older system left them.
    const admissions = await Promise.all(
      Array.from({ length: 20 }, async () => {
        const notice = admission(person.capped);
        const id = noticeIdFor('H-YZ-PEOPLES', notice.noticeNo);
        await documents().send(
          new PutCommand({
            TableName: tableName('hospitalNotices'),
            Item: {
              id, hospitalId: 'H-YZ-PEOPLES', noticeNo: notice.noticeNo, kind: 'ADMISSION', status: 'GUARANTEED',
              requestHash: 'legacy', receivedAt: new Date().toISOString(), receivedBy: 'legacy', history: [],
              patientIdNumber: person.capped.idNumber, patientName: person.capped.name, admittedAt: notice.admittedAt,
              coveredCategory: 'DIBAO', decision: { eligible: true, category: 'DIBAO', reason: 'legacy' },
            },
          }),
        );
        return notice.noticeNo;
      }),
    );
    // Each asks for 90% of 500,000 = 450,000; 20 of them would be 9,000,000 against a cap of 8,000,000.
    const notices = admissions.map((no) => discharge(no, { nonCoveredFen: 100_000 }));
    const responses = await Promise.all(notices.map((n) => post(n)));
    expect(responses.map((r) => r.status)).toEqual(responses.map(() => 202));
    // Twenty settlements contend for one usage item: on a loaded machine that takes a while.
    const settled = await Promise.all(responses.map((r) => decided(r.body.id, hospital, 120_000)));
    expect(settled.filter((n) => n.status !== 'SETTLED').map((n) => n.decision?.reason)).toEqual([]);
    const paid = settled.map((n) => n.settlement.medicalAssistanceFen as number);
    expect(paid.reduce((a, b) => a + b, 0)).toBe(8_000_000);
    expect(paid.every((p) => p >= 0 && p <= 450_000)).toBe(true);
    for (const n of settled) {
      expect(n.settlement.patientPaysFen + n.settlement.medicalAssistanceFen).toBe(n.settlement.outOfPocketFen);
    }
    const usage = await documents().send(
      new GetCommand({
        TableName: tableName('medicalAssistanceUsage'),
        Key: { personYear: `${person.capped.idNumber}#2026` },
      }),
    );
    expect(usage.Item?.usedFen).toBe(8_000_000);
  });

  it('settles once when the message is delivered again', async () => {
    const admissionNo = await admitted(person.redelivered);
    const id = (await post(discharge(admissionNo))).body.id;
    const first = await decided(id);
    const sent = [];
    for (let i = 0; i < 3; i++) sent.push(await stack.send('hospitalNotices', { id }));
    await stack.handled('hospitalNotices', sent);
    const usage = await documents().send(
      new GetCommand({
        TableName: tableName('medicalAssistanceUsage'),
        Key: { personYear: `${person.redelivered.idNumber}#2026` },
      }),
    );
    expect(usage.Item?.usedFen).toBe(first.settlement.medicalAssistanceFen);
    const stored = await documents().send(new GetCommand({ TableName: tableName('hospitalNotices'), Key: { id } }));
    expect(stored.Item?.history.map((h: { action: string }) => h.action)).toEqual(['RECEIVED', 'SETTLED']);
    expect(stored.Item?.history[1]).toMatchObject({ by: expect.any(String), at: expect.any(String), reason: expect.any(String) });
  });
});

describe('the decide worker reads a batch together (issue 14: calls per notice)', () => {
  it('answers each read as the one-call readers do, in one BatchGetItem per table for the reads of one tick', async () => {
    const who = fresh('DIBAO');
    const admissionNo = await admitted(who);
    const settled = (await post(discharge(admissionNo))).body.id;
    await decided(settled);
    const ids = [noticeIdFor('H-YZ-PEOPLES', admissionNo), settled, 'hn_absent_1', settled, 'hn_absent_2'];
    const people = [who.idNumber, person.marginal.idNumber, validIdNumber(999), who.idNumber];
    const years = [`${who.idNumber}#2026`, `${person.marginal.idNumber}#2026`];
    const tables = { [tableName('hospitalNotices')]: 'id', [tableName('recipients')]: 'idNumber', [tableName('medicalAssistanceUsage')]: 'personYear' };
    const asked = new Set([...ids, ...people, ...years]);
    // Every BatchGetItem of this process on those tables that asks for these keys.
    const sent: Array<{ table: string; keys: string[]; consistent: boolean }> = [];
    const name = 'count-decide-batch-reads';
    documents().middlewareStack.add(
      (next, context) => async (args) => {
        // The document client's command reaches this step as BatchGetItemCommand, its keys marshalled.
        type Keys = Array<Record<string, string | { S: string }>>;
        const input = args.input as { RequestItems?: Record<string, { Keys: Keys; ConsistentRead?: boolean }> };
        if (/^BatchGet/.test(context.commandName ?? '')) {
          for (const [table, request] of Object.entries(input.RequestItems ?? {})) {
            const keyName = tables[table];
            if (!keyName) continue;
            const keys = request.Keys.map((key) => { const value = key[keyName]!; return typeof value === 'string' ? value : value.S; });
            if (keys.some((key) => asked.has(key))) sent.push({ table, keys, consistent: request.ConsistentRead === true });
          }
        }
        return next(args);
      },
      { step: 'initialize', name },
    );
    try {
      const [notices, recipients, usages] = await Promise.all([
        Promise.all(ids.map((id) => decideReadsTogether.notice(id))),
        Promise.all(people.map((id) => decideReadsTogether.recipient(id))),
        Promise.all(years.map((year) => decideReadsTogether.usage(year))),
      ]);
      expect(notices).toEqual(await Promise.all(ids.map((id) => readOneByOne.notice(id))));
      expect(recipients).toEqual(await Promise.all(people.map((id) => readOneByOne.recipient(id))));
      expect(usages).toEqual(await Promise.all(years.map((year) => readOneByOne.usage(year))));
      expect(notices.map((notice) => notice?.status)).toEqual(['GUARANTEED', 'SETTLED', undefined, 'SETTLED', undefined]);
      expect(recipients.map((recipient) => recipient?.category)).toEqual(['DIBAO', 'MARGINAL', undefined, 'DIBAO']);
      expect(usages).toEqual([{ usedFen: expect.any(Number), exists: true }, { usedFen: 0, exists: false }]);
      // One request per table, each key once (BatchGetItem refuses a key twice), with the
      // consistency of the read it replaces: notices and usage strong, the registry eventual.
      expect(sent.sort((a, b) => a.table.localeCompare(b.table))).toEqual(
        [
          { table: tableName('hospitalNotices'), keys: [...new Set(ids)], consistent: true },
          { table: tableName('recipients'), keys: [...new Set(people)], consistent: false },
          { table: tableName('medicalAssistanceUsage'), keys: years, consistent: true },
        ].sort((a, b) => a.table.localeCompare(b.table)),
      );
    } finally {
      documents().middlewareStack.remove(name);
    }
  });
});

describe('idempotency, visibility and recovery', () => {
  it('answers the same notice again with the same id, and a different one under the same number with 409', async () => {
    const notice = admission(person.dibao);
    const first = await post(notice);
    const again = await post(notice);
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    const clash = await post({ ...notice, patient: person.tekun });
    expect(clash.status).toBe(409);
    expect(clash.body.error).toMatchObject({ code: 'CONFLICT', details: [{ path: 'noticeNo' }] });
    // A discharge is stored without a read first: the conditional put answers the stored one.
    const leaving = discharge(notice.noticeNo);
    const stored = await post(leaving);
    expect(stored.status).toBe(202);
    expect(await post(leaving)).toMatchObject({ status: 202, body: stored.body });
    const changed = await post({ ...leaving, totalCostFen: leaving.totalCostFen + 1 });
    expect(changed.status).toBe(409);
    expect(changed.body.error).toMatchObject({ code: 'CONFLICT', details: [{ path: 'noticeNo' }] });
  });

  it('hides a notice from other hospitals and refuses undesignated hospitals and other roles', async () => {
    const id = (await post(admission(person.dibao))).body.id;
    expect((await stack.call('GET', `/hospital-notices/${id}`, { token: otherHospital })).status).toBe(404);
    const undesignated = await stack.token('hospital', 'his-x', 'H-NOT-DESIGNATED');
    expect((await post(admission(person.dibao), undesignated)).status).toBe(403);
    expect((await stack.call('GET', `/hospital-notices/${id}`, { token: undesignated })).status).toBe(403);
    const caseworker = await stack.token('caseworker', 'cw-1');
    expect((await post(admission(person.dibao), caseworker)).body.error.code).toBe('FORBIDDEN');
  });

  it('recovers a notice whose enqueue failed, by a retry of the request or by the requeue job', async () => {
    const variable = queueEnv('hospitalNotices');
    const realQueue = process.env[variable]!;
    const retried = admission(fresh('DIBAO'));
    const forgotten = admission(fresh('TEKUN'));
    process.env[variable] = `${realQueue}-that-does-not-exist`;
    try {
      expect((await post(retried)).status).toBe(500);
      expect((await post(forgotten)).status).toBe(500);
    } finally {
      process.env[variable] = realQueue;
    }
    const retry = await post(retried);
    expect(retry.status).toBe(202);
    expect((await decided(retry.body.id)).status).toBe('GUARANTEED');

    // Nobody retries the other: the scheduled job finds it still RECEIVED after its grace period.
    expect(await requeuePendingNotices(new Date(Date.now() + 10 * 60_000))).toBeGreaterThanOrEqual(1);
    const forgottenId = (await post(forgotten)).body.id;
    expect((await decided(forgottenId)).status).toBe('GUARANTEED');
  });
});

describe('an answer before the function deadline (issue 14: middy answered 500 after the notice was stored)', () => {
  const actor = { sub: 'his-peoples', role: 'hospital' as const, hospitalId: 'H-YZ-PEOPLES' };

  it('answers 202 when the deadline comes after the notice was stored, 500 before; either way it is decided, and a retry answers it', async () => {
    // Fault injection: every SendMessage of the handlers' queue client is held until released.
    let reachedSend!: () => void;
    const sendReached = new Promise<void>((resolve) => (reachedSend = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    sqs().middlewareStack.add(
      (next) => async (args) => {
        reachedSend();
        await released;
        return next(args);
      },
      { step: 'initialize', name: 'holdSends' },
    );
    const storedFirst = { ...admission(fresh('DIBAO')), kind: 'ADMISSION' as const };
    const notStored = { ...admission(fresh('TEKUN')), kind: 'ADMISSION' as const };
    let answered;
    try {
      // The deadline comes while the notice is being queued: it is stored, so the answer is a 202.
      answered = await receiveNoticeBy(storedFirst, actor, new Date(), sendReached);
      expect(answered).toEqual({ id: noticeIdFor(actor.hospitalId, storedFirst.noticeNo), status: 'RECEIVED' });
      expect((await documents().send(new GetCommand({ TableName: tableName('hospitalNotices'), Key: { id: answered.id } }))).Item).toMatchObject({ status: 'RECEIVED' });
      // The deadline has already come: nothing is known to be stored, so a 500 that says to post it again.
      await expect(receiveNoticeBy(notStored, actor, new Date(), Promise.resolve())).rejects.toMatchObject({
        code: 'INTERNAL',
        message: expect.stringContaining('same noticeNo'),
      });
    } finally {
      release();
      sqs().middlewareStack.remove('holdSends');
    }
    expect((await decided(answered.id)).status).toBe('GUARANTEED');
    // The 500's notice went on to be stored and queued: decided without a retry, and a retry answers it.
    const notStoredId = noticeIdFor(actor.hospitalId, notStored.noticeNo);
    expect((await decided(notStoredId)).status).toBe('GUARANTEED');
    expect(await post(notStored)).toMatchObject({ status: 202, body: { id: notStoredId, status: 'RECEIVED' } });
  });
});

describe('bad input is refused with the field named, and nothing is stored', () => {
  const good = () => discharge('ZY1');
  it.each([
    ['a wrong check digit', { ...admission(person.dibao), patient: { ...person.dibao, idNumber: withWrongCheckDigit(person.dibao.idNumber) } }, 400, 'patient.idNumber'],
    ['negative fen', { ...good(), insurancePaidFen: -1 }, 400, 'insurancePaidFen'],
    ['fractional fen', { ...good(), totalCostFen: 100.5 }, 400, 'totalCostFen'],
    ['insurance above the total', { ...good(), insurancePaidFen: 1_900_000 }, 400, 'totalCostFen'],
    ['an unknown kind', { ...good(), kind: 'TRANSFER' }, 400, 'kind'],
    ['a missing field', { ...admission(person.dibao), admittedAt: undefined }, 400, 'admittedAt'],
    ['an instant without offset', { ...admission(person.dibao), admittedAt: '2026-11-20T09:00:00' }, 400, 'admittedAt'],
    ['an admission in the future', { ...admission(person.dibao), admittedAt: new Date(Date.now() + 3_600_000).toISOString() }, 400, 'admittedAt'],
    ['a discharge in the future', { ...good(), dischargedAt: new Date(Date.now() + 3_600_000).toISOString() }, 400, 'dischargedAt'],
  ])('%s', async (_name, body, status, field) => {
    const before = await noticeCount();
    const response = await post(body);
    expect(response.status).toBe(status);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
    expect(response.body.error.details.map((d: { path: string }) => d.path)).toContain(field);
    expect(await noticeCount()).toBe(before);
  });

  it('refuses malformed JSON, a wrong content type and an oversize body', async () => {
    const before = await noticeCount();
    const malformed = await stack.call('POST', '/hospital-notices', { token: hospital, rawBody: '{"noticeNo":', contentType: 'application/json' });
    expect([malformed.status, malformed.body.error.code]).toEqual([400, 'MALFORMED_JSON']);
    const wrongType = await stack.call('POST', '/hospital-notices', { token: hospital, rawBody: JSON.stringify(good()), contentType: 'text/plain' });
    expect([wrongType.status, wrongType.body.error.code]).toEqual([415, 'UNSUPPORTED_MEDIA_TYPE']);
    const oversize = await post({ ...admission(person.dibao), diagnosis: 'x'.repeat(1024 * 1024) });
    expect([oversize.status, oversize.body.error.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    expect(await noticeCount()).toBe(before);
  });
});
