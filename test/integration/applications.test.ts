// The Dibao path end to end on the local stack: filed, documented, assessed from the queue,
// approved, noticed, enrolled by the job, and then guaranteed at a hospital admission; the
// one-off grants beside it; lists and history.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from '../../shared/adapters/clients.ts';
import { s3 } from '../../shared/adapters/s3-clients.ts';
import { bucketName, tableName } from '../../shared/adapters/resources.ts';
import { addDays, dateInChina } from '../../shared/domain/clock.ts';
import { eventually, startTestStack, type TestStack } from '../support/local-stack.ts';
import { decideNotice, receiveNotice } from '../../shared/usecases/hospital-notices.ts';
import {
  actorsOf,
  applicationBody,
  assessed,
  decide,
  fileAndAssess,
  member,
  payee,
  runJob,
  storedApplication,
  storedRecipient,
  type Actors,
} from '../support/applications.ts';

let stack: TestStack;
let actors: Actors;
const today = () => dateInChina(new Date());
const masked = (idNumber: string) => `${idNumber.slice(0, 6)}********${idNumber.slice(-4)}`;

beforeAll(async () => {
  stack = await startTestStack();
  actors = await actorsOf(stack);
});
afterAll(async () => stack?.stop());

describe('a DIBAO household from the form to a guaranteed hospital admission', () => {
  const head = member(1, { name: '王小婧', monthlyIncomeFen: 30_000 });
  const child = member(2, { name: '李明', relation: 'CHILD', born: '20150601' });
  let id: string;

  it('is filed as a DRAFT, with the ID numbers masked when read back', async () => {
    const created = await stack.call('POST', '/applications', {
      token: actors.caseworker,
      body: applicationBody('DIBAO', [head, child], { payee }),
    });
    expect(created.status).toBe(201);
    expect(created.body).toEqual({ id: expect.stringMatching(/^app_[0-9a-f]{24}$/), status: 'DRAFT' });
    id = created.body.id;

    const read = await stack.call('GET', `/applications/${id}`, { token: actors.reviewer });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      id,
      type: 'DIBAO',
      status: 'DRAFT',
      household: {
        township: '真州镇',
        members: [
          { name: '王小婧', idNumberMasked: masked(head.idNumber), relation: 'HEAD' },
          { name: '李明', idNumberMasked: masked(child.idNumber), relation: 'CHILD' },
        ],
      },
      payee: { bankName: '江苏银行', bankAccountMasked: '************5678' },
      assessment: null,
      createdBy: 'caseworker-1',
    });
    expect(read.text).not.toContain(head.idNumber);
    expect(read.text).not.toContain(payee.bankAccount);
  });

  it('takes documents through presigned PUT URLs bound to their type and size, and lists them', async () => {
    const pdf = Buffer.from('%PDF-1.7 household register scan');
    const response = await stack.call('POST', `/applications/${id}/documents`, {
      token: actors.caseworker,
      body: { kind: 'HOUSEHOLD_REGISTER', fileName: '户口本.pdf', contentType: 'application/pdf', sizeBytes: pdf.length },
    });
    expect(response.status).toBe(201);
    const { documentId, uploadUrl, expiresAt } = response.body;
    expect(documentId).toMatch(/^doc_/);
    const expiresInMs = Date.parse(expiresAt) - Date.now();
    expect(expiresInMs).toBeGreaterThan(0);
    expect(expiresInMs).toBeLessThanOrEqual(300_000);

    // What makes S3 refuse another type or size: both headers are signed in, for 300 seconds,
    // and no checksum of an empty body is (the SDK's default would break every real upload).
    const url = new URL(uploadUrl);
    expect(url.searchParams.get('X-Amz-SignedHeaders')?.split(';')).toEqual(['content-length', 'content-type', 'host']);
    expect(url.searchParams.get('X-Amz-Expires')).toBe('300');
    expect([...url.searchParams.keys()].some((k) => k.toLowerCase().startsWith('x-amz-checksum'))).toBe(false);
    expect(url.pathname).toBe(`/${bucketName('documents')}/applications/${id}/${documentId}`);

    const put = await fetch(uploadUrl, { method: 'PUT', headers: { 'content-type': 'application/pdf' }, body: pdf });
    expect(put.status).toBe(200);
    const stored = await s3().send(
      new GetObjectCommand({ Bucket: bucketName('documents'), Key: `applications/${id}/${documentId}` }),
    );
    expect(Buffer.from(await stored.Body!.transformToByteArray())).toEqual(pdf);

    const read = await stack.call('GET', `/applications/${id}`, { token: actors.reviewer });
    expect(read.body.documents).toEqual([
      {
        documentId,
        kind: 'HOUSEHOLD_REGISTER',
        fileName: '户口本.pdf',
        contentType: 'application/pdf',
        sizeBytes: pdf.length,
        addedAt: expect.any(String),
        addedBy: 'caseworker-1',
        downloadUrl: expect.stringContaining(documentId),
      },
    ]);
    const download = await fetch(read.body.documents[0].downloadUrl);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(pdf);
  });

  it('refuses documents of another type or over 10 MiB', async () => {
    for (const [body, field] of [
      [{ kind: 'OTHER', fileName: 'a.exe', contentType: 'application/x-msdownload', sizeBytes: 10 }, 'contentType'],
      [{ kind: 'OTHER', fileName: 'a.pdf', contentType: 'application/pdf', sizeBytes: 10 * 1024 * 1024 + 1 }, 'sizeBytes'],
      [{ kind: 'OTHER', fileName: '../a.pdf', contentType: 'application/pdf', sizeBytes: 10 }, 'fileName'],
    ] as const) {
      const response = await stack.call('POST', `/applications/${id}/documents`, { token: actors.caseworker, body });
      expect(response.status).toBe(400);
      expect(response.body.error.details.map((d: { path: string }) => d.path)).toContain(field);
    }
    expect((await storedApplication(id)).documents).toHaveLength(1);
  });

  it('is assessed from the queue: below the standard, property test passed', async () => {
    const submitted = await stack.call('POST', `/applications/${id}/submit`, { token: actors.caseworker });
    expect(submitted.status).toBe(202);
    expect(submitted.body).toEqual({ id, status: 'SUBMITTED' });
    const application = await assessed(stack, actors, id);
    expect(application.status).toBe('UNDER_REVIEW');
    expect(application.assessment).toMatchObject({
      perCapitaIncomeFen: 15_000,
      standardFen: 90_000,
      eligible: true,
      assessedOn: today(),
    });
    expect(application.assessment.reasons.join('\n')).toMatch(/per-capita income 150\.00 yuan .* is below the Dibao standard of 900\.00 yuan/);
    expect(application.assessment.reasons.join('\n')).toMatch(/pass the property test/);
  });

  it('changes nothing when the assessment message is delivered again', async () => {
    const before = await storedApplication(id);
    const sent = [];
    for (let i = 0; i < 3; i++) sent.push(await stack.send('applicationAssessments', { id }));
    await stack.handled('applicationAssessments', sent);
    expect(await storedApplication(id)).toEqual(before);
    expect(before.history.filter((h) => h.action === 'ASSESS')).toHaveLength(1);
  });

  it('is not decided by the caseworker who submitted it, even holding the reviewer role', async () => {
    const sameperson = await stack.token('reviewer', 'caseworker-1');
    const response = await decide(stack, sameperson, id, { decision: 'APPROVE', reason: '同意', monthlyBenefitFen: 60_000 });
    expect(response.status).toBe(403);
    expect(response.body.error.code).toBe('FORBIDDEN');
    expect((await storedApplication(id)).status).toBe('UNDER_REVIEW');
  });

  it('goes on public notice for the policy notice days, with a masked notice document', async () => {
    const response = await decide(stack, actors.reviewer, id, {
      decision: 'APPROVE',
      reason: '入户调查属实',
      monthlyBenefitFen: 60_000,
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      status: 'PUBLIC_NOTICE',
      noticeEndsOn: addDays(today(), 7),
      decision: { decision: 'APPROVE', decidedBy: 'reviewer-1', monthlyBenefitFen: 60_000 },
    });
    const key = (await storedApplication(id)).noticeDocumentKey!;
    const object = await s3().send(new GetObjectCommand({ Bucket: bucketName('exports'), Key: key }));
    const notice = await object.Body!.transformToString('utf-8');
    expect(notice).toContain('王*婧');
    expect(notice).toContain('李*');
    expect(notice).toContain(masked(head.idNumber));
    expect(notice).toContain(`${today()} 至 ${addDays(today(), 7)}`);
    expect(notice).toContain('600.00');
    for (const secret of [head.idNumber, child.idNumber, '王小婧', '李明', '东园村']) expect(notice).not.toContain(secret);
    const posted = await fetch(response.body.noticeDocumentUrl);
    expect(await posted.text()).toBe(notice);
  });

  it('is not enrolled before the notice ends, and is enrolled by enroll-due when it has', async () => {
    expect(await runJob('enrollDue', addDays(today(), 6))).toMatchObject({ enrolled: 0 });
    expect((await storedApplication(id)).status).toBe('PUBLIC_NOTICE');
    expect(await storedRecipient(head.idNumber)).toBeUndefined();

    expect(await runJob('enrollDue', addDays(today(), 7))).toMatchObject({ enrolled: 1, returnedToReview: 0 });
    const application = await storedApplication(id);
    expect(application.status).toBe('ENROLLED');
    expect(await runJob('enrollDue', addDays(today(), 8))).toMatchObject({ enrolled: 0 });

    for (const person of [head, child]) {
      const recipient = await storedRecipient(person.idNumber);
      expect(recipient).toEqual({
        idNumber: person.idNumber,
        recipientId: expect.stringMatching(/^rcp_/),
        householdId: id,
        name: person.name,
        category: 'DIBAO',
        township: '真州镇',
        monthlyBenefitFen: 60_000,
        since: addDays(today(), 7),
        bankName: '江苏银行',
        bankAccount: '6228480012345678',
        status: 'ACTIVE',
        applicationId: id,
        // The head is of working age and has income: reviewed every six months.
        reviewEveryMonths: 6,
        nextReviewOn: expect.any(String),
        // The entry says what it set: hospital notices read the standing on a date of service from it.
        history: [
          {
            at: expect.any(String),
            by: 'tuodi:enroll-due',
            action: 'ENROLLED',
            reason: expect.stringContaining(id),
            status: 'ACTIVE',
            category: 'DIBAO',
            since: addDays(today(), 7),
          },
        ],
      });
    }
    const search = await stack.call('GET', `/recipients?idNumber=${head.idNumber}`, { token: actors.caseworker });
    expect(search.body.items).toEqual([expect.objectContaining({ status: 'ACTIVE', category: 'DIBAO', idNumberMasked: masked(head.idNumber) })]);
  });

  it('is then admitted to a designated hospital without a deposit', async () => {
    // Enrolled from a date to come (enroll-due ran "as of" it): the hospital posts as on a later day,
    // since an admission is judged on its date, which may not lie in the future of the clock.
    const admittedOn = addDays(today(), 14);
    const hospitalActor = { sub: 'his-1', role: 'hospital' as const, hospitalId: 'H-YZ-PEOPLES' };
    const postedThen = new Date(`${admittedOn}T09:05:00+08:00`);
    const posted = await receiveNotice(
      { noticeNo: `ZY${Date.now()}`, kind: 'ADMISSION', patient: { idNumber: head.idNumber, name: '王小婧' }, admittedAt: `${admittedOn}T09:00:00+08:00` },
      hospitalActor,
      postedThen,
    );
    await decideNotice(posted.id, postedThen);
    const notice = await eventually(async () => {
      const r = await stack.call('GET', `/hospital-notices/${posted.id}`, { token: actors.hospital });
      return r.status !== 200 || r.body.status === 'RECEIVED' ? undefined : r.body;
    });
    expect(notice).toMatchObject({ status: 'GUARANTEED', decision: { eligible: true, category: 'DIBAO' } });
  });

  it('has a history of every transition with actor, time and reason', async () => {
    const response = await stack.call('GET', `/applications/${id}/history`, { token: actors.caseworker });
    expect(response.status).toBe(200);
    expect(response.body.nextToken).toBeNull();
    expect(response.body.items.map((h: { action: string; by: string; from?: string; to?: string }) => [h.action, h.by, h.from, h.to])).toEqual([
      ['FILED', 'caseworker-1', undefined, 'DRAFT'],
      ['ADD_DOCUMENT', 'caseworker-1', undefined, undefined],
      ['SUBMIT', 'caseworker-1', 'DRAFT', 'SUBMITTED'],
      ['ASSESS', 'tuodi:assessment-worker', 'SUBMITTED', 'UNDER_REVIEW'],
      ['APPROVE', 'reviewer-1', 'UNDER_REVIEW', 'PUBLIC_NOTICE'],
      ['ENROL', 'tuodi:enroll-due', 'PUBLIC_NOTICE', 'ENROLLED'],
    ]);
    for (const entry of response.body.items) {
      expect(entry).toMatchObject({ at: expect.any(String), reason: expect.any(String) });
      expect(entry.reason.length).toBeGreaterThan(0);
    }
    const firstPage = await stack.call('GET', `/applications/${id}/history?limit=4`, { token: actors.reviewer });
    expect(firstPage.body.items).toHaveLength(4);
    const secondPage = await stack.call('GET', `/applications/${id}/history?limit=4&nextToken=${firstPage.body.nextToken}`, {
      token: actors.reviewer,
    });
    expect(secondPage.body.items.map((h: { action: string }) => h.action)).toEqual(['APPROVE', 'ENROL']);
    expect(secondPage.body.nextToken).toBeNull();
  });
});

