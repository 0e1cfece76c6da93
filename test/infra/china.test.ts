// Where a civil-affairs bureau's data must live (PIPL art. 36): the stack synthesized for
// Ningxia (cn-northwest-1, partition aws-cn) with an OIDC provider instead of Cognito, using
// only what AWS offers there. Sources ("Getting Started with Amazon Web Services in China",
// docs.amazonaws.cn/en_us/aws/latest/userguide/, service pages read 2026-11-29):
//   - API Gateway: offered; Cognito authorizers not (REST); unauthenticated routes (and Lambda
//     authorizers) need the account's ICP filing. HTTP API JWT authorizers are not listed as a difference.
//   - Lambda: offered; "X-Ray integration with Lambda functions is not available"; async
//     invocation metrics, ESM metrics and S3 destinations are not available.
//   - AWS Backup, DynamoDB, S3, SQS, SNS, CloudWatch (alarms, dashboards, Logs metric filters),
//     EventBridge rules on the default bus, IAM: offered.
//   - Cognito user pools: not offered.
import { beforeAll, afterAll, describe, expect, it } from 'vitest';
import { auth, functions, type FunctionName, type FunctionSpec } from '../../shared/topology.ts';
import { routeScopes } from '../../infra/stack.ts';
import { parseSettings } from '../../infra/settings.ts';
import { allStatements, buildStack, loadSettings, settingsFiles, templateFindings, type Resource } from './support.ts';

const settings = loadSettings(settingsFiles.ningxiaKeycloak);
const built = buildStack(undefined, settings, undefined, { templateValidation: true });
let synthError: unknown;
let assemblyDirectory = '';
beforeAll(() => {
  try {
    assemblyDirectory = built.app.synth().directory;
  } catch (error) {
    synthError = error;
  }
  built.template();
});
afterAll(() => built.cleanup());

const template = () => built.template().toJSON() as { Resources: Record<string, Resource> };
const identity = settings.identity as Extract<typeof settings.identity, { provider: 'oidc' }>;

/** Resource types the template may use in aws-cn, each offered there per the pages above. */
const offeredInChina = new Set([
  'AWS::ApiGatewayV2::Api',
  'AWS::ApiGatewayV2::Authorizer',
  'AWS::ApiGatewayV2::Integration',
  'AWS::ApiGatewayV2::Route',
  'AWS::ApiGatewayV2::Stage',
  'AWS::Backup::BackupPlan',
  'AWS::Backup::BackupSelection',
  'AWS::Backup::BackupVault',
  'AWS::CloudFormation::Stack',
  'AWS::CloudWatch::Alarm',
  'AWS::CloudWatch::Dashboard',
  'AWS::DynamoDB::Table',
  'AWS::Events::Rule',
  'AWS::IAM::Policy',
  'AWS::IAM::Role',
  'AWS::Lambda::EventInvokeConfig',
  'AWS::Lambda::EventSourceMapping',
  'AWS::Lambda::Function',
  'AWS::Lambda::Permission',
  'AWS::Logs::LogGroup',
  'AWS::Logs::MetricFilter',
  'AWS::S3::Bucket',
  'AWS::S3::BucketPolicy',
  'AWS::SNS::Subscription',
  'AWS::SNS::Topic',
  'AWS::SNS::TopicPolicy',
  'AWS::SQS::Queue',
  'AWS::SQS::QueuePolicy',
  // The hospitals seed: a Lambda-backed custom resource calling DynamoDB.
  'Custom::AWS',
]);

