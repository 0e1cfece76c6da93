// The synthesized template against shared/topology.ts: every expectation is derived from the
// topology (and data/hospitals.json), so a change on either side that the other misses fails here.
import { join } from 'node:path';
import { Match } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { afterAll, describe, expect, it } from 'vitest';
import {
  bucketEnv,
  buckets,
  functions,
  queueEnv,
  queues,
  roles,
  secretEnv,
  secrets,
  tableEnv,
  tables,
  visibilityTimeoutSeconds,
  type BucketName,
  type FunctionName,
  type FunctionSpec,
  type QueueName,
  type SecretName,
  type TableName,
  type TableSpec,
} from '../../shared/topology.ts';
import { lambdaRuntime, projectRoot, readHospitals, serviceName } from '../../infra/stack.ts';
import { hospitalScopeName, resourceServerIdentifier } from '../../infra/hospital-token-claims.ts';
import { actionsOn, buildStack, type Resource } from './support.ts';

const fnEntries = Object.entries(functions) as Array<[FunctionName, FunctionSpec]>;
const httpFns = fnEntries.flatMap(([name, spec]) => (spec.trigger.type === 'http' ? [{ name, trigger: spec.trigger }] : []));
const queueFns = fnEntries.flatMap(([name, spec]) => (spec.trigger.type === 'queue' ? [{ name, trigger: spec.trigger }] : []));
const scheduleFns = fnEntries.flatMap(([name, spec]) =>
  spec.trigger.type === 'schedule' ? [{ name, trigger: spec.trigger }] : [],
);
const queueNames = Object.keys(queues) as QueueName[];
const tableEntries = Object.entries(tables) as Array<[TableName, TableSpec]>;
const bucketNames = Object.keys(buckets) as BucketName[];
const hospitals = readHospitals(join(projectRoot, 'data/hospitals.json'));

const built = buildStack();
const { app, stack, logicalId } = built;
const template = () => built.template();
afterAll(() => built.cleanup());

const resourcesOf = (type: string, props?: object) =>
  template().findResources(type, props ? { Properties: props } : undefined) as Record<string, Resource>;

describe('cdk-nag', () => {
  it('passes AwsSolutions checks (unacknowledged findings make synth throw)', () => {
    expect(() => app.synth()).not.toThrow();
  });

  it('is live: a bucket without access logs added to the stack fails synth', () => {
    const careless = buildStack((s) => new s3.Bucket(s, 'Careless'));
    try {
      expect(() => careless.app.synth()).toThrow(/AwsSolutions-S1/);
    } finally {
      careless.cleanup();
    }
  });
});

describe('HTTP API', () => {
  const authorizerId = () => Object.keys(resourcesOf('AWS::ApiGatewayV2::Authorizer'))[0];

  it('has exactly one route per http trigger', () => {
    expect(Object.keys(resourcesOf('AWS::ApiGatewayV2::Route'))).toHaveLength(httpFns.length);
  });

  it.each(httpFns)('routes $trigger.method $trigger.path to $name', ({ name, trigger }) => {
    const routes = resourcesOf('AWS::ApiGatewayV2::Route', { RouteKey: `${trigger.method} ${trigger.path}` });
    const [route] = Object.values(routes);
    expect(route, 'route').toBeDefined();
    const props = route!.Properties!;
    if (trigger.authenticated) {
      expect(props.AuthorizationType).toBe('JWT');
      expect(props.AuthorizerId).toEqual({ Ref: authorizerId() });
    } else {
      expect(props.AuthorizationType).toBe('NONE');
      expect(props.AuthorizerId).toBeUndefined();
    }
    // Route -> integration -> the function the topology names.
    const integrationId = JSON.stringify(props.Target).match(/"Ref":"([^"]+)"/)?.[1];
    const integration = template().toJSON().Resources[integrationId!] as Resource;
    expect(integration.Properties?.IntegrationUri).toEqual({ 'Fn::GetAtt': [logicalId(stack.functions[name]), 'Arn'] });
  });

  it('authorizes Cognito JWTs for the staff client and every hospital client', () => {
    const [authorizer] = Object.values(resourcesOf('AWS::ApiGatewayV2::Authorizer'));
    const config = authorizer!.Properties!.JwtConfiguration as { Audience: unknown[]; Issuer: unknown };
    expect(authorizer!.Properties!.AuthorizerType).toBe('JWT');
    expect(config.Audience).toHaveLength(1 + hospitals.length);
    expect(JSON.stringify(config.Issuer)).toContain(logicalId(stack.userPool));
  });

  it('logs access as JSON and throttles by default', () => {
    template().hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('^\\{.*requestId') },
      DefaultRouteSettings: { ThrottlingBurstLimit: Match.anyValue(), ThrottlingRateLimit: Match.anyValue() },
    });
  });
});