describe('objections and rejections', () => {
  it('sends an application on notice back to review on an objection, and the approval lapses', async () => {
    const application = await fileAndAssess(stack, actors, applicationBody('TEKUN', [member(20, { born: '19400101', name: '赵大爷' })]));
    expect(application.assessment.eligible).toBe(true);
    await decide(stack, actors.reviewer, application.id, { decision: 'APPROVE', reason: '符合特困', monthlyBenefitFen: 120_000 });
    const objected = await stack.call('POST', `/applications/${application.id}/objections`, {
      token: actors.otherCaseworker,
      body: { text: '村民反映其子女有赡养能力' },
    });
    expect(objected.status).toBe(201);
    expect(objected.body).toMatchObject({
      status: 'UNDER_REVIEW',
      noticeEndsOn: null,
      decision: null,
      objections: [{ by: 'caseworker-2', text: '村民反映其子女有赡养能力', at: expect.any(String) }],
    });
    // Its notice has lapsed: the job passes it by.
    expect(await runJob('enrollDue', addDays(today(), 30))).toMatchObject({ enrolled: 0 });
    const rejected = await decide(stack, actors.otherReviewer, application.id, { decision: 'REJECT', reason: '子女有赡养能力' });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'REJECTED', decision: { decision: 'REJECT', reason: '子女有赡养能力' } });
    const history = (await storedApplication(application.id)).history.map((h) => h.action);
    expect(history.slice(-3)).toEqual(['APPROVE', 'OBJECT', 'REJECT']);
  });

  it('refuses a rejection without a written reason', async () => {
    const application = await fileAndAssess(stack, actors, applicationBody('DIBAO', [member(21)]));
    for (const reason of [undefined, '', '   ']) {
      const response = await decide(stack, actors.reviewer, application.id, { decision: 'REJECT', reason });
      expect(response.status).toBe(400);
      expect(response.body.error.details.map((d: { path: string }) => d.path)).toEqual(['reason']);
    }
    expect((await storedApplication(application.id)).status).toBe('UNDER_REVIEW');
  });

  it('can only reject what the assessment found not eligible, and says why', async () => {
    const application = await fileAndAssess(stack, actors, applicationBody('DIBAO', [member(22, { monthlyIncomeFen: 100_000 })]));
    expect(application.assessment.eligible).toBe(false);
    expect(application.assessment.reasons.join(' ')).toMatch(/not below the Dibao standard.*MARGINAL application fits/);
    const response = await decide(stack, actors.reviewer, application.id, { decision: 'APPROVE', reason: '同意', monthlyBenefitFen: 10_000 });
    expect(response.status).toBe(409);
    expect(response.body.error).toMatchObject({ code: 'INVALID_STATE', message: expect.stringMatching(/not eligible/) });
  });
});

