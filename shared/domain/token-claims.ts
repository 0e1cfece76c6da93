// What the Cognito pre-token-generation trigger (functions/token-claims) writes into an access
// token, so the HTTP edge (shared/http/route.ts, actorOf) reads a hospital the same way whoever
// holds the token: a hospital's system (client-credentials grant) or a clerk at a hospital
// without a system, signed in to the console (a user of the `hospital` group).
//
// - A hospital's machine client is allowed exactly one scope `tuodi-api/hospital:<hospitalId>`
//   (Cognito grants a client only the scopes it is allowed): its hospital is read from the scope.
// - A clerk's hospital is the user's `custom:hospital_id`, an immutable attribute an
//   administrator sets when creating the user (AdminCreateUser); no app client may write it.
// - The console's one app client may ask for both route scopes; each user keeps only the scope
//   of their kind (a clerk `hospital`, staff `staff`), so a clerk's token cannot pass a staff
//   route's authorizer, nor a staff token a hospital route's.
// Every doubt refuses the token (TokenRefusedError: Cognito then refuses the sign-in) rather than
// issue one that names no hospital, a hospital not designated, or two kinds of caller.
import { auth, roles, type Role } from '../topology.ts';

/** Identifier of the user pool's resource server (the HTTP API). */
export const resourceServerIdentifier = auth.localAudience;
export const hospitalGroup: Role = 'hospital';
/** The user attribute (Cognito prefixes custom attributes with `custom:`) naming a clerk's hospital. */
export const hospitalIdAttributeName = auth.hospitalClaim;
export const hospitalIdAttribute = `custom:${hospitalIdAttributeName}`;
/** The trigger's environment variable: the designated hospitals' ids, comma-separated (data/hospitals.json). */
export const designatedHospitalsEnv = 'DESIGNATED_HOSPITALS';

const hospitalScopePrefix = 'hospital:';

/** Scope name (without the resource server prefix) a hospital's machine client is allowed. */
export const hospitalScopeName = (hospitalId: string): string => `${hospitalScopePrefix}${hospitalId}`;

export class TokenRefusedError extends Error {}

/** What the trigger reads of Cognito's V2/V3 event. */
export interface TokenRequest {
  /** `TokenGeneration_ClientCredentials` for a machine token; any other source is a user's sign-in or refresh. */
  triggerSource: string;
  /** The scopes Cognito is about to grant (V2/V3 events carry them). */
  scopes?: readonly string[];
  /** The user's groups (empty for a machine token). */
  groups: readonly string[];
  /** The user's attributes (empty for a machine token). */
  userAttributes: Readonly<Record<string, string>>;
}

/** The access token's changes (`claimsAndScopeOverrideDetails` of the V2/V3 response). */
export interface TokenOverrides {
  accessTokenGeneration: { claimsToAddOrOverride?: Record<string, string>; scopesToSuppress?: string[] };
  /** The `cognito:groups` claim as it is to be issued (Cognito replaces the groups with it). */
  groupOverrideDetails: { groupsToOverride: string[] };
}

export function hospitalIdFromScopes(scopes: readonly string[] | undefined): string {
  const prefix = `${resourceServerIdentifier}/${hospitalScopePrefix}`;
  const ids = (scopes ?? []).filter((s) => s.startsWith(prefix)).map((s) => s.slice(prefix.length));
  if (ids.length !== 1 || !ids[0]) {
    throw new TokenRefusedError(`expected exactly one hospital scope, got ${ids.length}`);
  }
  return ids[0];
}

function designated(hospitalId: string, designatedHospitals: ReadonlySet<string>): string {
  if (!designatedHospitals.has(hospitalId)) throw new TokenRefusedError(`hospital ${hospitalId} is not a designated hospital`);
  return hospitalId;
}

/**
 * The access token's claims, scopes and groups for one token request. `designatedHospitals`: the
 * ids of data/hospitals.json. Throws TokenRefusedError: a machine token without exactly one
 * hospital scope; a clerk without `custom:hospital_id`, with one not designated, or also in a
 * staff group; any hospital not designated.
 */
export function tokenOverrides(request: TokenRequest, designatedHospitals: ReadonlySet<string>): TokenOverrides {
  const hospitalClaim = (hospitalId: string) => ({ [auth.hospitalClaim]: designated(hospitalId, designatedHospitals) });
  if (request.triggerSource === 'TokenGeneration_ClientCredentials') {
    return {
      accessTokenGeneration: { claimsToAddOrOverride: hospitalClaim(hospitalIdFromScopes(request.scopes)) },
      groupOverrideDetails: { groupsToOverride: [hospitalGroup] },
    };
  }

  const groups = [...request.groups];
  // Route scopes a user of the other kind must not keep (and any machine client's hospital scope).
  const otherKinds = (kept: string) =>
    (request.scopes ?? [auth.scopes.hospital, auth.scopes.staff]).filter(
      (s) => s !== kept && (s === auth.scopes.hospital || s === auth.scopes.staff || s.startsWith(`${resourceServerIdentifier}/${hospitalScopePrefix}`)),
    );
  if (!groups.includes(hospitalGroup)) {
    // Staff: groups as the pool has them; whatever custom:hospital_id says is not read.
    return { accessTokenGeneration: { scopesToSuppress: otherKinds(auth.scopes.staff) }, groupOverrideDetails: { groupsToOverride: groups } };
  }
  const staffGroups = groups.filter((g) => g !== hospitalGroup && (roles as readonly string[]).includes(g));
  if (staffGroups.length > 0) {
    throw new TokenRefusedError(`a hospital clerk may not also be in a staff group (${staffGroups.join(', ')})`);
  }
  const hospitalId = request.userAttributes[hospitalIdAttribute]?.trim();
  if (!hospitalId) throw new TokenRefusedError(`a user of the hospital group has no ${hospitalIdAttribute}`);
  return {
    accessTokenGeneration: { claimsToAddOrOverride: hospitalClaim(hospitalId), scopesToSuppress: otherKinds(auth.scopes.hospital) },
    groupOverrideDetails: { groupsToOverride: groups },
  };
}

/** The designated hospitals' ids from the trigger's environment value. */
export const designatedHospitalsFrom = (value: string | undefined): Set<string> =>
  new Set((value ?? '').split(',').map((id) => id.trim()).filter(Boolean));
