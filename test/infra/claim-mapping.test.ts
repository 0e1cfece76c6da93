// The claim names a deployment's identity provider uses reach the HTTP edge through the
// environment the stack sets (AUTH_*_CLAIM): a Keycloak token with `tuodi_roles` and a
// hospital claim of another name is read as a Cognito token is.
import type { Context } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { httpRoute } from '../../shared/http/route.ts';
import { authorizedEvent } from '../support/http-event.ts';
import { auth } from '../../shared/topology.ts';

const route = httpRoute({
  roles: ['hospital', 'caseworker'],
  handle: async ({ actor }) => ({ status: 200, body: actor }),
});

function call(claims: Record<string, string>) {
  const event = authorizedEvent({ claims });
  return route(event, {} as Context).then((r) => ({ status: r.statusCode, body: JSON.parse(r.body!) }));
}

const keycloak = { roles: 'tuodi_roles', hospital: 'hospital_code', township: 'township' };
afterEach(() => {
  for (const name of Object.values(auth.claimEnv)) delete process.env[name];
});

describe('claim mapping', () => {
  it('reads Cognito names when no mapping is set', async () => {
    expect(await call({ sub: 'h', 'cognito:groups': '[hospital]', hospital_id: 'H-1' })).toEqual({
      status: 200,
      body: { sub: 'h', role: 'hospital', hospitalId: 'H-1' },
    });
  });

  it('reads the configured roles, hospital and township claims', async () => {
    process.env[auth.claimEnv.roles] = keycloak.roles;
    process.env[auth.claimEnv.hospital] = keycloak.hospital;
    process.env[auth.claimEnv.township] = keycloak.township;
    expect(await call({ sub: 'h', tuodi_roles: '[hospital offline_access]', hospital_code: 'H-2' })).toEqual({
      status: 200,
      body: { sub: 'h', role: 'hospital', hospitalId: 'H-2' },
    });
    expect(await call({ sub: 'c', tuodi_roles: '[caseworker]', township: '真州镇' })).toEqual({
      status: 200,
      body: { sub: 'c', role: 'caseworker', township: '真州镇' },
    });
  });

  it('ignores the Cognito claims once another provider is configured', async () => {
    process.env[auth.claimEnv.roles] = keycloak.roles;
    process.env[auth.claimEnv.hospital] = keycloak.hospital;
    const r = await call({ sub: 'h', 'cognito:groups': '[hospital]', hospital_id: 'H-1' });
    expect(r.status).toBe(403);
    const withRole = await call({ sub: 'h', tuodi_roles: '[hospital]', hospital_id: 'H-1' });
    expect(withRole.status).toBe(403);
    expect(withRole.body.error.message).toContain('hospital_code');
  });
});