describe('queues', () => {
  it('has a queue and a dead-letter queue per topology queue', () => {
    expect(Object.keys(resourcesOf('AWS::SQS::Queue'))).toHaveLength(2 * queueNames.length);
  });

  it.each(queueNames)('%s redrives to its DLQ with the spec maxReceiveCount and visibility timeout', (name) => {
    const dlqId = logicalId(stack.deadLetterQueues[name]);
    template().hasResource('AWS::SQS::Queue', {
      Properties: {
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlqId, 'Arn'] }, maxReceiveCount: queues[name].maxReceiveCount },
        VisibilityTimeout: visibilityTimeoutSeconds(name),
        SqsManagedSseEnabled: true,
      },
    });
    const dlq = template().toJSON().Resources[dlqId] as Resource;
    expect(dlq.Properties).toMatchObject({ MessageRetentionPeriod: 14 * 24 * 3600, SqsManagedSseEnabled: true });
  });

  it.each(queueNames)('%s and its DLQ deny non-TLS access', (name) => {
    for (const queue of [stack.queues[name], stack.deadLetterQueues[name]]) {
      template().hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: logicalId(queue) }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          ]),
        },
      });
    }
  });

  it.each(queueNames)('%s DLQ has an alarm at one visible message', (name) => {
    template().hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(stack.deadLetterQueues[name]), 'QueueName'] } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
  });
});

