// The console's sign-in through the identity provider: authorization code with PKCE (RFC 7636).
import { describe, expect, it } from 'vitest';
import {
  authorizeUrl,
  codeChallengeOf,
  defaultSignInScope,
  finishSignIn,
  newCodeVerifier,
  SignInError,
  startSignIn,
  tokenRequest,
  type SignInConfig,
} from '../../console/src/identity-provider.ts';
import { homeOf, sessionFromToken } from '../../console/src/session.ts';
import { auth } from '../../shared/topology.ts';

const config: SignInConfig = {
  base: 'https://tuodi-staff.auth.ap-east-1.amazoncognito.com',
  clientId: 'console-client',
  scope: 'openid tuodi-api/staff',
  redirectUri: 'https://console.example.cn/console/signed-in',
};

/** A token endpoint that records what it was sent. */
function tokenEndpoint(status = 200, body: unknown = { access_token: 'a.b.c', refresh_token: 'r', expires_in: 3600, token_type: 'Bearer' }) {
  const calls: Array<{ url: string; body: URLSearchParams; contentType: string | null }> = [];
  const fetchFn = (async (url: string, init: RequestInit) => {
    calls.push({ url, body: new URLSearchParams(String(init.body)), contentType: new Headers(init.headers).get('content-type') });
    return new Response(JSON.stringify(body), { status });
  }) as typeof fetch;
  return { calls, fetchFn };
}

describe('sign-in with PKCE', () => {
  it("computes the S256 challenge of RFC 7636's Appendix B example", async () => {
    expect(await codeChallengeOf('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe('E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM');
  });

  it('makes verifiers of 43 base64url characters, a new one each time', () => {
    const verifiers = new Set(Array.from({ length: 50 }, () => newCodeVerifier()));
    expect(verifiers.size).toBe(50);
    for (const v of verifiers) expect(v).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it("sends the browser to the provider's authorize endpoint with the challenge, never the verifier", async () => {
    const { pending, url } = await startSignIn(config, '/payouts');
    const sent = new URL(url);
    expect(`${sent.origin}${sent.pathname}`).toBe(`${config.base}/oauth2/authorize`);
    expect(Object.fromEntries(sent.searchParams)).toEqual({
      response_type: 'code',
      client_id: 'console-client',
      redirect_uri: config.redirectUri,
      scope: 'openid tuodi-api/staff',
      state: pending.state,
      code_challenge_method: 'S256',
      code_challenge: await codeChallengeOf(pending.verifier),
    });
    expect(url).not.toContain(pending.verifier);
    expect(pending.returnTo).toBe('/payouts');
    expect(authorizeUrl(config, 'c', 's')).toContain('code_challenge=c');
  });

  it('exchanges the code with its verifier at the token endpoint, form-encoded, with no client secret', async () => {
    const { pending } = await startSignIn(config, '/');
    const endpoint = tokenEndpoint();
    const tokens = await finishSignIn(config, new URLSearchParams({ code: 'the-code', state: pending.state }), pending, endpoint.fetchFn);
    expect(tokens.access_token).toBe('a.b.c');
    expect(endpoint.calls).toHaveLength(1);
    expect(endpoint.calls[0]!.url).toBe(`${config.base}/oauth2/token`);
    expect(endpoint.calls[0]!.contentType).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(endpoint.calls[0]!.body)).toEqual({
      grant_type: 'authorization_code',
      client_id: 'console-client',
      code: 'the-code',
      redirect_uri: config.redirectUri,
      code_verifier: pending.verifier,
    });
  });

  it('refuses a callback this browser did not start, and sends nothing', async () => {
    const { pending } = await startSignIn(config, '/');
    const endpoint = tokenEndpoint();
    for (const [callback, kept] of [
      [new URLSearchParams({ code: 'x', state: 'someone-elses' }), pending],
      [new URLSearchParams({ code: 'x', state: pending.state }), undefined],
      [new URLSearchParams({ state: pending.state }), pending],
    ] as const) {
      await expect(finishSignIn(config, callback, kept, endpoint.fetchFn)).rejects.toMatchObject({ reason: 'STATE_MISMATCH' });
    }
    expect(endpoint.calls).toHaveLength(0);
  });

  it("reports the provider's refusal and a failed token request as sign-in errors", async () => {
    const { pending } = await startSignIn(config, '/');
    const refused = new URLSearchParams({ error: 'access_denied', error_description: 'MFA failed', state: pending.state });
    await expect(finishSignIn(config, refused, pending, tokenEndpoint().fetchFn)).rejects.toMatchObject({ reason: 'PROVIDER_REFUSED' });
    const failing = tokenEndpoint(400, { error: 'invalid_grant' });
    const error = await finishSignIn(config, new URLSearchParams({ code: 'x', state: pending.state }), pending, failing.fetchFn).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SignInError);
    expect((error as SignInError).reason).toBe('TOKEN_REQUEST_FAILED');
  });

  it('renews with the refresh token (grant refresh_token) without leaving the page', () => {
    const { url, init } = tokenRequest(config, { refreshToken: 'r1' });
    expect(url).toBe(`${config.base}/oauth2/token`);
    expect(Object.fromEntries(new URLSearchParams(String(init.body)))).toEqual({ grant_type: 'refresh_token', client_id: 'console-client', refresh_token: 'r1' });
  });
});

describe('one sign-in for staff and hospital clerks', () => {
  /** An unsigned JWT with these claims, shaped as Cognito's access token (groups as an array). */
  const accessToken = (claims: Record<string, unknown>) =>
    ['e30', Buffer.from(JSON.stringify(claims)).toString('base64url'), 'sig'].join('.');

  it("asks for openid and both of the API's route scopes (the user pool keeps one a user)", () => {
    expect(defaultSignInScope.split(' ').sort()).toEqual(['openid', auth.scopes.hospital, auth.scopes.staff].sort());
  });

  it("reads a clerk's token as the hospital role at its hospital, landing on the desk", () => {
    const session = sessionFromToken(accessToken({ sub: 'clerk-1', 'cognito:groups': ['hospital'], hospital_id: 'H-YZ-TCM', exp: 2_000_000_000, scope: auth.scopes.hospital }));
    expect(session).toMatchObject({ role: 'hospital', hospitalId: 'H-YZ-TCM', sub: 'clerk-1' });
    expect(homeOf[session.role]).toBe('/hospital-desk');
  });

  it('takes the first group that is a console role, past the pool’s other groups', () => {
    expect(sessionFromToken(accessToken({ sub: 's', 'cognito:groups': ['us-east-1_x_Google', 'reviewer'], exp: 1 })).role).toBe('reviewer');
  });
});