describe('synthesized for cn-northwest-1 (aws-cn) with an OIDC provider', () => {
  it('passes cdk-nag', () => {
    expect(synthError).toBeUndefined();
  });

  it("passes CloudFormation's own template rules", () => {
    expect(synthError).toBeUndefined();
    expect(templateFindings(assemblyDirectory)).toEqual([]);
  });

  it('is in the region and partition the settings name', () => {
    expect(built.stack.region).toBe('cn-northwest-1');
    // Every ARN takes its partition from the AWS::Partition pseudo parameter (aws-cn there), never a literal "aws".
    const text = JSON.stringify(template());
    expect(text).toContain('{"Ref":"AWS::Partition"}');
    expect(text).not.toMatch(/arn:aws:/);
  });

  it('uses only resource types offered in the China regions, and no Cognito', () => {
    const types = new Set(Object.values(template().Resources).map((r) => r.Type));
    for (const type of types) expect(offeredInChina, type).toContain(type);
    expect([...types].some((t) => t.startsWith('AWS::Cognito::'))).toBe(false);
    expect(built.stack.userPool).toBeUndefined();
  });

  it('turns X-Ray off (no Lambda integration there), so only dynamodb:ListStreams (stream readers) needs Resource "*"', () => {
    for (const [id, resource] of Object.entries(template().Resources)) {
      if (resource.Type === 'AWS::Lambda::Function') expect(resource.Properties!.TracingConfig, id).toBeUndefined();
    }
    expect(JSON.stringify(template())).not.toContain('xray:');
    for (const { policy, statement } of allStatements(built.template())) {
      if ([statement.Resource].flat().includes('*')) expect([statement.Action].flat(), policy).toEqual(['dynamodb:ListStreams']);
    }
  });

  it('trusts the configured issuer and audience', () => {
    const [authorizer] = Object.values(template().Resources).filter((r) => r.Type === 'AWS::ApiGatewayV2::Authorizer');
    expect(authorizer!.Properties).toMatchObject({
      AuthorizerType: 'JWT',
      JwtConfiguration: { Issuer: identity.issuer, Audience: identity.audience },
    });
  });

  it('requires the configured scopes on each route and tells the functions which claims to read', () => {
    const httpFns = (Object.entries(functions) as Array<[FunctionName, FunctionSpec]>).filter(
      ([, spec]) => spec.trigger.type === 'http',
    );
    for (const [name, { trigger }] of httpFns) {
      if (trigger.type !== 'http') continue;
      const route = Object.values(template().Resources).find(
        (r) => r.Type === 'AWS::ApiGatewayV2::Route' && r.Properties!.RouteKey === `${trigger.method} ${trigger.path}`,
      )!;
      const expected = trigger.authenticated ? routeScopes(name, identity.scopes) : [];
      expect(route.Properties!.AuthorizationScopes ?? [], name).toEqual(expected);
      const fn = template().Resources[built.logicalId(built.stack.functions[name])]!;
      expect((fn.Properties!.Environment as { Variables: Record<string, unknown> }).Variables).toMatchObject({
        [auth.claimEnv.roles]: identity.claims.roles,
        [auth.claimEnv.hospital]: identity.claims.hospital,
        [auth.claimEnv.township]: identity.claims.township,
      });
    }
  });
});

describe('deployment settings', () => {
  const valid = () => structuredClone(settings) as Record<string, unknown>;

  it('refuse Cognito where the partition has no user pools', () => {
    const input = {
      ...valid(),
      identity: { provider: 'cognito', domainPrefix: 'x', staffCallbackUrls: ['https://a.cn/'], staffLogoutUrls: ['https://a.cn/'] },
    };
    expect(() => parseSettings(input)).toThrow(/Cognito user pools are not offered in aws-cn/);
  });

  it('refuse a region outside the stated partition', () => {
    expect(() => parseSettings({ ...valid(), region: 'ap-southeast-1' })).toThrow(/ap-southeast-1 is in partition aws, not aws-cn/);
  });

  it('name the field at fault', () => {
    const input = valid();
    (input.identity as Record<string, unknown>).issuer = 'http://sso.example.gov.cn';
    expect(() => parseSettings(input)).toThrow(/identity\.issuer: the issuer must be an https URL/);
  });
});
