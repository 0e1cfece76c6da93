// The rules around the flow: every move the state machine does not allow is 409 INVALID_STATE
// and changes nothing; who may call each route; separation of duties; races between reviewers;
// bad input; Idempotency-Key.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from '../../shared/adapters/clients.ts';
import { s3 } from '../../shared/adapters/s3-clients.ts';
import { bucketName, tableName } from '../../shared/adapters/resources.ts';
import { applicationStatuses } from '../../shared/domain/applications.ts';
import { addDays, dateInChina } from '../../shared/domain/clock.ts';
import { queueEnv, roles, type Role } from '../../shared/topology.ts';
import { eventually, startTestStack, type TestStack } from '../support/local-stack.ts';
import { validIdNumber, withWrongCheckDigit } from '../support/id-numbers.ts';
import {
  actorsOf,
  applicationBody,
  decide,
  fileAndAssess,
  member,
  runJob,
  storedApplication,
  type Actors,
} from '../support/applications.ts';

let stack: TestStack;
let actors: Actors;
let sequence = 100;
const nextPerson = (overrides = {}) => member(sequence++, overrides);

beforeAll(async () => {
  stack = await startTestStack();
  actors = await actorsOf(stack);
});
afterAll(async () => stack?.stop());

async function countApplications() {
  return (await documents().send(new ScanCommand({ TableName: tableName('applications'), Select: 'COUNT' }))).Count;
}

async function draft(type = 'DIBAO', extra = {}) {
  const created = await stack.call('POST', '/applications', {
    token: actors.caseworker,
    body: applicationBody(type, [nextPerson()], extra),
  });
  return created.body.id as string;
}

// One application in each status, reached through the API (SUBMITTED, which the worker leaves
// at once, is written as the store holds it between submission and assessment).
const inStatus: Record<string, () => Promise<string>> = {
  DRAFT: () => draft(),
  SUBMITTED: async () => {
    const id = await draft();
    await documents().send(
      new UpdateCommand({
        TableName: tableName('applications'),
        Key: { id },
        UpdateExpression: 'SET #status = :submitted, submittedBy = :by, submittedAt = :at',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':submitted': 'SUBMITTED', ':by': 'caseworker-1', ':at': new Date().toISOString() },
      }),
    );
    return id;
  },
  UNDER_REVIEW: async () => (await fileAndAssess(stack, actors, applicationBody('DIBAO', [nextPerson()]))).id,
  PUBLIC_NOTICE: async () => {
    const { id } = await fileAndAssess(stack, actors, applicationBody('DIBAO', [nextPerson()]));
    await decide(stack, actors.reviewer, id, { decision: 'APPROVE', reason: '同意', monthlyBenefitFen: 50_000 });
    return id;
  },
  ENROLLED: async () => {
    const id = await inStatus.PUBLIC_NOTICE!();
    await runJob('enrollDue', addDays(dateInChina(new Date()), 7));
    return id;
  },
  GRANTED: async () => {
    const { id } = await fileAndAssess(stack, actors, applicationBody('TEMPORARY', [nextPerson()], { requestedAmountFen: 1000 }));
    await decide(stack, actors.reviewer, id, { decision: 'APPROVE', reason: '同意' });
    return id;
  },
  REJECTED: async () => {
    const { id } = await fileAndAssess(stack, actors, applicationBody('DIBAO', [nextPerson()]));
    await decide(stack, actors.reviewer, id, { decision: 'REJECT', reason: '不符合' });
    return id;
  },
};

type Call = (id: string) => Promise<{ status: number; body: any }>;
const httpActions: Record<string, Call> = {
  'add a document': (id) =>
    stack.call('POST', `/applications/${id}/documents`, {
      token: actors.caseworker,
      body: { kind: 'OTHER', fileName: 'a.pdf', contentType: 'application/pdf', sizeBytes: 10 },
    }),
  submit: (id) => stack.call('POST', `/applications/${id}/submit`, { token: actors.caseworker }),
  approve: (id) => decide(stack, actors.reviewer, id, { decision: 'APPROVE', reason: '同意', monthlyBenefitFen: 50_000 }),
  reject: (id) => decide(stack, actors.reviewer, id, { decision: 'REJECT', reason: '不符合' }),
  object: (id) => stack.call('POST', `/applications/${id}/objections`, { token: actors.caseworker, body: { text: '有异议' } }),
};

// What each status allows; everything else in the table must be refused.
const allowed: Record<string, string[]> = {
  DRAFT: ['add a document', 'submit'],
  SUBMITTED: ['add a document', 'submit'], // submit again: queues the assessment again
  UNDER_REVIEW: ['add a document', 'approve', 'reject'],
  PUBLIC_NOTICE: ['object'],
  ENROLLED: [],
  GRANTED: [],
  REJECTED: [],
};