describe('functions', () => {
  const allFunctions = () => resourcesOf('AWS::Lambda::Function');
  // Beyond the topology: the Cognito token trigger and the AwsCustomResource provider (one
  // singleton for every seed call).
  const customResourceProvider = 'AWS679f53fac002430cb0da5b7982bd2287';

  it('are the topology functions plus the two helpers, and nothing else', () => {
    const ids = Object.keys(allFunctions());
    const topologyIds = fnEntries.map(([name]) => logicalId(stack.functions[name]));
    const helperIds = stack.helperFunctions.map((fn) => logicalId(fn));
    expect(helperIds).toHaveLength(1); // the token trigger
    const providerIds = ids.filter((id) => id.startsWith(customResourceProvider));
    expect(providerIds).toHaveLength(1);
    expect(ids.sort()).toEqual([...topologyIds, ...helperIds, ...providerIds].sort());
    expect(ids).toHaveLength(fnEntries.length + 2);
  });

  it.each(fnEntries)('%s has the runtime, size, tracing and environment of its spec', (name, spec) => {
    const fn = allFunctions()[logicalId(stack.functions[name])]!;
    const expectedEnv: Record<string, unknown> = { NODE_OPTIONS: '--enable-source-maps', POWERTOOLS_SERVICE_NAME: serviceName };
    for (const table of Object.keys(spec.access.tables ?? {}) as TableName[]) {
      expectedEnv[tableEnv(table)] = { Ref: logicalId(stack.tables[table]) };
    }
    for (const queue of Object.keys(spec.access.queues ?? {}) as QueueName[]) {
      expectedEnv[queueEnv(queue)] = { Ref: logicalId(stack.queues[queue]) };
    }
    for (const bucket of Object.keys(spec.access.buckets ?? {}) as BucketName[]) {
      expectedEnv[bucketEnv(bucket)] = { Ref: logicalId(stack.buckets[bucket]) };
    }
    for (const secret of Object.keys(spec.access.secrets ?? {}) as SecretName[]) {
      expectedEnv[secretEnv(secret)] = secrets[secret].parameterName;
    }
    expect(fn.Properties).toMatchObject({
      Runtime: lambdaRuntime.name,
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Timeout: spec.timeoutSeconds,
      MemorySize: spec.memoryMiB,
      TracingConfig: { Mode: 'Active' },
    });
    expect((fn.Properties!.Environment as { Variables: unknown }).Variables).toEqual(expectedEnv);
  });

  it.each(fnEntries)('%s is granted exactly the access of its spec', (name, spec) => {
    const role = logicalId(stack.functions[name].role!);
    for (const [table] of tableEntries) {
      const actions = actionsOn(template(), role, logicalId(stack.tables[table]));
      const level = spec.access.tables?.[table];
      expect(actions.has('dynamodb:GetItem'), `${table} read`).toBe(level !== undefined);
      expect(actions.has('dynamodb:PutItem'), `${table} write`).toBe(level === 'readwrite');
    }
    for (const queue of queueNames) {
      const actions = actionsOn(template(), role, logicalId(stack.queues[queue]));
      expect(actions.has('sqs:SendMessage'), `${queue} send`).toBe(spec.access.queues?.[queue] === 'send');
    }
    for (const bucket of bucketNames) {
      const actions = actionsOn(template(), role, logicalId(stack.buckets[bucket]));
      const level = spec.access.buckets?.[bucket];
      expect(actions.has('s3:GetObject*'), `${bucket} read`).toBe(level !== undefined);
      expect(actions.has('s3:PutObject'), `${bucket} write`).toBe(level === 'readwrite');
    }
  });

  it('has one SQS event source mapping per queue trigger', () => {
    expect(Object.keys(resourcesOf('AWS::Lambda::EventSourceMapping'))).toHaveLength(queueFns.length);
  });

  it.each(queueFns)('$name consumes $trigger.queue with partial batch failures', ({ name, trigger }) => {
    template().hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalId(stack.functions[name]) },
      EventSourceArn: { 'Fn::GetAtt': [logicalId(stack.queues[trigger.queue]), 'Arn'] },
      BatchSize: trigger.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it('has one EventBridge rule per schedule trigger', () => {
    expect(Object.keys(resourcesOf('AWS::Events::Rule'))).toHaveLength(scheduleFns.length);
    for (const { name, trigger } of scheduleFns) {
      template().hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: trigger.schedule,
        Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [logicalId(stack.functions[name]), 'Arn'] }, Input: JSON.stringify({ job: trigger.job }) })],
      });
    }
  });
});

describe('tables', () => {
  it('has one table per topology table', () => {
    expect(Object.keys(resourcesOf('AWS::DynamoDB::Table'))).toHaveLength(tableEntries.length);
  });

  it.each(tableEntries)('%s is on-demand, encrypted, recoverable and retained', (name, spec) => {
    const table = template().toJSON().Resources[logicalId(stack.tables[name])] as Resource;
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      SSESpecification: { SSEEnabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      KeySchema: [
        { AttributeName: spec.partitionKey.name, KeyType: 'HASH' },
        ...(spec.sortKey ? [{ AttributeName: spec.sortKey.name, KeyType: 'RANGE' }] : []),
      ],
    });
    const ttl = table.Properties!.TimeToLiveSpecification;
    if (spec.timeToLiveAttribute) expect(ttl).toEqual({ AttributeName: spec.timeToLiveAttribute, Enabled: true });
    else expect(ttl).toBeUndefined();
    const gsis = (table.Properties!.GlobalSecondaryIndexes ?? []) as Array<{ IndexName: string }>;
    expect(gsis.map((g) => g.IndexName)).toEqual((spec.globalSecondaryIndexes ?? []).map((g) => g.indexName));
  });
});

