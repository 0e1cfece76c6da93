// Cognito pre-token-generation trigger (event version 3): gives a designated hospital's
// machine token (client-credentials grant) the `hospital_id` claim and the `hospital` group.
//
// Which hospital a client acts for is configured on the client itself: each hospital's app
// client is allowed exactly one OAuth scope, `tuodi-api/hospital:<hospitalId>`, and Cognito
// only grants a client the scopes it is allowed. Reading the hospital from the granted scope
// needs no lookup table. (A client-id -> hospital-id map in an environment variable would
// form a CloudFormation cycle: user pool -> trigger -> client ids -> user pool.)
import { auth, type Role } from '../shared/topology.ts';

/** Identifier of the user pool's resource server (the HTTP API). */
export const resourceServerIdentifier = auth.localAudience;
export const hospitalGroup: Role = 'hospital';

const hospitalScopePrefix = 'hospital:';

/** Scope name (without the resource server prefix) a hospital's machine client is allowed. */
export const hospitalScopeName = (hospitalId: string): string => `${hospitalScopePrefix}${hospitalId}`;

// The V3 event, reduced to what this trigger reads and writes. @types/aws-lambda types V3 only
// for client credentials, but V3 also fires for user sign-ins and refreshes.
export interface PreTokenGenerationV3Event {
  version: string;
  triggerSource: string;
  callerContext: { clientId: string };
  request: { scopes?: string[] };
  response: {
    claimsAndScopeOverrideDetails?: {
      accessTokenGeneration?: { claimsToAddOrOverride?: Record<string, string> };
      groupOverrideDetails?: { groupsToOverride?: string[] };
    } | null;
  };
}

export function hospitalIdFromScopes(scopes: readonly string[] | undefined): string {
  const prefix = `${resourceServerIdentifier}/${hospitalScopePrefix}`;
  const ids = (scopes ?? []).filter((s) => s.startsWith(prefix)).map((s) => s.slice(prefix.length));
  // Fail closed: refusing the token beats issuing one that names no, or two, hospitals.
  if (ids.length !== 1 || !ids[0]) {
    throw new Error(`expected exactly one hospital scope, got ${ids.length}`);
  }
  return ids[0];
}

export const handler = async (event: PreTokenGenerationV3Event): Promise<PreTokenGenerationV3Event> => {
  // Staff tokens: group membership comes from the user pool as is.
  if (event.triggerSource !== 'TokenGeneration_ClientCredentials') return event;

  const hospitalId = hospitalIdFromScopes(event.request.scopes);
  event.response.claimsAndScopeOverrideDetails = {
    accessTokenGeneration: { claimsToAddOrOverride: { [auth.hospitalClaim]: hospitalId } },
    groupOverrideDetails: { groupsToOverride: [hospitalGroup] },
  };
  return event;
};
