// Generated input over every route in openapi.json (issue 12): values from each route's schemas
// plus hand-picked nasty ones (percent-encoding, unicode controls, huge numbers, deep JSON, wrong
// content types, tokens of the wrong shape). No response may be 5xx; every 400 carries the
// envelope naming the field; afterwards no worker failed and nothing was dead-lettered.
// FUZZ_REQUESTS and FUZZ_SEED change the run; count, seed and time are printed. `npm test` runs a
// 2,000-request smoke (it shares the machine with the other suites); CI then runs
// `npm run test:fuzz` (20,000) on its own, so it neither starves nor is starved by them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import openapi from '../../openapi.json' with { type: 'json' };
import hospitals from '../../data/hospitals.json' with { type: 'json' };
import { startLocalStack, type LocalStack } from '../../local/stack.ts';
import { roles, type Role } from '../../shared/topology.ts';
import { eventually } from '../support/local-stack.ts';
import { validIdNumber } from '../support/id-numbers.ts';

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

function requestFor(operation: Operation): fc.Arbitrary<{ url: string; init: RequestInit; role: Role | 'none' }> {
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
      role: fc.constantFrom<Role | 'none'>(...roles, 'none'),
      idempotencyKey,
      encodeQuery: fc.boolean(),
    })
    .map(({ segments, query: q, body: b, role, idempotencyKey: key, encodeQuery }) => {
      let i = 0;
      const path = operation.path.replace(/\{\w+\}/g, () => segments[i++]!);
      const search = Object.entries(q)
        .map(([k, v]) => `${k}=${encodeQuery ? percentEncode(String(v)) : String(v).replace(/[#&\s]/g, '')}`)
        .join('&');
      const headers: Record<string, string> = {};
      if (b?.contentType) headers['content-type'] = b.contentType;
      if (key !== undefined) headers['idempotency-key'] = key;
      return {
        url: `${path}${search ? `?${search}` : ''}`,
        init: { method: operation.method, headers, ...(b && operation.method !== 'GET' && { body: b.body as RequestInit['body'] }) },
        role,
      };
    });
}

let stack: LocalStack;
const workerErrors: string[] = [];
const tokens = new Map<string, string>();

beforeAll(async () => {
  stack = await startLocalStack({ visibilityTimeoutSeconds: 5, pollerConcurrency: 2, onError: (m) => workerErrors.push(m) });
  for (const role of roles) {
    tokens.set(role, await stack.keys.sign({ role, sub: `fuzz-${role}`, ...(role === 'hospital' && { hospitalId: hospitals[0]!.hospitalId }) }));
  }
});
afterAll(async () => stack?.stop());

describe('generated input over every route', () => {
  it(`answers ${requests} requests without a 5xx, every 400 naming the field`, async () => {
    const started = Date.now();
    const random = fc.sample(fc.constantFrom(...operations).chain(requestFor), { numRuns: requests, seed });
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next < random.length) {
          const request = random[next++]!;
          const headers = { ...(request.init.headers as Record<string, string>) };
          if (request.role !== 'none') headers.authorization = `Bearer ${tokens.get(request.role)}`;
          let response: Response;
          try {
            response = await fetch(stack.url + request.url, { ...request.init, headers });
          } catch (error) {
            // fetch refuses some URLs and bodies itself (e.g. a GET with a body): nothing was sent.
            if ((error as Error).name === 'TypeError') continue;
            throw error;
          }
          const text = await response.text();
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
          const what = `${request.init.method} ${request.url.slice(0, 120)} → ${response.status} ${text.slice(0, 200)}`;
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
      `route fuzz: ${random.length} requests over ${operations.length} routes, seed ${seed}, ${seconds.toFixed(1)} s; statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
    );
    expect(failures.slice(0, 20)).toEqual([]);
    expect(random.length).toBeGreaterThanOrEqual(requests);

    // Whatever was accepted is worked off: queues drain, nothing dead-lettered, no worker failed.
    for (const [queue, url] of Object.entries(stack.queueUrls)) {
      await eventually(async () => {
        const a = await stack.sqs.send(
          new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
        );
        const left = Number(a.Attributes?.ApproximateNumberOfMessages ?? 0) + Number(a.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0);
        return left === 0 ? true : undefined;
      }, 180_000, `queue ${queue} to drain`);
      const dead = await stack.sqs.send(new ReceiveMessageCommand({ QueueUrl: stack.deadLetterQueueUrls[queue as keyof typeof stack.queueUrls], MaxNumberOfMessages: 10 }));
      expect(dead.Messages ?? [], `dead letters of ${queue}`).toEqual([]);
    }
    expect(workerErrors).toEqual([]);
  }, 1_800_000);
});