describe('one-off grants', () => {
  it('records a GRANTED grant for finance, with exactly the attributes the payouts side reads', async () => {
    const head = member(30, { name: '孙强', monthlyIncomeFen: 50_000 });
    const application = await fileAndAssess(
      stack,
      actors,
      applicationBody('TEMPORARY', [head, member(31, { relation: 'SPOUSE', name: '周敏' })], { requestedAmountFen: 500_000, payee }),
    );
    expect(application.assessment).toMatchObject({ eligible: true, grantCeilingFen: 900_000 });
    const response = await decide(stack, actors.reviewer, application.id, {
      decision: 'APPROVE',
      reason: '火灾受损，临时救助',
      grantedAmountFen: 400_000,
    });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ status: 'GRANTED', decision: { grantedAmountFen: 400_000 } });
    const grant = await documents().send(new GetCommand({ TableName: tableName('grants'), Key: { grantId: application.id } }));
    expect(grant.Item).toEqual({
      grantId: application.id,
      applicationId: application.id,
      type: 'TEMPORARY',
      status: 'GRANTED',
      amountFen: 400_000,
      payeeName: '孙强',
      payeeIdNumber: head.idNumber,
      bankName: '江苏银行',
      bankAccount: '6228480012345678',
      township: '真州镇',
      grantedAt: expect.any(String),
      grantedBy: 'reviewer-1',
      history: [{ at: expect.any(String), by: 'reviewer-1', action: 'GRANTED', reason: '火灾受损，临时救助' }],
    });
  });

  it.each(['EMERGENCY', 'MEDICAL_EXPENSE', 'EDUCATION'])('grants %s up to the ceiling, defaulting to the amount requested, without payee attributes when none was given', async (type) => {
    const application = await fileAndAssess(stack, actors, applicationBody(type, [member(40 + type.length)], { requestedAmountFen: 900_000 }));
    const response = await decide(stack, actors.reviewer, application.id, { decision: 'APPROVE', reason: '同意' });
    expect(response.body).toMatchObject({ status: 'GRANTED', decision: { grantedAmountFen: 900_000 } });
    const grant = await documents().send(new GetCommand({ TableName: tableName('grants'), Key: { grantId: application.id } }));
    expect(grant.Item).not.toHaveProperty('bankName');
    expect(grant.Item).not.toHaveProperty('bankAccount');
  });

  it('refuses a grant above the policy ceiling, naming the rule, and records nothing', async () => {
    const application = await fileAndAssess(stack, actors, applicationBody('EMERGENCY', [member(50)], { requestedAmountFen: 100_000 }));
    const response = await decide(stack, actors.reviewer, application.id, { decision: 'APPROVE', reason: '同意', grantedAmountFen: 900_001 });
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual([
      { path: 'grantedAmountFen', message: expect.stringMatching(/exceeds the one-off grant ceiling of 900000 fen \(10 months of the Dibao standard\)/) },
    ]);
    expect((await storedApplication(application.id)).status).toBe('UNDER_REVIEW');
    const grant = await documents().send(new GetCommand({ TableName: tableName('grants'), Key: { grantId: application.id } }));
    expect(grant.Item).toBeUndefined();
  });

  it('assesses a request above the ceiling as not eligible', async () => {
    const application = await fileAndAssess(stack, actors, applicationBody('TEMPORARY', [member(51)], { requestedAmountFen: 900_001 }));
    expect(application.assessment.eligible).toBe(false);
    expect(application.assessment.reasons.join(' ')).toMatch(/exceeds the one-off grant ceiling of 9000\.00 yuan/);
  });
});

