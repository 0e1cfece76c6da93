// The token trigger's rules (shared/domain/token-claims.ts) and its thin handler: a hospital clerk
// signed in to the console and a hospital's system hold tokens the HTTP edge reads alike (role
// hospital, the same hospital_id); a clerk's token passes no staff route, a staff token no
// hospital route; every doubt refuses the token.
import type { Context } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { httpRoute } from '../../shared/http/route.ts';
import { authorizedEvent } from '../support/http-event.ts';
import { auth, requiredScopes, type Role } from '../../shared/topology.ts';
import {
  designatedHospitalsEnv,
  designatedHospitalsFrom,
  hospitalGroup,
  hospitalIdAttribute,
  hospitalScopeName,
  resourceServerIdentifier,
  tokenOverrides,
  TokenRefusedError,
  type TokenRequest,
} from '../../shared/domain/token-claims.ts';
import type { PreTokenGenerationV3Event } from '../../functions/token-claims/handler.ts';

const designated = designatedHospitalsFrom('H-YZ-PEOPLES, H-YZ-TCM');
const machineScope = (hospitalId: string) => `${resourceServerIdentifier}/${hospitalScopeName(hospitalId)}`;
/** What the console asks for (console/src/identity-provider.ts's default). */
const consoleScopes = ['openid', auth.scopes.staff, auth.scopes.hospital];

const machine = (scopes: string[]): TokenRequest => ({
  triggerSource: 'TokenGeneration_ClientCredentials',
  scopes: [auth.scopes.hospital, ...scopes],
  groups: [],
  userAttributes: {},
});
const user = (groups: string[], userAttributes: Record<string, string> = {}, triggerSource = 'TokenGeneration_HostedAuth'): TokenRequest => ({
  triggerSource,
  scopes: consoleScopes,
  groups,
  userAttributes: { sub: 'u-1', email: 'clerk@example.cn', ...userAttributes },
});

/** The access token Cognito would issue for a request, given the trigger's overrides: the claims and scopes the authorizer and actorOf read. */
function issued(request: TokenRequest, sub: string) {
  const overrides = tokenOverrides(request, designated);
  const suppressed = new Set(overrides.accessTokenGeneration.scopesToSuppress ?? []);
  return {
    scopes: (request.scopes ?? []).filter((s) => !suppressed.has(s)),
    claims: {
      sub,
      [auth.groupsClaim]: `[${overrides.groupOverrideDetails.groupsToOverride.join(' ')}]`,
      ...overrides.accessTokenGeneration.claimsToAddOrOverride,
    },
  };
}

/** Calls a route allowing `roles` with a token as API Gateway's JWT authorizer would: refused (403) when no scope matches. */
async function callAs(token: ReturnType<typeof issued>, roles: Role[]) {
  if (!requiredScopes(roles).some((s) => token.scopes.includes(s))) return { status: 403, body: 'authorizer: insufficient scope' };
  const route = httpRoute({
    roles,
    handle: async ({ actor }) => ({ status: 200, body: actor }),
  });
  const event = authorizedEvent({ claims: token.claims, scopes: token.scopes });
  const result = await route(event, {} as Context);
  return { status: result.statusCode, body: JSON.parse(result.body!) as unknown };
}

