// Generated input over every route in openapi.json (issue 12): values from each route's schemas
// plus hand-picked nasty ones (percent-encoding, unicode controls, huge numbers, deep JSON, wrong
// content types, tokens of the wrong shape). No response may be 5xx; every 400 carries the
// envelope naming the field. A share of the requests is well formed (the route's own roles, its
// examples, ids the fuzzer was given back by earlier answers), so work reaches every worker:
// afterwards no worker failed, nothing was dead-lettered, and no record the fuzzer got accepted is
// left in a state only a worker could move it out of (see `standingOf` below).
// FUZZ_REQUESTS and FUZZ_SEED change the run; count, seed and time are printed. `npm test` runs a
// 2,000-request smoke (it shares the machine with the other suites); CI then runs
// `npm run test:fuzz` (20,000) on its own, so it neither starves nor is starved by them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import openapi from '../../openapi.json' with { type: 'json' };
import hospitals from '../../data/hospitals.json' with { type: 'json' };
import { startLocalStack, type LocalStack } from '../../local/stack.ts';
import { roles, type Role, type TableName } from '../../shared/topology.ts';
import { documents } from '../../shared/adapters/clients.ts';
import { tableName } from '../../shared/adapters/resources.ts';
import type { ImportStatus } from '../../shared/adapters/registry-store.ts';
import type { NoticeStatus } from '../../shared/api/hospital-notices.ts';
import type { ApplicationStatus } from '../../shared/domain/applications.ts';
import type { BatchStatus, PaymentStatus } from '../../shared/domain/payouts/batch.ts';
import { eventually } from '../support/local-stack.ts';
import { timeoutScale } from '../support/timeouts.ts';
import { validIdNumber } from '../support/id-numbers.ts';
import { gbkBytes } from '../support/gbk.ts';
import { registryCsvColumns } from '../../shared/domain/registry.ts';

const requests = Number(process.env.FUZZ_REQUESTS ?? 2_000);
const seed = Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31);
const inFlight = 8;

type Schema = Record<string, any>;
const components = (openapi as any).components?.schemas ?? {};
const resolve = (s: Schema): Schema => (s?.$ref ? resolve(components[s.$ref.split('/').pop()]) : s);

const nastyStrings = [
  '', ' ', '\u0000', '\u0007\u001b[31m', '\u202e\u200f', '\uFEFF', '\uFFFF', '\uD800', '𠀀𪚥', '%ZZ', '%', '%C3',
  '../../etc/passwd', "'; DROP TABLE x; --", '<script>', 'a'.repeat(5000), '1e400', '-0', 'NaN', 'null', '[]',
  '3.21081E+17', '321081199001011000', '11010519491231002x', validIdNumber(1), 'DIBAO', 'ACSC', '2026-02-30', '9999-12-31',
];
const nastyNumbers = [0, -1, 1.5, -0, 2 ** 53 + 1, 1e308, -1e308, Number.MAX_SAFE_INTEGER, 2 ** 31];
const nastyValue = fc.oneof(
  fc.constantFrom<unknown>(...nastyStrings, ...nastyNumbers, null, true, [], {}),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

/** Values a schema admits, mixed with nasty ones. */
function arbitraryFor(input: Schema, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(input);
  if (!s || depth > 6) return nastyValue;
  const variants: fc.Arbitrary<unknown>[] = [];
  if (s.anyOf || s.oneOf) variants.push(fc.oneof(...(s.anyOf ?? s.oneOf).map((x: Schema) => arbitraryFor(x, depth + 1))));
  else if (s.enum) variants.push(fc.constantFrom(...s.enum));
  else if (s.const !== undefined) variants.push(fc.constant(s.const));
  else if (s.type === 'object' || s.properties) {
    const props = Object.entries<Schema>(s.properties ?? {});
    const required = new Set<string>(s.required ?? []);
    variants.push(
      fc.record(Object.fromEntries(props.map(([k, v]) => [k, arbitraryFor(v, depth + 1)])), {
        requiredKeys: props.map(([k]) => k).filter((k) => required.has(k)),
      }),
    );
  } else if (s.type === 'array') variants.push(fc.array(arbitraryFor(s.items ?? {}, depth + 1), { maxLength: 4 }));
  else if (s.type === 'integer') variants.push(fc.integer({ min: s.minimum ?? -1e6, max: s.maximum ?? 1e9 }));
  else if (s.type === 'number') variants.push(fc.double());
  else if (s.type === 'boolean') variants.push(fc.boolean());
  else if (s.type === 'string') {
    variants.push(fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 30, 60) }));
    if (s.format === 'date') variants.push(fc.date({ noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)));
    if (s.format === 'date-time') variants.push(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()));
    if (s.example !== undefined) variants.push(fc.constant(s.example));
  }
  if (s.example !== undefined && typeof s.example === 'object') variants.push(fc.constant(s.example));
  return fc.oneof({ weight: 4, arbitrary: fc.oneof(...(variants.length ? variants : [nastyValue])) }, { weight: 1, arbitrary: nastyValue });
}