describe('lists', () => {
  it('filters by status, township and type, and pages with nextToken', async () => {
    const township = `测试镇${Date.now()}`;
    const ids: string[] = [];
    for (const [i, type] of ['DIBAO', 'MARGINAL', 'DIBAO', 'EDUCATION', 'DIBAO'].entries()) {
      const created = await stack.call('POST', '/applications', {
        token: actors.caseworker,
        body: applicationBody(type, [member(60 + i)], { township }),
      });
      ids.push(created.body.id);
    }
    await stack.call('POST', `/applications/${ids[0]}/submit`, { token: actors.caseworker });
    await assessed(stack, actors, ids[0]!);

    const all = await stack.call('GET', `/applications?township=${encodeURIComponent(township)}`, { token: actors.reviewer });
    expect(all.status).toBe(200);
    expect(all.body.items.map((a: { id: string }) => a.id)).toEqual(ids);
    expect(all.body.items[0]).toEqual({
      id: ids[0],
      type: 'DIBAO',
      status: 'UNDER_REVIEW',
      township,
      headName: '王小婧',
      memberCount: 1,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      noticeEndsOn: null,
    });

    const dibaoDrafts = await stack.call(
      'GET',
      `/applications?township=${encodeURIComponent(township)}&type=DIBAO&status=DRAFT`,
      { token: actors.caseworker },
    );
    expect(dibaoDrafts.body.items.map((a: { id: string }) => a.id)).toEqual([ids[2], ids[4]]);

    const seen: string[] = [];
    let nextToken: string | null = null;
    let pages = 0;
    do {
      const query: string = `township=${encodeURIComponent(township)}&limit=2${nextToken ? `&nextToken=${nextToken}` : ''}`;
      const page = await stack.call('GET', `/applications?${query}`, { token: actors.reviewer });
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((a: { id: string }) => a.id));
      nextToken = page.body.nextToken;
      pages++;
    } while (nextToken);
    expect(seen).toEqual(ids);
    expect(pages).toBeGreaterThanOrEqual(3);

    const underReview = await stack.call('GET', '/applications?status=UNDER_REVIEW&limit=500', { token: actors.reviewer });
    expect(underReview.body.items.every((a: { status: string }) => a.status === 'UNDER_REVIEW')).toBe(true);
    expect(underReview.body.items.map((a: { id: string }) => a.id)).toContain(ids[0]);

    const everything = await stack.call('GET', '/applications?type=EDUCATION', { token: actors.reviewer });
    expect(everything.body.items.map((a: { id: string }) => a.id)).toContain(ids[3]);
  });

  it('lists "my applications": only those the given subject filed (createdBy, an addition)', async () => {
    const township = `我的镇${Date.now()}`;
    const mine = await stack.call('POST', '/applications', {
      token: actors.caseworker,
      body: applicationBody('DIBAO', [member(70)], { township }),
    });
    const theirs = await stack.call('POST', '/applications', {
      token: actors.otherCaseworker,
      body: applicationBody('DIBAO', [member(71)], { township }),
    });
    expect([mine.status, theirs.status]).toEqual([201, 201]);
    const listed = await stack.call('GET', `/applications?township=${encodeURIComponent(township)}&createdBy=caseworker-1`, {
      token: actors.caseworker,
    });
    expect(listed.body.items.map((a: { id: string }) => a.id)).toEqual([mine.body.id]);
    const unkeyed = await stack.call('GET', '/applications?createdBy=caseworker-2&limit=500', { token: actors.reviewer });
    expect(unkeyed.body.items.map((a: { id: string }) => a.id)).toContain(theirs.body.id);
    expect(unkeyed.body.items.map((a: { id: string }) => a.id)).not.toContain(mine.body.id);
  });

  it('refuses unknown filters and foreign tokens', async () => {
    expect((await stack.call('GET', '/applications?status=LOST', { token: actors.reviewer })).status).toBe(400);
    expect((await stack.call('GET', '/applications?limit=501', { token: actors.reviewer })).status).toBe(400);
    const bad = await stack.call('GET', '/applications?nextToken=not-a-token', { token: actors.reviewer });
    expect([bad.status, bad.body.error.details[0].path]).toEqual([400, 'nextToken']);
  });
});

