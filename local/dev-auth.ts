// The local stand-in for the identity provider: a dev key pair kept in the git-ignored data folder,
// access tokens signed with it (the role's scope in `scope`, as a deployed provider issues them),
// and verification as API Gateway's JWT authorizer does it (signature, issuer, audience, expiry;
// route scopes: local/http-api.ts). A deployed API trusts only its provider, never this key.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT, exportJWK, generateKeyPair, importJWK, jwtVerify, type JWK, type JWTPayload } from 'jose';
import { auth, scopeKindOf, type Role } from '../shared/topology.ts';

const algorithm = 'RS256';

export interface DevKeys {
  /**
   * A token for `role`; its `scope` claim is the role's scope (auth.scopes) unless `scope` says
   * otherwise (a space-separated list; '' for none, as an ID token has).
   */
  sign(claims: { role: Role; sub: string; hospitalId?: string; township?: string; expiresIn?: string; scope?: string }): Promise<string>;
  verify(token: string): Promise<JWTPayload>;
}

export async function devKeys(dataDir: string): Promise<DevKeys> {
  const file = join(dataDir, 'dev-jwt-keys.json');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    const pair = await generateKeyPair(algorithm, { extractable: true });
    const keys = { privateJwk: await exportJWK(pair.privateKey), publicJwk: await exportJWK(pair.publicKey) };
    writeFileSync(file, JSON.stringify(keys), { mode: 0o600 });
  }
  const stored = JSON.parse(readFileSync(file, 'utf8')) as { privateJwk: JWK; publicJwk: JWK };
  const privateKey = await importJWK(stored.privateJwk, algorithm);
  const publicKey = await importJWK(stored.publicJwk, algorithm);
  return {
    sign: ({ role, sub, hospitalId, township, expiresIn = '8h', scope = auth.scopes[scopeKindOf(role)] }) =>
      new SignJWT({
        [auth.groupsClaim]: [role],
        ...(hospitalId && { [auth.hospitalClaim]: hospitalId }),
        ...(township && { [auth.townshipClaim]: township }),
        ...(scope && { scope }),
        token_use: 'access',
      })
        .setProtectedHeader({ alg: algorithm, kid: 'tuodi-dev' })
        .setSubject(sub)
        .setIssuer(auth.localIssuer)
        .setAudience(auth.localAudience)
        .setIssuedAt()
        .setExpirationTime(expiresIn)
        .sign(privateKey),
    verify: async (token) =>
      (
        await jwtVerify(token, publicKey, {
          issuer: auth.localIssuer,
          audience: auth.localAudience,
          algorithms: [algorithm],
        })
      ).payload,
  };
}

/** API Gateway hands claims to the function as strings, arrays flattened to "[a b]". */
export function claimsAsApiGatewayPassesThem(payload: JWTPayload): Record<string, string> {
  return Object.fromEntries(
    Object.entries(payload).map(([k, v]) => [k, Array.isArray(v) ? `[${v.join(' ')}]` : String(v)]),
  );
}

/**
 * The scopes a token carries, read as API Gateway's JWT authorizer reads them: the `scope` claim
 * (space-separated) or `scp` (a list or a space-separated string).
 */
export function tokenScopes(payload: JWTPayload): string[] {
  const claim = payload.scope ?? payload.scp;
  const values = Array.isArray(claim) ? claim.map(String) : typeof claim === 'string' ? claim.split(' ') : [];
  return values.filter(Boolean);
}
