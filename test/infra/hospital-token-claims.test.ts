import { describe, expect, it } from 'vitest';
import { auth } from '../../shared/topology.ts';
import {
  handler,
  hospitalGroup,
  hospitalScopeName,
  resourceServerIdentifier,
  type PreTokenGenerationV3Event,
} from '../../infra/hospital-token-claims.ts';

const event = (triggerSource: string, scopes?: string[]): PreTokenGenerationV3Event => ({
  version: '3',
  triggerSource,
  callerContext: { clientId: 'client-1' },
  request: { scopes },
  response: { claimsAndScopeOverrideDetails: null },
});
const scope = (hospitalId: string) => `${resourceServerIdentifier}/${hospitalScopeName(hospitalId)}`;

describe('hospital token claims trigger', () => {
  it('gives a hospital machine token its hospital_id and the hospital group', async () => {
    const result = await handler(event('TokenGeneration_ClientCredentials', [scope('H-YZ-TCM')]));
    expect(result.response.claimsAndScopeOverrideDetails).toEqual({
      accessTokenGeneration: { claimsToAddOrOverride: { [auth.hospitalClaim]: 'H-YZ-TCM' } },
      groupOverrideDetails: { groupsToOverride: [hospitalGroup] },
    });
  });

  it.each([[[]], [['tuodi-api/other']], [[scope('H-A'), scope('H-B')]]])(
    'refuses a machine token without exactly one hospital scope: %j',
    async (scopes) => {
      await expect(handler(event('TokenGeneration_ClientCredentials', scopes))).rejects.toThrow(/exactly one hospital scope/);
    },
  );

  it('leaves staff tokens alone', async () => {
    const result = await handler(event('TokenGeneration_HostedAuth', ['openid']));
    expect(result.response.claimsAndScopeOverrideDetails).toBeNull();
  });
});