const deepJson = (n: number) => '['.repeat(n) + ']'.repeat(n);
const rawBodies = fc.constantFrom<{ body: string | Uint8Array; contentType?: string }>(
  { body: deepJson(100_000), contentType: 'application/json' },
  { body: `{"a":${'9'.repeat(400)}}`, contentType: 'application/json' },
  { body: '\uFEFF{}', contentType: 'application/json' },
  { body: '{"a":1,"a":2}', contentType: 'application/json; charset=utf-8' },
  { body: Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d]), contentType: 'application/json' },
  { body: '{}', contentType: 'text/plain' },
  { body: '{}', contentType: 'application/x-www-form-urlencoded' },
  { body: '{}' },
  { body: 'endToEndId,status,reason\nA,ACSC,\n', contentType: 'text/csv' },
  { body: Uint8Array.from([0xd5, 0xcb, 0xbb, 0xa7, 0x2c, 0x0a]), contentType: 'application/octet-stream' },
  { body: '<Document><CstmrPmtStsRpt><OrgnlGrpInfAndSts><GrpSts>RJCT</GrpSts></OrgnlGrpInfAndSts></CstmrPmtStsRpt></Document>', contentType: 'application/xml' },
  { body: '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>', contentType: 'text/xml' },
  { body: '户编号,姓名\r,,,,\r"a\nb",x', contentType: 'application/vnd.ms-excel' },
  { body: 'x'.repeat(1024 * 1024 + 1), contentType: 'application/json' },
);
/** Percent-encodes the UTF-8 bytes of any string, lone surrogates included (they become U+FFFD). */
const percentEncode = (text: string) =>
  [...Buffer.from(text, 'utf8')].map((b) => (/[A-Za-z0-9_.~-]/.test(String.fromCharCode(b)) ? String.fromCharCode(b) : `%${b.toString(16).toUpperCase().padStart(2, '0')}`)).join('');

const nastySegments = ['%ZZ', '%', '%C3', '%E0%A4%A', '%00', '..', '%2F', percentEncode('\u202e'), 'a'.repeat(3000), 'pb_x', 'app_x'];
const nastyTokens = ['', 'x', 'AAAA', '%%%', 'eyJpZCI6IngifQ', 'A'.repeat(2048), 'A'.repeat(3000)];

interface Operation {
  method: string;
  path: string;
  op: Schema;
}
const operations: Operation[] = Object.entries<Schema>((openapi as any).paths).flatMap(([path, ops]) =>
  Object.entries<Schema>(ops).map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
);

/** Two subjects per role, so that a checker (b) can approve what a maker (a) prepared. */
const subjects = ['a', 'b'] as const;
type Caller = { role: Role; subject: (typeof subjects)[number] } | 'none';
const callerArbitrary = fc.oneof(
  { weight: 1, arbitrary: fc.constant<Caller>('none') },
  { weight: 6, arbitrary: fc.record({ role: fc.constantFrom(...roles), subject: fc.constantFrom(...subjects) }) },
);

