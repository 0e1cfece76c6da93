// Sign-in through the deployment's identity provider (the Cognito user pool's hosted UI, or any
// OAuth 2.0 server with the same endpoints): the authorization code flow with PKCE (RFC 7636),
// for a browser app that holds no client secret. Built in when the console is built with
// VITE_SIGN_IN_BASE and VITE_SIGN_IN_CLIENT_ID (README, "Releasing the console"); without them the
// console offers the local stack's dev sign-in instead.

/** Where and as whom the console signs in. `base`: the hosted UI's origin, e.g. https://tuodi.auth.ap-east-1.amazoncognito.com. */
export interface SignInConfig {
  base: string;
  clientId: string;
  /** Space-separated OAuth scopes: openid and the API's route scopes (defaultSignInScope). */
  scope: string;
  /** This console's callback page (registered on the app client). */
  redirectUri: string;
}

/** What a token endpoint answers (RFC 6749 §5.1); the console sends `access_token` to the API. */
export interface TokenResponse {
  access_token: string;
  refresh_token?: string;
  expires_in: number;
  token_type: string;
}

/**
 * What the console asks for: openid and both route scopes (shared/topology.ts, auth.scopes). One
 * app client serves staff and hospital clerks; the user pool's token trigger leaves each user the
 * scope of their kind (shared/domain/token-claims.ts), so the console need not know who signs in.
 */
export const defaultSignInScope = 'openid tuodi-api/staff tuodi-api/hospital';

/** The configuration built into this console, or undefined when it signs in with the local dev sign-in. */
export function builtInSignInConfig(origin: string): SignInConfig | undefined {
  const base = import.meta.env.VITE_SIGN_IN_BASE as string | undefined;
  const clientId = import.meta.env.VITE_SIGN_IN_CLIENT_ID as string | undefined;
  if (!base || !clientId) return undefined;
  return {
    base: base.replace(/\/+$/, ''),
    clientId,
    scope: (import.meta.env.VITE_SIGN_IN_SCOPE as string | undefined) ?? defaultSignInScope,
    redirectUri: `${origin}/console/signed-in`,
  };
}

function base64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** A code verifier: 32 random bytes, base64url (43 characters, within RFC 7636's 43–128). */
export function newCodeVerifier(): string {
  return base64Url(crypto.getRandomValues(new Uint8Array(32)));
}

/** The S256 code challenge of a verifier: base64url(SHA-256(verifier)) (RFC 7636 §4.2). */
export async function codeChallengeOf(verifier: string): Promise<string> {
  return base64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier))));
}

/** The authorize URL that starts a sign-in (RFC 6749 §4.1.1 with RFC 7636's challenge). */
export function authorizeUrl(config: SignInConfig, challenge: string, state: string): string {
  const url = new URL('/oauth2/authorize', config.base);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: config.clientId,
    redirect_uri: config.redirectUri,
    scope: config.scope,
    state,
    code_challenge_method: 'S256',
    code_challenge: challenge,
  }).toString();
  return url.toString();
}

/** The token request for a code (grant authorization_code) or a refresh token (grant refresh_token). */
export function tokenRequest(
  config: SignInConfig,
  grant: { code: string; verifier: string } | { refreshToken: string },
): { url: string; init: RequestInit } {
  const form: Record<string, string> =
    'code' in grant
      ? { grant_type: 'authorization_code', client_id: config.clientId, code: grant.code, redirect_uri: config.redirectUri, code_verifier: grant.verifier }
      : { grant_type: 'refresh_token', client_id: config.clientId, refresh_token: grant.refreshToken };
  return {
    url: new URL('/oauth2/token', config.base).toString(),
    init: { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() },
  };
}

/** Why a sign-in could not finish; the console shows it in Chinese. */
export class SignInError extends Error {
  constructor(readonly reason: 'STATE_MISMATCH' | 'PROVIDER_REFUSED' | 'TOKEN_REQUEST_FAILED', message: string) {
    super(message);
  }
}

/** What the console keeps between leaving for the sign-in page and coming back (sessionStorage). */
export interface PendingSignIn {
  state: string;
  verifier: string;
  /** The console path to return to after signing in. */
  returnTo: string;
}

/** Starts a sign-in: the pending state to keep, and the URL to send the browser to. */
export async function startSignIn(config: SignInConfig, returnTo: string): Promise<{ pending: PendingSignIn; url: string }> {
  const verifier = newCodeVerifier();
  const state = newCodeVerifier();
  return { pending: { state, verifier, returnTo }, url: authorizeUrl(config, await codeChallengeOf(verifier), state) };
}

/**
 * Finishes a sign-in on the callback page: checks the state against the pending one (a callback
 * this browser did not start is refused), then exchanges the code. Throws SignInError.
 */
export async function finishSignIn(
  config: SignInConfig,
  callback: URLSearchParams,
  pending: PendingSignIn | undefined,
  fetchFn: typeof fetch = fetch,
): Promise<TokenResponse> {
  if (callback.get('error')) throw new SignInError('PROVIDER_REFUSED', callback.get('error_description') ?? callback.get('error')!);
  const code = callback.get('code');
  if (!pending || !code || callback.get('state') !== pending.state) {
    throw new SignInError('STATE_MISMATCH', 'the callback does not answer a sign-in this browser started');
  }
  return requestTokens(config, { code, verifier: pending.verifier }, fetchFn);
}

/** Exchanges a code or a refresh token for tokens. Throws SignInError TOKEN_REQUEST_FAILED. */
export async function requestTokens(
  config: SignInConfig,
  grant: { code: string; verifier: string } | { refreshToken: string },
  fetchFn: typeof fetch = fetch,
): Promise<TokenResponse> {
  const { url, init } = tokenRequest(config, grant);
  const response = await fetchFn(url, init);
  if (!response.ok) throw new SignInError('TOKEN_REQUEST_FAILED', `the token endpoint answered ${response.status}`);
  const tokens = (await response.json()) as TokenResponse;
  if (typeof tokens.access_token !== 'string') throw new SignInError('TOKEN_REQUEST_FAILED', 'the token endpoint sent no access token');
  return tokens;
}
