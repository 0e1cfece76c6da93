// Deployment settings: where the stack goes (region, partition), whom its API trusts (Cognito
// or any OIDC provider, with the claim and scope names that provider uses), who is told when
// something fails, and how long bank files stay locked. Validated once, before any construct.
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import * as z from 'zod';
import { auth, tables, type TableName } from '../shared/topology.ts';

const claimsSchema = z.object({
  /** Claim holding the caller's roles (an array, or API Gateway's flattened "[a b]"), named as in the topology. */
  roles: z.string().min(1).default(auth.groupsClaim),
  /** Claim holding a hospital token's hospital id. */
  hospital: z.string().min(1).default(auth.hospitalClaim),
  /** Claim holding a staff member's township, where the provider states one. */
  township: z.string().min(1).default(auth.townshipClaim),
});

const scopesSchema = z.object({
  hospital: z.string().min(1).default(auth.scopes.hospital),
  staff: z.string().min(1).default(auth.scopes.staff),
});

const cognitoSchema = z.object({
  provider: z.literal('cognito'),
  /** Prefix of the hosted sign-in domain (`<prefix>.auth.<region>.amazoncognito.com`). */
  domainPrefix: z.string().regex(/^[a-z0-9-]{1,63}$/),
  staffCallbackUrls: z.array(z.url()).min(1),
  staffLogoutUrls: z.array(z.url()).min(1),
});

const oidcSchema = z.object({
  provider: z.literal('oidc'),
  /**
   * The `iss` of the provider's tokens. API Gateway reads `<issuer>/.well-known/openid-configuration`
   * and the `jwks_uri` named there to check signatures: the JWKS is found from the issuer, and
   * both must be reachable from API Gateway over the public internet.
   */
  issuer: z.url().refine((url) => url.startsWith('https://'), 'the issuer must be an https URL'),
  /** Accepted `aud` values (or `client_id` where the provider's access tokens carry no `aud`). */
  audience: z.array(z.string().min(1)).min(1),
  claims: claimsSchema.default(claimsSchema.parse({})),
  scopes: scopesSchema.default(scopesSchema.parse({})),
});

export const settingsSchema = z.object({
  /** Prefix of every table's name: `<stage>-<table>` (explicit names: a topology change cannot swap in an empty table). */
  stage: z.string().regex(/^[a-z][a-z0-9-]{1,30}$/),
  region: z.string().regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/),
  partition: z.enum(['aws', 'aws-cn']),
  /** @default the CDK CLI's account (CDK_DEFAULT_ACCOUNT) */
  account: z.string().regex(/^\d{12}$/).optional(),
  identity: z.discriminatedUnion('provider', [cognitoSchema, oidcSchema]),
  /** Who is told when an alarm fires (SNS subscriptions). */
  alarmSubscriptions: z
    .array(z.object({ protocol: z.enum(['email', 'sms', 'https']), endpoint: z.string().min(3) }))
    .default([]),
  /** Object Lock retention of bank files, in days. @default the topology's bankFiles retention */
  bankFileRetentionDays: z.number().int().min(1).max(36500).optional(),
  /** Countries (ISO 3166-1 alpha-2) that may reach the console's CloudFront distribution. */
  consoleCountries: z.array(z.string().regex(/^[A-Z]{2}$/)).min(1).default(['CN']),
  /**
   * DynamoDB warm throughput per table (units per second the table serves at once; a one-off
   * charge to raise): e.g. `{"payments": {"writeUnitsPerSecond": 40000}, "payoutClaims": {...}}`
   * before a province-sized batch (README "A province"). Tables not named keep what DynamoDB gives
   * a new on-demand table. Only raising it is possible once set.
   */
  warmThroughput: z
    .partialRecord(
      z.enum(Object.keys(tables) as [TableName, ...TableName[]]),
      z
        .object({ readUnitsPerSecond: z.number().int().min(1).optional(), writeUnitsPerSecond: z.number().int().min(1).optional() })
        .strict()
        .refine((w) => w.readUnitsPerSecond !== undefined || w.writeUnitsPerSecond !== undefined, 'give readUnitsPerSecond or writeUnitsPerSecond'),
    )
    .default({}),
  /** AWS Backup copies of the money tables, in days. */
  backup: z
    .object({ dailyRetentionDays: z.number().int().min(1), monthlyRetentionDays: z.number().int().min(1) })
    .default({ dailyRetentionDays: 35, monthlyRetentionDays: 3650 }),
});

export type DeploymentSettings = z.output<typeof settingsSchema>;

/**
 * Features the stack uses that not every partition offers. aws-cn (Beijing, Ningxia): no Cognito
 * user pools, and no X-Ray integration with Lambda functions ("Getting Started with Amazon Web
 * Services in China", Lambda and API Gateway pages, read 2026-11-29).
 */
export function partitionFeatures(partition: DeploymentSettings['partition']) {
  return {
    cognitoUserPools: partition === 'aws',
    lambdaXRay: partition === 'aws',
    // CloudFront in China serves only an ICP-filed domain of one's own: there the console is
    // hosted as README "Deployment in mainland China" says, not by this stack.
    consoleOnCloudFront: partition === 'aws',
  };
}

/** Validated settings; throws with the field at fault. */
export function parseSettings(input: unknown): DeploymentSettings {
  const result = settingsSchema.safeParse(input);
  if (!result.success) {
    const issues = result.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new Error(`deployment settings are invalid:\n  ${issues.join('\n  ')}`);
  }
  const settings = result.data;
  const partition = RegionInfo.get(settings.region).partition;
  if (partition !== settings.partition) {
    throw new Error(`deployment settings: region ${settings.region} is in partition ${partition ?? 'unknown'}, not ${settings.partition}`);
  }
  if (settings.identity.provider === 'cognito' && !partitionFeatures(settings.partition).cognitoUserPools) {
    throw new Error(
      `deployment settings: Cognito user pools are not offered in ${settings.partition} (${settings.region}); set identity.provider to "oidc"`,
    );
  }
  return settings;
}

/** Reads a settings file (JSON), relative to `root` unless absolute. */
export function readSettings(path: string, root: string): DeploymentSettings {
  const file = isAbsolute(path) ? path : join(root, path);
  return parseSettings(JSON.parse(readFileSync(file, 'utf8')));
}