interface Sent {
  path: string;
  search: string;
  init: RequestInit;
  caller: Caller;
}

/**
 * One generated request. A well-formed one is finished when it is sent, from the ids that
 * earlier answers gave back (a batch to approve, an application to submit, a batch's payments to
 * report on); `picks` make its choices, so the seed still decides them.
 */
type Draw = ({ kind: 'random' } & Sent) | { kind: 'well-formed'; operation: Operation; caller: Caller; picks: number[] };

function randomRequest(operation: Operation): fc.Arbitrary<Draw> {
  const params: Schema[] = operation.op.parameters ?? [];
  const pathParams = params.filter((p) => p.in === 'path');
  const queryParams = params.filter((p) => p.in === 'query');
  const segment = fc.oneof(
    fc.string({ minLength: 1, maxLength: 40 }).map(percentEncode),
    fc.constantFrom(...nastySegments),
  );
  const query = fc.record(
    Object.fromEntries(
      queryParams.map((p) => [
        p.name,
        p.name === 'nextToken'
          ? fc.oneof(fc.constantFrom(...nastyTokens), fc.base64String({ maxLength: 200 }).map((b) => b.replace(/=/g, '')))
          : fc.oneof(arbitraryFor(p.schema ?? {}), nastyValue).map((v) => (typeof v === 'string' ? v : JSON.stringify(v))),
      ]),
    ),
    { requiredKeys: [] },
  );
  const content = operation.op.requestBody?.content ?? {};
  const types = Object.keys(content);
  const body = types.length
    ? fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...types).chain((type) =>
          (type === 'application/json'
            ? arbitraryFor(content[type].schema).map((v) => JSON.stringify(v) ?? 'null')
            : fc.oneof(fc.constant(String(content[type].schema?.example ?? content[type].example ?? '')), fc.string({ unit: 'binary', maxLength: 200 }))
          ).map((b) => ({ body: b as string | Uint8Array, contentType: type as string | undefined })),
        ) },
        { weight: 1, arbitrary: rawBodies },
      )
    : fc.oneof(fc.constant(undefined), rawBodies);
  const idempotencyKey = fc.option(fc.oneof(fc.stringMatching(/^[\x21-\x7e]{1,20}$/), fc.constantFrom('a b', 'x'.repeat(200), '')), { nil: undefined });
  return fc
    .record({
      segments: fc.array(segment, { minLength: pathParams.length, maxLength: pathParams.length }),
      query,
      body,
      caller: callerArbitrary,
      idempotencyKey,
      encodeQuery: fc.boolean(),
    })
    .map(({ segments, query: q, body: b, caller, idempotencyKey: key, encodeQuery }): Draw => {
      let i = 0;
      const path = operation.path.replace(/\{\w+\}/g, () => segments[i++]!);
      const search = Object.entries(q)
        .map(([k, v]) => `${k}=${encodeQuery ? percentEncode(String(v)) : String(v).replace(/[#&\s]/g, '')}`)
        .join('&');
      const headers: Record<string, string> = {};
      if (b?.contentType) headers['content-type'] = b.contentType;
      if (key !== undefined) headers['idempotency-key'] = key;
      return {
        kind: 'random',
        path,
        search,
        init: { method: operation.method, headers, ...(b && operation.method !== 'GET' && { body: b.body as RequestInit['body'] }) },
        caller,
      };
    });
}

function wellFormedRequest(operation: Operation): fc.Arbitrary<Draw> {
  const allowed: Role[] = operation.op['x-roles'] ?? [];
  const caller: fc.Arbitrary<Caller> = allowed.length
    ? fc.record({ role: fc.constantFrom(...allowed), subject: fc.constantFrom(...subjects) })
    : fc.constant('none');
  return fc
    .record({ caller, picks: fc.array(fc.nat(), { minLength: 8, maxLength: 8 }) })
    .map(({ caller: c, picks }): Draw => ({ kind: 'well-formed', operation, caller: c, picks }));
}