describe('token claims: a hospital clerk and a hospital system', () => {
  it('gives a clerk the hospital_id of their attribute, the hospital scope only, and their group', () => {
    expect(tokenOverrides(user([hospitalGroup], { [hospitalIdAttribute]: 'H-YZ-TCM' }), designated)).toEqual({
      accessTokenGeneration: { claimsToAddOrOverride: { [auth.hospitalClaim]: 'H-YZ-TCM' }, scopesToSuppress: [auth.scopes.staff] },
      groupOverrideDetails: { groupsToOverride: [hospitalGroup] },
    });
  });

  it('reads a clerk at the hospital desk as the API reads that hospital’s system', async () => {
    const clerk = issued(user([hospitalGroup], { [hospitalIdAttribute]: 'H-YZ-TCM' }), 'clerk-sub');
    const system = issued(machine([machineScope('H-YZ-TCM')]), 'client-id');
    expect(clerk.scopes).toContain(auth.scopes.hospital);
    expect(await callAs(clerk, ['hospital'])).toEqual({ status: 200, body: { sub: 'clerk-sub', role: 'hospital', hospitalId: 'H-YZ-TCM' } });
    expect(await callAs(system, ['hospital'])).toEqual({ status: 200, body: { sub: 'client-id', role: 'hospital', hospitalId: 'H-YZ-TCM' } });
    // The same on a refresh: the trigger runs for every token Cognito issues.
    const refreshed = issued(user([hospitalGroup], { [hospitalIdAttribute]: 'H-YZ-TCM' }, 'TokenGeneration_RefreshTokens'), 'clerk-sub');
    expect(refreshed).toEqual(clerk);
  });

  it('keeps a clerk off staff routes: no staff scope at the authorizer, and no staff role at the edge', async () => {
    const clerk = issued(user([hospitalGroup], { [hospitalIdAttribute]: 'H-YZ-TCM' }), 'clerk-sub');
    expect(clerk.scopes).not.toContain(auth.scopes.staff);
    expect(await callAs(clerk, ['finance'])).toEqual({ status: 403, body: 'authorizer: insufficient scope' });
    // Were the scope there (the trigger detached), the edge still refuses: the group is not a staff role.
    const unsuppressed = { ...clerk, scopes: consoleScopes };
    expect(await callAs(unsuppressed, ['finance'])).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
  });

  it('keeps staff off hospital routes and never reads custom:hospital_id for them', async () => {
    const overrides = tokenOverrides(user(['finance'], { [hospitalIdAttribute]: 'H-YZ-TCM' }), designated);
    expect(overrides.accessTokenGeneration).toEqual({ scopesToSuppress: [auth.scopes.hospital] });
    const staff = issued(user(['finance'], { [hospitalIdAttribute]: 'H-YZ-TCM' }), 'finance-sub');
    expect(staff.claims).not.toHaveProperty(auth.hospitalClaim);
    expect(await callAs(staff, ['hospital'])).toEqual({ status: 403, body: 'authorizer: insufficient scope' });
    expect(await callAs(staff, ['finance'])).toEqual({ status: 200, body: { sub: 'finance-sub', role: 'finance' } });
  });

  it.each([
    ['a clerk without custom:hospital_id', user([hospitalGroup]), /has no custom:hospital_id/],
    ['a clerk with an empty custom:hospital_id', user([hospitalGroup], { [hospitalIdAttribute]: ' ' }), /has no custom:hospital_id/],
    ['a clerk of a hospital not designated', user([hospitalGroup], { [hospitalIdAttribute]: 'H-ELSEWHERE' }), /not a designated hospital/],
    ['a clerk also in a staff group', user([hospitalGroup, 'reviewer'], { [hospitalIdAttribute]: 'H-YZ-TCM' }), /staff group \(reviewer\)/],
    ['a machine token without a hospital scope', machine([]), /exactly one hospital scope, got 0/],
    ['a machine token with two hospital scopes', machine([machineScope('H-YZ-TCM'), machineScope('H-YZ-PEOPLES')]), /got 2/],
    ['a machine token of a hospital not designated', machine([machineScope('H-ELSEWHERE')]), /not a designated hospital/],
  ])('refuses %s', (_what, request, message) => {
    expect(() => tokenOverrides(request, designated)).toThrow(TokenRefusedError);
    expect(() => tokenOverrides(request, designated)).toThrow(message);
  });
});

describe('token claims handler', () => {
  let handler: (event: PreTokenGenerationV3Event) => Promise<PreTokenGenerationV3Event>;
  beforeAll(async () => {
    process.env[designatedHospitalsEnv] = 'H-YZ-PEOPLES,H-YZ-TCM';
    ({ handler } = await import('../../functions/token-claims/handler.ts'));
  });
  const event = (request: PreTokenGenerationV3Event['request'], triggerSource = 'TokenGeneration_HostedAuth'): PreTokenGenerationV3Event => ({
    version: '3',
    triggerSource,
    callerContext: { clientId: 'console-client' },
    request,
    response: { claimsAndScopeOverrideDetails: null },
  });

  it("writes a clerk's overrides from Cognito's event (groups from groupConfiguration)", async () => {
    const result = await handler(
      event({ scopes: consoleScopes, userAttributes: { [hospitalIdAttribute]: 'H-YZ-PEOPLES' }, groupConfiguration: { groupsToOverride: [hospitalGroup] } }),
    );
    expect(result.response.claimsAndScopeOverrideDetails).toEqual({
      accessTokenGeneration: { claimsToAddOrOverride: { [auth.hospitalClaim]: 'H-YZ-PEOPLES' }, scopesToSuppress: [auth.scopes.staff] },
      groupOverrideDetails: { groupsToOverride: [hospitalGroup] },
    });
  });

  it('fails the invocation for a refused token (Cognito then refuses the sign-in)', async () => {
    await expect(handler(event({ scopes: consoleScopes, groupConfiguration: { groupsToOverride: [hospitalGroup] } }))).rejects.toThrow(TokenRefusedError);
    await expect(handler(event({ scopes: [auth.scopes.hospital] }, 'TokenGeneration_ClientCredentials'))).rejects.toThrow(/exactly one hospital scope/);
  });
});