describe('buckets', () => {
  it('has the topology buckets plus one access-log bucket', () => {
    expect(Object.keys(resourcesOf('AWS::S3::Bucket'))).toHaveLength(bucketNames.length + 1);
  });

  it('every bucket blocks public access, is versioned, encrypted and retained', () => {
    for (const bucket of Object.values(resourcesOf('AWS::S3::Bucket'))) {
      expect(bucket.DeletionPolicy).toBe('Retain');
      expect(bucket.Properties).toMatchObject({
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        VersioningConfiguration: { Status: 'Enabled' },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      });
    }
  });

  it.each(bucketNames)('%s logs access to the log bucket and denies non-TLS access', (name) => {
    const id = logicalId(stack.buckets[name]);
    const bucket = template().toJSON().Resources[id] as Resource;
    expect(bucket.Properties!.LoggingConfiguration).toMatchObject({
      DestinationBucketName: { Ref: logicalId(stack.accessLogsBucket) },
    });
    template().hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: id },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('Cognito', () => {
  it('is admin-only sign-up with required MFA and a V3 pre-token trigger', () => {
    template().hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      MfaConfiguration: 'ON',
      LambdaConfig: {
        PreTokenGenerationConfig: {
          LambdaArn: { 'Fn::GetAtt': [logicalId(stack.helperFunctions[0]!), 'Arn'] },
          LambdaVersion: 'V3_0',
        },
      },
    });
  });

  it('has one group per topology role', () => {
    const groups = Object.values(resourcesOf('AWS::Cognito::UserPoolGroup')).map((g) => g.Properties!.GroupName);
    expect(groups.sort()).toEqual([...roles].sort());
  });

  it.each(hospitals)('$hospitalId has a client-credentials client allowed only its own scope', (hospital) => {
    template().hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ClientName: `hospital-${hospital.hospitalId}`,
      GenerateSecret: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthScopes: [{ 'Fn::Join': ['', [Match.anyValue(), `/${hospitalScopeName(hospital.hospitalId)}`]] }],
    });
  });

  it('has a resource server with a scope per hospital and a code-flow staff client', () => {
    template().hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: resourceServerIdentifier,
      Scopes: hospitals.map((h) => Match.objectLike({ ScopeName: hospitalScopeName(h.hospitalId) })),
    });
    template().hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AllowedOAuthFlows: ['code'],
      GenerateSecret: false,
    });
  });
});

describe('hospital seed', () => {
  it('writes every hospital of data/hospitals.json into the hospitals table', () => {
    const tableRef = { Ref: logicalId(stack.tables.hospitals) };
    const written: unknown[] = [];
    for (const seed of Object.values(resourcesOf('Custom::AWS'))) {
      const { Create, Update } = seed.Properties as { Create: unknown; Update: unknown };
      expect(Update).toEqual(Create); // a changed file re-runs the write on update
      // Create is a Fn::Join of JSON text around the table's Ref.
      const parts = (Create as { 'Fn::Join': [string, unknown[]] })['Fn::Join'][1];
      const text = parts.map((part) => (typeof part === 'string' ? part : (expect(part).toEqual(tableRef), 'TABLE'))).join('');
      const call = JSON.parse(text) as { action: string; parameters: { RequestItems: Record<string, unknown[]> } };
      expect(call.action).toBe('BatchWriteItem');
      written.push(...call.parameters.RequestItems.TABLE!);
    }
    expect(written).toEqual(
      hospitals.map((h) => ({ PutRequest: { Item: { hospitalId: { S: h.hospitalId }, name: { S: h.name } } } })),
    );
  });
});

describe('outputs', () => {
  it('exports the API URL and the user pool id', () => {
    const outputs = template().toJSON().Outputs as Record<string, unknown>;
    expect(outputs).toHaveProperty('ApiUrl');
    expect(outputs).toHaveProperty('UserPoolId');
  });
});