/** Ids the API gave back, by `<first path segment>:<field>` (`payout-batches:id`, `recipients:importId`). */
const known = new Map<string, string[]>();
/** Each payout batch's endToEndIds, as its payments list showed them. */
const endToEndIds = new Map<string, string[]>();

function remember(map: Map<string, string[]>, key: string, value: unknown) {
  if (typeof value !== 'string' || value === '') return;
  const list = map.get(key) ?? [];
  if (!list.includes(value)) map.set(key, [...list, value]);
}

function harvest(path: string, status: number, text: string) {
  if (status < 200 || status >= 300) return;
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    return;
  }
  const collection = path.split('/')[1]!;
  for (const field of ['id', 'importId', 'reportId']) remember(known, `${collection}:${field}`, body?.[field]);
  const batch = /^\/payout-batches\/([^/]+)\/payments$/.exec(path)?.[1];
  for (const item of Array.isArray(body?.items) ? body.items : []) {
    remember(known, `${collection}:id`, item?.id);
    if (batch) remember(endToEndIds, batch, item?.endToEndId);
  }
}

const pickFrom = <T>(list: readonly T[], pick: number): T => list[pick % list.length]!;
const periods = ['2026-10', '2026-11', '2026-12'];
const names = ['王婧', '李四', '张三', '赵敏', '陈晓', '欧阳·娜'];
/** The people well-formed requests talk about: imported by the fuzzer's own registry files. */
const person = (n: number) => ({ idNumber: validIdNumber(900 + (n % 8), '19700101'), name: names[n % 8 % names.length]! });
const minutesAgo = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();

function registryCsv(picks: number[]): string {
  const rows = picks.slice(0, 3).map((pick) => {
    const n = pick % 8;
    const { idNumber, name } = person(n);
    return `HH-Z${n},${name},${idNumber},${pickFrom(['DIBAO', 'TEKUN', 'MARGINAL'], n)},真州镇,${60_000 + n * 1_000},2022-03-01,江苏银行,62284800123456${n}0`;
  });
  return [registryCsvColumns.join(','), ...rows].join(pickFrom(['\r\n', '\n', '\r'], picks[3]!));
}