const refused = Object.entries(allowed).flatMap(([status, actions]) =>
  Object.keys(httpActions)
    .filter((action) => !actions.includes(action))
    .map((action) => ({ status, action })),
);

describe('the state machine: every move it does not allow', () => {
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    // ENROLLED first: its enroll-due run would enrol any other application on notice.
    const order = ['ENROLLED', ...Object.keys(inStatus).filter((s) => s !== 'ENROLLED')];
    for (const status of order) ids[status] = await inStatus[status]!();
    for (const [status, id] of Object.entries(ids)) expect((await storedApplication(id)).status, status).toBe(status);
  });

  it('covers every status and action', () => {
    expect(Object.keys(allowed).sort()).toEqual([...applicationStatuses].sort());
    const allowedMoves = Object.values(allowed).flat().length;
    expect(refused).toHaveLength(applicationStatuses.length * Object.keys(httpActions).length - allowedMoves);
  });

  it.each(refused)('$action when $status: 409 INVALID_STATE, nothing changed', async ({ status, action }) => {
    const id = ids[status]!;
    const before = await storedApplication(id);
    const response = await httpActions[action]!(id);
    expect(response.status).toBe(409);
    expect(response.body.error.code).toBe('INVALID_STATE');
    expect(response.body.error.message).toContain(status);
    expect(await storedApplication(id)).toEqual(before);
  });

  it('submitting a SUBMITTED application again queues its assessment again and records nothing new', async () => {
    const id = await inStatus.SUBMITTED!();
    const before = await storedApplication(id);
    const response = await httpActions.submit!(id);
    expect([response.status, response.body]).toEqual([202, { id, status: 'SUBMITTED' }]);
    const after = await eventually(async () => {
      const current = await storedApplication(id);
      return current.status === 'UNDER_REVIEW' ? current : undefined;
    }, undefined, `assessment of ${id}`);
    expect(after.history.slice(0, before.history.length)).toEqual(before.history);
    expect(after.history.slice(before.history.length).map((h) => h.action)).toEqual(['ASSESS']);
  });

  it('answers 404 for an application that does not exist', async () => {
    for (const call of Object.values(httpActions)) expect((await call('app_000000000000000000000000')).status).toBe(404);
  });
});

describe('roles: who may call each route', () => {
  let existing: string;
  beforeAll(async () => {
    existing = await draft();
  });
  const missing = 'app_ffffffffffffffffffffffff';
  const nobody = validIdNumber(999);
  const routes: Array<{ route: string; allowed: Role[]; call: (token: string) => Promise<{ status: number }> }> = [
    { route: 'POST /applications', allowed: ['caseworker'], call: (token) => stack.call('POST', '/applications', { token, body: applicationBody('DIBAO', [member(998)]) }) },
    { route: 'GET /applications', allowed: ['caseworker', 'reviewer'], call: (token) => stack.call('GET', '/applications', { token }) },
    { route: 'GET /applications/{id}', allowed: ['caseworker', 'reviewer'], call: (token) => stack.call('GET', `/applications/${existing}`, { token }) },
    { route: 'GET /applications/{id}/history', allowed: ['caseworker', 'reviewer'], call: (token) => stack.call('GET', `/applications/${existing}/history`, { token }) },
    {
      route: 'POST /applications/{id}/documents',
      allowed: ['caseworker'],
      call: (token) =>
        stack.call('POST', `/applications/${missing}/documents`, {
          token,
          body: { kind: 'OTHER', fileName: 'a.pdf', contentType: 'application/pdf', sizeBytes: 10 },
        }),
    },
    { route: 'POST /applications/{id}/submit', allowed: ['caseworker'], call: (token) => stack.call('POST', `/applications/${missing}/submit`, { token }) },
    {
      route: 'POST /applications/{id}/decision',
      allowed: ['reviewer'],
      call: (token) => stack.call('POST', `/applications/${missing}/decision`, { token, body: { decision: 'REJECT', reason: 'x' } }),
    },
    {
      route: 'POST /applications/{id}/objections',
      allowed: ['caseworker', 'reviewer'],
      call: (token) => stack.call('POST', `/applications/${missing}/objections`, { token, body: { text: 'x' } }),
    },
    ...(['suspensions', 'reinstatements', 'terminations'] as const).map((change) => ({
      route: `POST /recipients/${change}`,
      allowed: ['reviewer'] as Role[],
      call: (token: string) => stack.call('POST', `/recipients/${change}`, { token, body: { idNumber: nobody, reason: 'x' } }),
    })),
  ];
  const cases = routes.flatMap((r) => roles.map((role) => ({ ...r, role, ok: r.allowed.includes(role) })));

  it.each(cases)('$route as $role: allowed $ok', async ({ role, ok, call }) => {
    const token = role === 'hospital' ? actors.hospital : await stack.token(role, `${role}-roles`);
    const response = await call(token);
    if (ok) expect([401, 403]).not.toContain(response.status);
    else {
      expect(response.status).toBe(403);
      expect((response as unknown as { body: any }).body.error.code).toBe('FORBIDDEN');
    }
  });

  it.each(routes)('$route without a token: 401', async ({ route }) => {
    const [method, path] = route.split(' ') as [string, string];
    const response = await stack.call(method, path.replace('{id}', existing));
    expect(response.status).toBe(401);
  });
});

