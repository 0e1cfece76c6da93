// The local API's authorizer on its own (no emulators): every route of the topology served by a stub
// that answers which route it is, reached only with a token the deployed JWT authorizer would let
// through: 401 without a valid token, 403 FORBIDDEN when the token carries none of the route's
// scopes (the same requiredScopes of the same operation that infra/ puts on the deployed routes).
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operations } from '../../shared/api/openapi.ts';
import { auth, functions, requiredScopes, roles, scopeKindOf, type FunctionName, type Role } from '../../shared/topology.ts';
import { devKeys, type DevKeys } from '../../local/dev-auth.ts';
import { routeOf, startHttpApi } from '../../local/http-api.ts';

const httpFunctions = (Object.keys(functions) as FunctionName[]).flatMap((name) => {
  const trigger = functions[name].trigger;
  return trigger.type === 'http' ? [{ name, trigger }] : [];
});

let dir: string;
let keys: DevKeys;
let server: Server;
let base: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'tuodi-scopes-'));
  keys = await devKeys(dir);
  const routes = httpFunctions.map(({ name }) =>
    routeOf(name, async (event: any) => ({
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ reached: name, scopes: event.requestContext.authorizer?.jwt?.scopes ?? null }),
    })),
  );
  server = await startHttpApi(routes, keys, 0);
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

/** The route's path with each {parameter} filled in. */
const concretePath = (path: string) => path.replace(/\{\w+\}/g, 'x1');

async function call(name: FunctionName, token?: string) {
  const trigger = functions[name].trigger;
  if (trigger.type !== 'http') throw new Error(`${name} is not a route`);
  const response = await fetch(`${base}${concretePath(trigger.path)}`, {
    method: trigger.method,
    headers: { ...(token && { authorization: `Bearer ${token}` }), 'content-type': 'application/json' },
    ...(trigger.method === 'POST' && { body: '{}' }),
  });
  return { status: response.status, body: (await response.json()) as any };
}

const tokenFor = (role: Role, scope?: string) =>
  keys.sign({ role, sub: `${role}-1`, ...(role === 'hospital' && { hospitalId: 'H-YZ-PEOPLES' }), ...(scope !== undefined && { scope }) });

describe('the local API checks route scopes as the deployed JWT authorizer does', () => {
  it('gives each role the scope of its kind of caller', async () => {
    const payload = JSON.parse(Buffer.from((await tokenFor('hospital')).split('.')[1]!, 'base64url').toString());
    expect(payload.scope).toBe(auth.scopes.hospital);
    for (const role of ['caseworker', 'reviewer', 'finance'] as const) {
      const staff = JSON.parse(Buffer.from((await tokenFor(role)).split('.')[1]!, 'base64url').toString());
      expect(staff.scope).toBe(auth.scopes.staff);
    }
  });

  it('refuses a hospital token on staff routes and a staff token on hospital routes (403), from the contract', async () => {
    const hospital = await tokenFor('hospital');
    const finance = await tokenFor('finance');
    const reviewer = await tokenFor('reviewer');
    for (const [name, token] of [
      ['getAnnualReport', hospital], // API.md: reports are for staff roles, hospitals get 403
      ['approvePayoutBatch', hospital],
      ['searchRecipients', hospital],
      ['postHospitalNotice', finance],
      ['listHospitalNotices', reviewer],
      ['postPreSettlement', reviewer],
    ] as const) {
      const response = await call(name, token);
      expect([name, response.status, response.body.error?.code]).toEqual([name, 403, 'FORBIDDEN']);
      expect(response.body.error.message).toContain('needs a token with the scope');
    }
    expect((await call('listHospitals', hospital)).body.reached).toBe('listHospitals');
    expect((await call('listHospitals', reviewer)).body.reached).toBe('listHospitals');
  });

  it('lets a token through exactly where its role kind is among the route operation roles, on every route', async () => {
    const tokens = Object.fromEntries(await Promise.all(roles.map(async (role) => [role, await tokenFor(role)] as const)));
    for (const { name, trigger } of httpFunctions) {
      if (!trigger.authenticated) continue;
      const accepted = requiredScopes(operations[name]!.roles);
      expect(accepted.length, name).toBeGreaterThan(0);
      for (const role of roles) {
        const response = await call(name, tokens[role]);
        const passes = accepted.includes(auth.scopes[scopeKindOf(role)]);
        expect([name, role, response.status], JSON.stringify(response.body)).toEqual([name, role, passes ? 200 : 403]);
        if (passes) expect(response.body).toEqual({ reached: name, scopes: [auth.scopes[scopeKindOf(role)]] });
      }
    }
  });

  it('checks the scope, not the role: a role its route allows is refused with the other kind of scope, or none', async () => {
    // The handler would accept these roles; only the scope keeps the token out.
    const financeWithHospitalScope = await tokenFor('finance', auth.scopes.hospital);
    const hospitalWithStaffScope = await tokenFor('hospital', auth.scopes.staff);
    const reviewerWithoutScope = await tokenFor('reviewer', ''); // as an ID token: no scope claim
    expect((await call('createPayoutBatch', financeWithHospitalScope)).status).toBe(403);
    expect((await call('postHospitalNotice', hospitalWithStaffScope)).status).toBe(403);
    expect((await call('searchRecipients', reviewerWithoutScope)).status).toBe(403);
    // One matching scope among several is enough, as API Gateway's authorizationScopes.
    expect((await call('createPayoutBatch', await tokenFor('finance', `openid ${auth.scopes.staff}`))).body.reached).toBe('createPayoutBatch');
  });

  it('answers 401 without a valid token, and serves public routes without one', async () => {
    const response = await call('approvePayoutBatch');
    expect([response.status, response.body.error.code]).toEqual([401, 'UNAUTHENTICATED']);
    const expired = await keys.sign({ role: 'finance', sub: 'f', expiresIn: '-1m' });
    expect((await call('approvePayoutBatch', expired)).status).toBe(401);
    expect(await call('health')).toEqual({ status: 200, body: { reached: 'health', scopes: null } });
  });
});