/** The route's own example, or one the fuzzer knows to be valid, with its ids filled in. */
function wellFormedBody(operation: Operation, path: string, picks: number[]): { body: string | Uint8Array; contentType: string } | undefined {
  const p = person(picks[1]!);
  const k = picks[1]! % 4;
  const json = (value: unknown) => ({ body: JSON.stringify(value), contentType: 'application/json' });
  const discharge = { dischargedAt: minutesAgo(1), totalCostFen: 2_000_000, insurancePaidFen: 1_200_000, criticalIllnessPaidFen: 200_000, nonCoveredFen: 50_000 };
  switch (`${operation.method} ${operation.path}`) {
    case 'POST /recipients/imports': {
      const csv = registryCsv(picks);
      const contentType = pickFrom(['text/csv', 'application/vnd.ms-excel', 'application/octet-stream'], picks[2]!);
      return { body: contentType === 'text/csv' ? csv : gbkBytes(csv), contentType };
    }
    case 'POST /hospital-notices':
      return json(
        pickFrom(
          [
            { noticeNo: `ZYF${k}`, kind: 'ADMISSION', patient: person(k), admittedAt: minutesAgo(600) },
            { noticeNo: `CYF${k}`, kind: 'DISCHARGE', admissionNoticeNo: `ZYF${k}`, ...discharge },
            { noticeNo: `CXF${k}`, kind: 'REVERSAL', originalNoticeNo: pickFrom([`CYF${k}`, `ZYF${k}`], picks[3]!) },
          ],
          picks[2]!,
        ),
      );
    case 'POST /hospital-notices/pre-settlements':
      return json({ admissionNoticeNo: `ZYF${k}`, ...discharge });
    case 'POST /payout-batches': {
      const period = pickFrom(periods, picks[3]!);
      return json(
        pickFrom(
          [
            { program: 'PRICE_SUBSIDY', period, title: '价格临时补贴', categories: ['DIBAO', 'TEKUN'], perPersonFen: 5_000 },
            { program: 'MONTHLY_BENEFIT', period, title: '低保金', categories: ['DIBAO', 'MARGINAL'] },
            { program: 'ONE_OFF_GRANTS', period, title: '临时救助' },
            { program: 'HOSPITAL_REIMBURSEMENT', period: '2026-10', title: '医疗救助垫付' },
          ],
          picks[2]!,
        ),
      );
    }
    case 'POST /payout-batches/{id}/bank-results': {
      const batch = path.split('/')[2]!;
      const ids = endToEndIds.get(batch) ?? ['PS202612-7Q2M4K8Z0B3N5P7R9T1V3X5Z'];
      const lines = ids.map((id, i) => ((picks[2]! + i) % 4 === 0 ? `${id},RJCT,AC04 账户已销户` : `${id},ACSC,`));
      return { body: ['endToEndId,status,reason', ...lines].join('\n'), contentType: 'text/csv' };
    }
  }
  const content = operation.op.requestBody?.content ?? {};
  const schema = content['application/json'] ? resolve(content['application/json'].schema) : undefined;
  if (!schema) return undefined;
  const example = { ...(schema.example ?? {}) } as Record<string, unknown>;
  if (typeof example.idNumber === 'string') example.idNumber = p.idNumber;
  if (operation.path === '/recipients/payee-changes/confirmations') example.idNumber = p.idNumber;
  return json(example);
}

function finish(draw: Draw): Sent {
  if (draw.kind === 'random') return draw;
  const { operation, caller, picks } = draw;
  const collection = operation.path.split('/')[1]!;
  let i = 0;
  const path = operation.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const pick = picks[4 + i++]!;
    if (name === 'month') return pickFrom(periods, pick);
    const ids = known.get(`${collection}:${name}`);
    return ids ? pickFrom(ids, pick) : 'not-given-yet';
  });
  const search = operation.path === '/recipients/imports' && picks[5]! % 4 === 0 ? 'dryRun=true' : '';
  const body = operation.method === 'GET' ? undefined : wellFormedBody(operation, path, picks);
  return {
    path,
    search,
    init: { method: operation.method, headers: body ? { 'content-type': body.contentType } : {}, ...(body && { body: body.body as RequestInit['body'] }) },
    caller,
  };
}

/**
 * Where a record stands, per state machine: `final`; `waits` for a person, the calendar or the
 * bank (an application under review, a batch awaiting its checker or the bank's report); or
 * `workers`, a state only a queue's worker moves a record out of. Once the queues are empty no
 * record may be left in a `workers` state. The records are typed by status, so a new state fails
 * the type check until it is placed here.
 */
type Standing = 'final' | 'waits' | 'workers';
const importStanding: Record<ImportStatus, Standing> = { RUNNING: 'workers', COMPLETED: 'final', FAILED: 'final' };
const noticeStanding: Record<NoticeStatus, Standing> = {
  RECEIVED: 'workers',
  GUARANTEED: 'waits', // an open stay: the hospital's discharge or reversal ends it
  NOT_ELIGIBLE: 'final',
  SETTLED: 'final', // a reversal may still undo it: the hospital's choice
  REJECTED: 'final',
  REVERSED: 'final',
  APPLIED: 'final',
};
const applicationStanding: Record<ApplicationStatus, Standing> = {
  DRAFT: 'waits', // the caseworker submits it
  SUBMITTED: 'workers', // the assessment worker moves it to UNDER_REVIEW
  UNDER_REVIEW: 'waits', // the reviewer decides
  PUBLIC_NOTICE: 'waits', // the calendar: enroll-due enrols it when the notice ends
  ENROLLED: 'final',
  GRANTED: 'final',
  REJECTED: 'final',
};
const batchStanding: Record<BatchStatus, Standing> = {
  PLANNING: 'workers',
  PENDING_APPROVAL: 'waits', // the checker approves or rejects
  PAYING: 'workers', // chunk and file workers take it to PAID_OUT
  PAID_OUT: 'waits', // the bank's status report
  RECONCILED: 'final',
  FAILED: 'waits', // an operator retries or cancels it
  REJECTED: 'final',
  CANCELLED: 'final',
};
const reportStanding: Record<'APPLYING' | 'APPLIED' | 'FAILED', Standing> = { APPLYING: 'workers', APPLIED: 'final', FAILED: 'final' };
const paymentStanding: Record<PaymentStatus, Standing> = { PLANNED: 'waits', RECORDED: 'waits', SETTLED: 'final', RETURNED: 'final' };