describe('separation of duties', () => {
  it('keeps whoever filed or whoever submitted from deciding; another reviewer may', async () => {
    const created = await stack.call('POST', '/applications', { token: actors.caseworker, body: applicationBody('DIBAO', [nextPerson()]) });
    const id = created.body.id;
    await stack.call('POST', `/applications/${id}/submit`, { token: actors.otherCaseworker });
    await fileAndAssessWait(id);
    for (const sub of ['caseworker-1', 'caseworker-2']) {
      const sameperson = await stack.token('reviewer', sub);
      const response = await decide(stack, sameperson, id, { decision: 'REJECT', reason: '自己审批自己' });
      expect(response.status).toBe(403);
      expect(response.body.error.message).toContain('may not decide');
    }
    expect((await storedApplication(id)).status).toBe('UNDER_REVIEW');
    expect((await decide(stack, actors.reviewer, id, { decision: 'REJECT', reason: '不符合' })).status).toBe(200);
  });
});

async function fileAndAssessWait(id: string) {
  await eventually(async () => ((await storedApplication(id)).status === 'UNDER_REVIEW' ? true : undefined), undefined, `assessment of ${id}`);
}

describe('races: two reviewers at once', () => {
  it('lets exactly one of an approval and a rejection through', async () => {
    const { id } = await fileAndAssess(stack, actors, applicationBody('DIBAO', [nextPerson()]));
    const responses = await Promise.all([
      decide(stack, actors.reviewer, id, { decision: 'APPROVE', reason: '同意', monthlyBenefitFen: 50_000 }),
      decide(stack, actors.otherReviewer, id, { decision: 'REJECT', reason: '不同意' }),
    ]);
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 409]);
    const winner = responses.find((r) => r.status === 200)!;
    const stored = await storedApplication(id);
    expect(stored.status).toBe(winner.body.status);
    expect(stored.history.filter((h) => h.action === 'APPROVE' || h.action === 'REJECT')).toHaveLength(1);
    // A losing approval removes the notice it wrote; the winner's, if any, stays.
    const notices = await s3().send(new ListObjectsV2Command({ Bucket: bucketName('exports'), Prefix: `public-notices/${id}/` }));
    expect(notices.KeyCount ?? 0).toBe(stored.status === 'PUBLIC_NOTICE' ? 1 : 0);
  });

  it('records one grant when two reviewers approve a one-off grant at once', async () => {
    const { id } = await fileAndAssess(stack, actors, applicationBody('EMERGENCY', [nextPerson()], { requestedAmountFen: 1000 }));
    const responses = await Promise.all(
      [actors.reviewer, actors.otherReviewer].map((token) => decide(stack, token, id, { decision: 'APPROVE', reason: '同意' })),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([200, 409]);
    const grants = await documents().send(
      new ScanCommand({ TableName: tableName('grants'), FilterExpression: 'applicationId = :id', ExpressionAttributeValues: { ':id': id } }),
    );
    expect(grants.Count).toBe(1);
  });
});