describe('validation details carry stable codes (an addition) for clients to render in their language', () => {
  it('names the field and why: missing, too big, not an allowed value, a wrong ID check digit', async () => {
    const body = applicationBody('DIBAO', [member(80, { idNumber: `${member(80).idNumber.slice(0, 17)}${member(80).idNumber[17] === '1' ? '2' : '1'}` })]);
    const { reason: _, ...withoutReason } = body;
    const refused = await stack.call('POST', '/applications', {
      token: actors.caseworker,
      body: { ...withoutReason, type: 'LOTTERY', household: { ...body.household, assets: { ...body.household.assets, vehicles: 100 } } },
    });
    expect(refused.status).toBe(400);
    const byPath = Object.fromEntries(refused.body.error.details.map((d: { path: string; code: string }) => [d.path, d.code]));
    expect(byPath).toMatchObject({
      reason: 'REQUIRED',
      type: 'INVALID_VALUE',
      'household.assets.vehicles': 'TOO_BIG',
      'household.members.0.idNumber': 'ID_NUMBER_CHECK_DIGIT',
    });
  });
});

describe('township scoping: a token carrying a township sees and acts on that township only (the API enforces it)', () => {
  const scopedToken = async (role: 'caseworker' | 'reviewer', sub: string, township: string) =>
    (await stack.call('POST', '/local/dev-token', { body: { role, sub, township } })).body.token as string;
  let inZhenzhou: string;
  let inLiuji: string;

  beforeAll(async () => {
    inZhenzhou = (await fileAndAssess(stack, actors, applicationBody('DIBAO', [member(901, { name: '赵真州' })], { township: '真州镇' }))).id;
    inLiuji = (await fileAndAssess(stack, actors, applicationBody('DIBAO', [member(902, { name: '钱刘集' })], { township: '刘集镇' }))).id;
  });

  it('lists only the token township’s applications, with or without a filter, and refuses another township’s filter', async () => {
    const reviewer = await scopedToken('reviewer', 'rv-zhenzhou', '真州镇');
    for (const query of ['status=UNDER_REVIEW&limit=100', 'limit=100', 'township=真州镇&limit=100', 'type=DIBAO&limit=100']) {
      const ids: string[] = [];
      let nextToken: string | null = null;
      do {
        const page: any = await stack.call('GET', `/applications?${query}${nextToken ? `&nextToken=${encodeURIComponent(nextToken)}` : ''}`, { token: reviewer });
        expect(page.status).toBe(200);
        expect(page.body.items.every((a: { township: string }) => a.township === '真州镇')).toBe(true);
        ids.push(...page.body.items.map((a: { id: string }) => a.id));
        nextToken = page.body.nextToken;
      } while (nextToken);
      expect(ids).toContain(inZhenzhou);
      expect(ids).not.toContain(inLiuji);
    }
    const other = await stack.call('GET', `/applications?township=${encodeURIComponent('刘集镇')}`, { token: reviewer });
    expect([other.status, other.body.error.code]).toEqual([403, 'FORBIDDEN']);
    // An unscoped token still sees every township.
    const all = await stack.call('GET', `/applications?township=${encodeURIComponent('刘集镇')}&limit=100`, { token: actors.reviewer });
    expect(all.body.items.map((a: { id: string }) => a.id)).toContain(inLiuji);
  });

  it('refuses to show, document, decide or object to another township’s application, and changes nothing', async () => {
    const reviewer = await scopedToken('reviewer', 'rv-zhenzhou', '真州镇');
    const caseworker = await scopedToken('caseworker', 'cw-zhenzhou', '真州镇');
    const before = await storedApplication(inLiuji);
    const attempts = [
      await stack.call('GET', `/applications/${inLiuji}`, { token: reviewer }),
      await stack.call('GET', `/applications/${inLiuji}/history`, { token: caseworker }),
      await stack.call('POST', `/applications/${inLiuji}/documents`, {
        token: caseworker,
        body: { kind: 'OTHER', fileName: 'a.pdf', contentType: 'application/pdf', sizeBytes: 10 },
      }),
      await stack.call('POST', `/applications/${inLiuji}/submit`, { token: caseworker }),
      await stack.call('POST', `/applications/${inLiuji}/decision`, { token: reviewer, body: { decision: 'REJECT', reason: '不属本镇' } }),
      await stack.call('POST', `/applications/${inLiuji}/objections`, { token: caseworker, body: { text: '异议' } }),
    ];
    expect(attempts.map((r) => [r.status, r.body.error?.code])).toEqual(Array(attempts.length).fill([403, 'FORBIDDEN']));
    expect(await storedApplication(inLiuji)).toEqual(before);
    // Its own township's application it reads as before.
    expect((await stack.call('GET', `/applications/${inZhenzhou}`, { token: reviewer })).status).toBe(200);
  });

  it('refuses a caseworker filing for a household in another township', async () => {
    const caseworker = await scopedToken('caseworker', 'cw-zhenzhou', '真州镇');
    const refused = await stack.call('POST', '/applications', { token: caseworker, body: applicationBody('DIBAO', [member(903)], { township: '刘集镇' }) });
    expect([refused.status, refused.body.error.code]).toEqual([403, 'FORBIDDEN']);
    const filed = await stack.call('POST', '/applications', { token: caseworker, body: applicationBody('DIBAO', [member(904)], { township: '真州镇' }) });
    expect(filed.status).toBe(201);
  });
});