async function scan(table: TableName): Promise<Array<Record<string, any>>> {
  const items: Array<Record<string, any>> = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await documents().send(new ScanCommand({ TableName: tableName(table), ExclusiveStartKey: start, ConsistentRead: true }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Every record the fuzz requests made, counted by type and status, and those left with the workers. */
async function census(): Promise<{ counts: Record<string, Record<string, number>>; stuck: string[] }> {
  const [imports, notices, applications, batches, payments, progress] = await Promise.all([
    scan('recipientImports'),
    scan('hospitalNotices'),
    scan('applications'),
    scan('payoutBatches'),
    scan('payments'),
    scan('payoutProgress'),
  ]);
  const counts: Record<string, Record<string, number>> = {};
  const stuck: string[] = [];
  const judge = (type: string, id: string, status: string, standing: Record<string, Standing>) => {
    counts[type] = { ...counts[type], [status]: (counts[type]?.[status] ?? 0) + 1 };
    if (standing[status] !== 'final' && standing[status] !== 'waits') stuck.push(`${type} ${id} ${status}`);
  };
  for (const i of imports) judge('import', i.importId, i.status, importStanding);
  for (const n of notices.filter((n) => String(n.id).startsWith('hn_'))) judge('notice', n.id, n.status, noticeStanding);
  for (const a of applications) judge('application', a.id, a.status, applicationStanding);
  for (const b of batches) judge('batch', b.batchId, b.status, batchStanding);
  for (const r of progress.filter((e) => String(e.entry).startsWith('report#'))) judge('bank report', r.reportId, r.status, reportStanding);
  const batchStatus = new Map(batches.map((b) => [b.batchId as string, b.status as BatchStatus]));
  for (const p of payments) {
    judge('payment', p.endToEndId, p.status, paymentStanding);
    // A paid-out batch has recorded every payment; a reconciled one has every outcome.
    const batch = batchStatus.get(p.batchId);
    if ((batch === 'PAID_OUT' && p.status === 'PLANNED') || (batch === 'RECONCILED' && paymentStanding[p.status as PaymentStatus] !== 'final')) {
      stuck.push(`payment ${p.endToEndId} ${p.status} in a ${batch} batch`);
    }
  }
  return { counts, stuck };
}

async function queuesEmpty(): Promise<boolean> {
  for (const url of Object.values(stack.queueUrls)) {
    const a = await stack.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
    );
    if (Number(a.Attributes?.ApproximateNumberOfMessages ?? 0) + Number(a.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0) > 0) return false;
  }
  return true;
}

let stack: LocalStack;
const workerErrors: string[] = [];
const tokens = new Map<string, string>();
const tokenOf = (caller: Caller) => (caller === 'none' ? undefined : tokens.get(`${caller.role}:${caller.subject}`));

beforeAll(async () => {
  // The functions' Lambda deadlines stretched as in every test stack (startTestStack): on two cores
  // shared by several suites an import or a workbook outlasted its 15 s and middy aborted it (500).
  process.env.TUODI_FUNCTION_TIMEOUT_SCALE = String(10 * timeoutScale());
  stack = await startLocalStack({ visibilityTimeoutSeconds: 5, pollerConcurrency: 2, onError: (m) => workerErrors.push(m) });
  for (const role of roles) {
    for (const subject of subjects) {
      const claims = { role, sub: `fuzz-${role}-${subject}`, ...(role === 'hospital' && { hospitalId: hospitals[0]!.hospitalId }) };
      tokens.set(`${role}:${subject}`, await stack.keys.sign(claims));
    }
  }
});
afterAll(async () => stack?.stop());

describe('generated input over every route', () => {
  it(`answers ${requests} requests without a 5xx, every 400 naming the field, and leaves nothing with the workers`, async () => {
    const started = Date.now();
    // One request in three is well formed, so accepted work reaches every worker.
    const draws = fc.sample(
      fc.constantFrom(...operations).chain((operation) =>
        fc.oneof({ weight: 2, arbitrary: randomRequest(operation) }, { weight: 1, arbitrary: wellFormedRequest(operation) }),
      ),
      { numRuns: requests, seed },
    );
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    let sent = 0;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < draws.length) {
          const request = finish(draws[next++]!);
          const headers = { ...(request.init.headers as Record<string, string>) };
          const token = tokenOf(request.caller);
          if (token) headers.authorization = `Bearer ${token}`;
          const url = `${request.path}${request.search ? `?${request.search}` : ''}`;
          let response: Response;
          try {
            response = await fetch(stack.url + url, { ...request.init, headers });
          } catch (error) {
            // fetch refuses some URLs and bodies itself (e.g. a GET with a body): nothing was sent.
            if ((error as Error).name === 'TypeError') continue;
            throw error;
          }
          sent++;
          const text = await response.text();
          harvest(request.path, response.status, text);
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          const what = `${request.init.method} ${url.slice(0, 120)} → ${response.status} ${text.slice(0, 200)}`;
          if (response.status >= 500) failures.push(what);
          else if (response.status === 400) {
            const error = (JSON.parse(text) as { error?: { code?: string; message?: string; details?: Array<{ path?: string }> } }).error;
            if (!error?.code || !error.message || !error.details?.length || !error.details.every((d) => typeof d.path === 'string' && d.path)) {
              failures.push(`400 without a field: ${what}`);
            }
          }
        }
      }),
    );
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `route fuzz: ${draws.length} requests drawn (${sent} sent) over ${operations.length} routes, seed ${seed}, ${seconds.toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
    expect(failures.slice(0, 20)).toEqual([]);
    expect(draws.length).toBeGreaterThanOrEqual(requests);

    // Whatever was accepted is worked off: the queues drain and no record is left with the workers.
    let last: Awaited<ReturnType<typeof census>> | undefined;
    await eventually(
      async () => {
        if (!(await queuesEmpty())) return undefined;
        last = await census();
        return last.stuck.length === 0 && (await queuesEmpty()) ? true : undefined;
      },
      300_000,
      () => `the queues to drain and no record left with the workers; left: ${JSON.stringify(last?.stuck.slice(0, 20))}`,
    );
    const final = await census();
    console.log(`route fuzz: records the fuzz requests made, by status: ${JSON.stringify(final.counts)}; waited ${((Date.now() - started) / 1000 - seconds).toFixed(1)} s for the workers`);
    expect(final.stuck).toEqual([]);
    // The check above means something only if accepted work reached the workers.
    for (const type of ['import', 'notice', 'application', 'batch']) expect(Object.keys(final.counts[type] ?? {}), `${type}s made`).not.toEqual([]);
    for (const [queue, url] of Object.entries(stack.deadLetterQueueUrls)) {
      const dead = await stack.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10 }));
      expect(dead.Messages ?? [], `dead letters of ${queue}`).toEqual([]);
    }
    expect(workerErrors).toEqual([]);
  }, 1_800_000);
});