describe('bad input is refused with the field named, and nothing is stored', () => {
  const good = () => applicationBody('DIBAO', [member(900), member(901, { relation: 'SPOUSE' })]);
  const withMembers = (members: unknown[]) => ({ ...good(), household: { ...good().household, members } });
  it.each([
    ['a wrong check digit', withMembers([{ ...member(900), idNumber: withWrongCheckDigit(member(900).idNumber) }]), 'household.members.0.idNumber'],
    ['no HEAD', withMembers([member(900, { relation: 'SPOUSE' })]), 'household.members'],
    ['two HEADs', withMembers([member(900), member(901)]), 'household.members'],
    ['the same person twice', withMembers([member(900), member(900, { relation: 'CHILD' })]), 'household.members.1.idNumber'],
    ['fractional fen', withMembers([member(900, { monthlyIncomeFen: 10.5 })]), 'household.members.0.monthlyIncomeFen'],
    ['negative deposits', { ...good(), household: { ...good().household, assets: { depositsFen: -1, vehicles: 0, properties: 0 } } }, 'household.assets.depositsFen'],
    ['an unknown type', { ...good(), type: 'HOUSING' }, 'type'],
    ['an unknown relation', withMembers([member(900, { relation: 'COUSIN' })]), 'household.members.0.relation'],
    ['a requested amount on an enrolment', { ...good(), requestedAmountFen: 1000 }, 'requestedAmountFen'],
    ['a bank account with letters', { ...good(), payee: { bankName: '江苏银行', bankAccount: '6228-4800' } }, 'payee.bankAccount'],
    ['no reason', { ...good(), reason: '' }, 'reason'],
    ['no members', withMembers([]), 'household.members'],
  ])('%s', async (_name, body, field) => {
    const before = await countApplications();
    const response = await stack.call('POST', '/applications', { token: actors.caseworker, body });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
    expect(response.body.error.details.map((d: { path: string }) => d.path)).toContain(field);
    expect(await countApplications()).toBe(before);
  });

  it.each([
    ['DIBAO approved without a benefit', 'DIBAO', { decision: 'APPROVE', reason: '同意' }, 'monthlyBenefitFen', /is required/],
    ['DIBAO above the standard', 'DIBAO', { decision: 'APPROVE', reason: '同意', monthlyBenefitFen: 90_001 }, 'monthlyBenefitFen', /exceeds the Dibao standard/],
    ['MARGINAL with a monthly allowance', 'MARGINAL', { decision: 'APPROVE', reason: '同意', monthlyBenefitFen: 100 }, 'monthlyBenefitFen', /no monthly allowance/],
    ['an enrolment with a grant', 'DIBAO', { decision: 'APPROVE', reason: '同意', monthlyBenefitFen: 100, grantedAmountFen: 100 }, 'grantedAmountFen', /one-off/],
  ])('decision: %s', async (_name, type, body, field, message) => {
    const income = type === 'MARGINAL' ? 100_000 : 0;
    const { id } = await fileAndAssess(stack, actors, applicationBody(type, [nextPerson({ monthlyIncomeFen: income })]));
    const response = await decide(stack, actors.reviewer, id, body);
    expect(response.status).toBe(400);
    expect(response.body.error.details).toEqual([{ path: field, message: expect.stringMatching(message) }]);
    expect((await storedApplication(id)).status).toBe('UNDER_REVIEW');
  });

  it('enrols a MARGINAL household with no monthly allowance', async () => {
    const { id } = await fileAndAssess(stack, actors, applicationBody('MARGINAL', [nextPerson({ monthlyIncomeFen: 100_000 })]));
    const response = await decide(stack, actors.reviewer, id, { decision: 'APPROVE', reason: '边缘户' });
    expect(response.body).toMatchObject({ status: 'PUBLIC_NOTICE', decision: { monthlyBenefitFen: 0 } });
  });
});

describe('Idempotency-Key', () => {
  it('files once for a replayed key, and refuses the key with another body', async () => {
    const body = applicationBody('DIBAO', [nextPerson()]);
    const headers = { 'Idempotency-Key': `file-${Date.now()}` };
    const before = await countApplications();
    const first = await stack.call('POST', '/applications', { token: actors.caseworker, body, headers });
    const again = await stack.call('POST', '/applications', { token: actors.caseworker, body, headers });
    expect(first.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(await countApplications()).toBe((before ?? 0) + 1);
    const other = await stack.call('POST', '/applications', {
      token: actors.caseworker,
      body: { ...body, reason: '另一个理由' },
      headers,
    });
    expect([other.status, other.body.error.code]).toEqual([409, 'IDEMPOTENCY_KEY_REUSED']);
  });
});

describe('limits and failures', () => {
  it('takes at most 20 documents', async () => {
    const id = await draft();
    const add = () => httpActions['add a document']!(id);
    for (let i = 0; i < 20; i++) expect((await add()).status).toBe(201);
    const refusedDocument = await add();
    expect([refusedDocument.status, refusedDocument.body.error.code]).toEqual([409, 'CONFLICT']);
    expect((await storedApplication(id)).documents).toHaveLength(20);
  });

  it('leaves a DRAFT exactly as it was when the assessment cannot be queued, and a retry then submits it', async () => {
    const id = await draft();
    const before = await storedApplication(id);
    const variable = queueEnv('applicationAssessments');
    const realQueue = process.env[variable]!;
    process.env[variable] = `${realQueue}-that-does-not-exist`;
    try {
      expect((await httpActions.submit!(id)).status).toBe(500);
    } finally {
      process.env[variable] = realQueue;
    }
    expect(await storedApplication(id)).toEqual(before);
    expect((await httpActions.submit!(id)).status).toBe(202);
    await fileAndAssessWait(id);
  });
});
