// Cognito pre-token-generation trigger (event version 3): a hospital's machine token and a hospital
// clerk's sign-in both get the `hospital_id` claim and the `hospital` group; each user keeps only
// the route scope of their kind. The rules: shared/domain/token-claims.ts. Not in the topology:
// the user pool calls it, not a route, queue or schedule (infra/stack.ts adds it).
import { designatedHospitalsEnv, designatedHospitalsFrom, tokenOverrides, type TokenOverrides } from '../../shared/domain/token-claims.ts';

// The V2/V3 event, reduced to what this trigger reads and writes. @types/aws-lambda types V3 only
// for client credentials, but V3 also fires for user sign-ins and refreshes.
export interface PreTokenGenerationV3Event {
  version: string;
  triggerSource: string;
  callerContext: { clientId: string };
  request: {
    scopes?: string[];
    userAttributes?: Record<string, string>;
    groupConfiguration?: { groupsToOverride?: string[] };
  };
  response: { claimsAndScopeOverrideDetails?: TokenOverrides | null };
}

const designatedHospitals = designatedHospitalsFrom(process.env[designatedHospitalsEnv]);

export const handler = async (event: PreTokenGenerationV3Event): Promise<PreTokenGenerationV3Event> => {
  // A TokenRefusedError propagates: Cognito refuses the token rather than issue a doubtful one.
  event.response.claimsAndScopeOverrideDetails = tokenOverrides(
    {
      triggerSource: event.triggerSource,
      ...(event.request.scopes && { scopes: event.request.scopes }),
      groups: event.request.groupConfiguration?.groupsToOverride ?? [],
      userAttributes: event.request.userAttributes ?? {},
    },
    designatedHospitals,
  );
  return event;
};
