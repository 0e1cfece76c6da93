// The synthesized template (Cognito settings, a region with every feature) against
// shared/topology.ts: every expectation is derived from the topology, the settings and
// data/hospitals.json, so a change on either side that the other misses fails here.
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auth,
  bucketEnv,
  buckets,
  defaultBounds,
  functions,
  queueEnv,
  queues,
  roles,
  secretEnv,
  secrets,
  type SecretName,
  tableEnv,
  tables,
  visibilityTimeoutSeconds,
  type BucketName,
  type FunctionName,
  type FunctionSpec,
  type QueueName,
  type TableName,
  type TableSpec,
} from '../../shared/topology.ts';
import { lambdaRuntime, projectRoot, readHospitals, routeScopes, serviceName } from '../../infra/stack.ts';
import { accessOf, bucketAccessOf, objectActions, tableAccessOf, tableActions } from '../../shared/grants.ts';
import { designatedHospitalsEnv, hospitalIdAttributeName, hospitalScopeName, resourceServerIdentifier } from '../../shared/domain/token-claims.ts';
import { monitoringUnits } from '../../bench/cost.ts';
import { businessMetrics, metricsNamespace } from '../../shared/observability/metrics.ts';
import { viewerRequest } from '../../infra/console-hosting.ts';
import { partitionFeatures } from '../../infra/settings.ts';
import { allStatements, buildStack, grantsOf, loadSettings, settingsFiles, type Resource } from './support.ts';

const fnEntries = Object.entries(functions) as Array<[FunctionName, FunctionSpec]>;
const httpFns = fnEntries.flatMap(([name, spec]) => (spec.trigger.type === 'http' ? [{ name, trigger: spec.trigger }] : []));
const queueFns = fnEntries.flatMap(([name, spec]) => (spec.trigger.type === 'queue' ? [{ name, trigger: spec.trigger }] : []));
const streamFns = fnEntries.flatMap(([name, spec]) => (spec.trigger.type === 'stream' ? [{ name, trigger: spec.trigger }] : []));
const scheduleFns = fnEntries.flatMap(([name, spec]) =>
  spec.trigger.type === 'schedule' ? [{ name, trigger: spec.trigger }] : [],
);
const queueNames = Object.keys(queues) as QueueName[];
const tableEntries = Object.entries(tables) as Array<[TableName, TableSpec]>;
const bucketNames = Object.keys(buckets) as BucketName[];
const hospitals = readHospitals(join(projectRoot, 'data/hospitals.json'));
const settings = loadSettings(settingsFiles.globalCognito);
const cognitoScopes = { hospital: `${resourceServerIdentifier}/hospital`, staff: `${resourceServerIdentifier}/staff` };

// CloudFormation's own rules run over this template in template-rules.test.ts, not here.
const built = buildStack(undefined, settings);
const { stack, logicalId } = built;
const template = () => built.template();
let synthError: unknown;
// Synthesis takes tens of seconds on a loaded machine: once, in the hook, with its own timeout.
beforeAll(() => {
  try {
    built.app.synth();
  } catch (error) {
    synthError = error;
  }
  template();
});
afterAll(() => built.cleanup());

const resourcesOf = (type: string, props?: object) =>
  template().findResources(type, props ? { Properties: props } : undefined) as Record<string, Resource>;
/** The nested stack that holds each function's alarms and error-log filter. */
const functionMonitoring = () => Template.fromStack(stack.functionMonitoring);
const json = (value: unknown) => JSON.stringify(stack.resolve(value));
/** The parameters the main stack passes to the function monitoring nested stack. */
const monitoringParameters = () =>
  resourcesOf('AWS::CloudFormation::Stack')[logicalId(stack.functionMonitoring.nestedStackResource!)]!.Properties!.Parameters as Record<string, unknown>;

describe('cdk-nag', () => {
  // Synth bundles nothing here but still takes over a minute on a loaded 2-core machine.
  it('passes AwsSolutions checks (unacknowledged findings make synth throw)', () => {
    expect(synthError).toBeUndefined();
  });

  it('is live: a bucket without access logs, or a grant on a whole bucket, fails synth', () => {
    const careless = buildStack((s) => {
      new s3.Bucket(s, 'Careless');
      // Acknowledgements are written for the topology's key spaces only, not derived from grants.
      s.functions.health.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [s.buckets.exports.arnForObjects('*')] }),
      );
    }, settings);
    try {
      let message = '';
      try {
        careless.app.synth();
      } catch (error) {
        message = String(error);
      }
      expect(message).toMatch(/AwsSolutions-S1/);
      expect(message).toMatch(/FunctionHealthRole[\s\S]*AwsSolutions-IAM5\[Resource::<BucketExports[0-9A-F]+\.Arn>\/\*\]/);
    } finally {
      careless.cleanup();
    }
  }, 300_000);
});

describe('HTTP API', () => {
  const authorizerId = () => Object.keys(resourcesOf('AWS::ApiGatewayV2::Authorizer'))[0];

  it('has exactly one route per http trigger', () => {
    expect(Object.keys(resourcesOf('AWS::ApiGatewayV2::Route'))).toHaveLength(httpFns.length);
  });

  it.each(httpFns)('routes $trigger.method $trigger.path to $name with its scopes', ({ name, trigger }) => {
    const routes = resourcesOf('AWS::ApiGatewayV2::Route', { RouteKey: `${trigger.method} ${trigger.path}` });
    const [route] = Object.values(routes);
    expect(route, 'route').toBeDefined();
    const props = route!.Properties!;
    if (trigger.authenticated) {
      expect(props.AuthorizationType).toBe('JWT');
      expect(props.AuthorizerId).toEqual({ Ref: authorizerId() });
      expect(props.AuthorizationScopes).toEqual(routeScopes(name, cognitoScopes));
    } else {
      expect(props.AuthorizationType).toBe('NONE');
      expect(props.AuthorizerId).toBeUndefined();
      expect(props.AuthorizationScopes).toBeUndefined();
    }
    // Route -> integration -> the function the topology names.
    const integrationId = JSON.stringify(props.Target).match(/"Ref":"([^"]+)"/)?.[1];
    const integration = template().toJSON().Resources[integrationId!] as Resource;
    expect(integration.Properties?.IntegrationUri).toEqual({ 'Fn::GetAtt': [logicalId(stack.functions[name]), 'Arn'] });
  });

  it('requires the hospital scope on hospital routes and the staff scope on staff routes', () => {
    const scopesOf = (key: string) =>
      Object.values(resourcesOf('AWS::ApiGatewayV2::Route', { RouteKey: key }))[0]!.Properties!.AuthorizationScopes;
    expect(scopesOf('POST /hospital-notices')).toEqual([cognitoScopes.hospital]);
    expect(scopesOf('POST /payout-batches/{id}/approve')).toEqual([cognitoScopes.staff]);
    expect(scopesOf('GET /hospitals')).toEqual([cognitoScopes.hospital, cognitoScopes.staff]);
  });

  it('authorizes Cognito JWTs for the staff client and every hospital client', () => {
    const [authorizer] = Object.values(resourcesOf('AWS::ApiGatewayV2::Authorizer'));
    const config = authorizer!.Properties!.JwtConfiguration as { Audience: unknown[]; Issuer: unknown };
    expect(authorizer!.Properties!.AuthorizerType).toBe('JWT');
    expect(config.Audience).toHaveLength(1 + hospitals.length);
    expect(JSON.stringify(config.Issuer)).toContain(logicalId(stack.userPool!));
  });

  it('throttles each route as the topology says, after the routes exist', () => {
    const [stageId, stageResource] = Object.entries(
      template().findResources('AWS::ApiGatewayV2::Stage') as Record<string, Resource & { DependsOn?: string[] }>,
    )[0]!;
    const expected = Object.fromEntries(
      httpFns.map(({ trigger }) => {
        const throttle = trigger.throttle ?? defaultBounds.route;
        return [
          `${trigger.method} ${trigger.path}`,
          { ThrottlingRateLimit: throttle.ratePerSecond, ThrottlingBurstLimit: throttle.burst },
        ];
      }),
    );
    expect(stageResource.Properties!.RouteSettings).toEqual(expected);
    for (const id of Object.keys(resourcesOf('AWS::ApiGatewayV2::Route'))) {
      expect(stageResource.DependsOn, `${stageId} after ${id}`).toContain(id);
    }
    template().hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('^\\{.*requestId') },
      DefaultRouteSettings: { ThrottlingBurstLimit: Match.anyValue(), ThrottlingRateLimit: Match.anyValue() },
    });
  });
});

describe('queues', () => {
  it('has a queue and a dead-letter queue per topology queue, and one for scheduled jobs', () => {
    expect(Object.keys(resourcesOf('AWS::SQS::Queue'))).toHaveLength(2 * queueNames.length + 1);
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

  it.each(queueNames)('%s alarms at one DLQ message and at its oldest message age', (name) => {
    template().hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(stack.deadLetterQueues[name]), 'QueueName'] } }],
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
    });
    template().hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateAgeOfOldestMessage',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [logicalId(stack.queues[name]), 'QueueName'] } }],
      Threshold: queues[name].oldestMessageAlarmSeconds ?? visibilityTimeoutSeconds(name),
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
  });

  it.each(fnEntries)('%s has the runtime, size, tracing and environment of its spec', (name, spec) => {
    const fn = allFunctions()[logicalId(stack.functions[name])]!;
    const expectedEnv: Record<string, unknown> = { POWERTOOLS_SERVICE_NAME: serviceName };
    for (const table of Object.keys(accessOf(spec).tables ?? {}) as TableName[]) {
      expectedEnv[tableEnv(table)] = { Ref: logicalId(stack.tables[table]) };
    }
    for (const queue of Object.keys(accessOf(spec).queues ?? {}) as QueueName[]) {
      expectedEnv[queueEnv(queue)] = { Ref: logicalId(stack.queues[queue]) };
    }
    for (const bucket of Object.keys(accessOf(spec).buckets ?? {}) as BucketName[]) {
      expectedEnv[bucketEnv(bucket)] = { Ref: logicalId(stack.buckets[bucket]) };
    }
    for (const secret of Object.keys(accessOf(spec).secrets ?? {}) as SecretName[]) {
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

  it.each(fnEntries)('%s is granted exactly the table and object actions of its spec', (name, spec) => {
    const grants = grantsOf(template(), logicalId(stack.functions[name].role!));
    const expected = new Map<string, Set<string>>();
    for (const [table, level] of Object.entries(accessOf(spec).tables ?? {}) as Array<[TableName, NonNullable<unknown>]>) {
      const access = tableAccessOf(level as Parameters<typeof tableAccessOf>[0], tables[table]);
      const arn = stack.tables[table].tableArn;
      if (access.operations.length) expected.set(json(arn), new Set(access.operations.map((op) => tableActions[op])));
      for (const index of access.queryIndexes) expected.set(json(`${arn}/index/${index}`), new Set([tableActions.query]));
    }
    for (const [bucket, level] of Object.entries(accessOf(spec).buckets ?? {}) as Array<[BucketName, NonNullable<unknown>]>) {
      for (const { prefix, operations } of bucketAccessOf(level as Parameters<typeof bucketAccessOf>[0])) {
        expected.set(json(stack.buckets[bucket].arnForObjects(`${prefix}*`)), new Set(operations.map((op) => objectActions[op])));
      }
    }
    const touched = new Set([
      ...tableEntries.map(([table]) => logicalId(stack.tables[table])),
      ...bucketNames.map((bucket) => logicalId(stack.buckets[bucket])),
    ]);
    // A stream consumer also reads its table's stream (granted by the event source, checked below).
    const actual = new Map(
      [...grants].filter(([resource]) => [...touched].some((id) => resource.includes(`"${id}"`)) && !resource.includes('StreamArn')),
    );
    expect(actual).toEqual(expected);
    if (spec.trigger.type === 'stream') {
      expect(grants.get(json(stack.tables[spec.trigger.table].tableStreamArn!))).toEqual(
        new Set(['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator']),
      );
    }
  });

  it.each(fnEntries)('%s may send to exactly the queues of its spec', (name, spec) => {
    const grants = grantsOf(template(), logicalId(stack.functions[name].role!));
    for (const queue of queueNames) {
      const sends = grants.get(json(stack.queues[queue].queueArn))?.has('sqs:SendMessage') ?? false;
      expect(sends, `${queue} send`).toBe(accessOf(spec).queues?.[queue] === 'send');
    }
  });

  it.each(streamFns)('$name reads the stream of $trigger.table from the oldest record, with partial batch failures', ({ name, trigger }) => {
    template().hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalId(stack.functions[name]) },
      EventSourceArn: { 'Fn::GetAtt': [logicalId(stack.tables[trigger.table]), 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BatchSize: trigger.batchSize,
      ...(trigger.parallelizationFactor && { ParallelizationFactor: trigger.parallelizationFactor }),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it.each(fnEntries)('%s writes its own log group only, through a role with no managed policy', (name) => {
    const roleId = logicalId(stack.functions[name].role!);
    const role = template().toJSON().Resources[roleId] as Resource;
    expect(role.Properties!.ManagedPolicyArns).toBeUndefined();
    const grants = grantsOf(template(), roleId);
    const logResources = [...grants].filter(([, actions]) => [...actions].some((a) => a.startsWith('logs:')));
    expect(logResources).toEqual([
      [json(stack.logGroups[name].logGroupArn), new Set(['logs:CreateLogStream', 'logs:PutLogEvents'])],
    ]);
  });

  // Money tables (backup 'money'): a function names the operations its code does on them, never
  // the blanket 'read' or 'readwrite' (every read, or every read and write action), which the
  // template would show as that full set.
  const moneyTables = tableEntries.filter(([, spec]) => spec.backup === 'money').map(([table]) => table);
  it('gives no function a blanket read or readwrite: on any table in the topology, on a money table in the template', () => {
    expect(moneyTables).toEqual(expect.arrayContaining(['recipients', 'payoutBatches', 'payoutClaims', 'payments', 'payoutProgress']));
    const blanketRead = tableAccessOf('read', tables.payments).operations.map((op) => tableActions[op]);
    const holders: string[] = [];
    for (const [name, spec] of fnEntries) {
      const grants = grantsOf(template(), logicalId(stack.functions[name].role!));
      // In the topology, no table at all is granted blanket; the template check covers the money tables.
      for (const [table, level] of Object.entries((accessOf(spec).tables ?? {}) as Record<string, unknown>)) {
        if (level === 'read' || level === 'readwrite') holders.push(`${name} ${table} ${level} (topology)`);
      }
      for (const table of moneyTables) {
        const actions = grants.get(json(stack.tables[table].tableArn));
        if (actions && blanketRead.every((action) => actions.has(action))) holders.push(`${name} ${table} (template)`);
      }
    }
    expect(holders).toEqual([]);
  });

  // Issue 13, part 1: the idempotency grant follows from a route being a POST, declared once
  // (routeMethodAccess), never by hand in an entry.
  it('grants the idempotency table to exactly the POST routes, none naming it in its entry', () => {
    const idempotency = json(stack.tables.idempotency.tableArn);
    const idempotencyActions = ['get', 'put', 'update', 'delete'].map((op) => tableActions[op as keyof typeof tableActions]);
    const posts = fnEntries.filter(([, spec]) => spec.trigger.type === 'http' && spec.trigger.method === 'POST').map(([name]) => name);
    expect(posts.length).toBeGreaterThan(20);
    for (const [name, spec] of fnEntries) {
      expect((spec.access.tables as Record<string, unknown> | undefined)?.idempotency, `${name} names the idempotency table by hand`).toBeUndefined();
      const granted = grantsOf(template(), logicalId(stack.functions[name].role!)).get(idempotency);
      if (posts.includes(name)) expect(granted, name).toEqual(new Set(idempotencyActions));
      else expect(granted, name).toBeUndefined();
    }
  });

  // Deletes only where the code deletes: failed idempotency records, released hospital-stay items,
  // the payments an operator's retry excludes (the grant guard in local/ checks each in npm test).
  const deletableTables = ['idempotency', 'hospitalNotices', 'payments'] as const;
  it('grants DeleteItem only on the tables whose records the code deletes, and no wildcard DynamoDB or S3 action', () => {
    const deletable = deletableTables.map((table) => `"${logicalId(stack.tables[table])}"`);
    for (const { policy, statement } of allStatements(template())) {
      const actions = [statement.Action].flat().map(String);
      for (const action of actions) expect(action, policy).not.toMatch(/^(dynamodb|s3):.*\*/);
      if (actions.includes('dynamodb:DeleteItem')) {
        expect(deletable.some((id) => JSON.stringify(statement.Resource).includes(id)), `${policy}: ${JSON.stringify(statement.Resource)}`).toBe(true);
      }
    }
  });

  it('never allows s3:DeleteObjectVersion', () => {
    for (const { statement } of allStatements(template())) {
      expect([statement.Action].flat()).not.toContain('s3:DeleteObjectVersion');
      expect([statement.Action].flat()).not.toContain('s3:*');
    }
    for (const policy of Object.values(resourcesOf('AWS::S3::BucketPolicy'))) {
      for (const statement of (policy.Properties!.PolicyDocument as { Statement: Array<{ Effect: string; Action: unknown }> }).Statement) {
        if (statement.Effect === 'Allow') expect([statement.Action].flat()).not.toContain('s3:DeleteObjectVersion');
      }
    }
  });

  it('allows Resource "*" only for X-Ray and for a stream consumer listing streams, which have no resource-level permissions', () => {
    const wildcards = allStatements(template()).filter(({ statement }) => [statement.Resource].flat().includes('*'));
    expect(wildcards.length).toBeGreaterThan(0);
    for (const { policy, statement } of wildcards) {
      const allowed = ['dynamodb:ListStreams', 'xray:PutTelemetryRecords', 'xray:PutTraceSegments'];
      expect([statement.Action].flat().filter((action) => !allowed.includes(action as string)), policy).toEqual([]);
    }
  });

  it.each(queueFns)('$name consumes $trigger.queue with partial batch failures and bounded concurrency', ({ name, trigger }) => {
    template().hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalId(stack.functions[name]) },
      EventSourceArn: { 'Fn::GetAtt': [logicalId(stack.queues[trigger.queue]), 'Arn'] },
      BatchSize: trigger.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: trigger.maxConcurrency ?? defaultBounds.queueMaxConcurrency },
    });
  });

  it('has one event source mapping per queue trigger and per stream trigger, each queue mapping bounded', () => {
    const mappings = Object.values(resourcesOf('AWS::Lambda::EventSourceMapping'));
    expect(mappings).toHaveLength(queueFns.length + streamFns.length);
    // Streams read one shard at a time per function; MaximumConcurrency is for SQS mappings only.
    for (const mapping of mappings.filter((m) => m.Properties!.StartingPosition === undefined)) {
      expect((mapping.Properties!.ScalingConfig as { MaximumConcurrency: number }).MaximumConcurrency).toBeGreaterThanOrEqual(2);
    }
  });

  it('has one EventBridge rule per schedule trigger, retried and dead-lettered', () => {
    expect(Object.keys(resourcesOf('AWS::Events::Rule'))).toHaveLength(scheduleFns.length);
    const dlq = { 'Fn::GetAtt': [logicalId(stack.scheduledJobsDeadLetterQueue), 'Arn'] };
    for (const { name, trigger } of scheduleFns) {
      const fnId = logicalId(stack.functions[name]);
      template().hasResourceProperties('AWS::Events::Rule', {
        ScheduleExpression: trigger.schedule,
        Targets: [
          Match.objectLike({
            Arn: { 'Fn::GetAtt': [fnId, 'Arn'] },
            Input: JSON.stringify({ job: trigger.job }),
            RetryPolicy: { MaximumRetryAttempts: Match.anyValue(), MaximumEventAgeInSeconds: Match.anyValue() },
            DeadLetterConfig: { Arn: dlq },
          }),
        ],
      });
      // The job's own failures: Lambda retries the asynchronous invocation, then dead-letters it.
      expect(resourcesOf('AWS::Lambda::Function')[fnId]!.Properties!.DeadLetterConfig).toEqual({ TargetArn: dlq });
      template().hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: fnId },
        MaximumRetryAttempts: 2,
      });
    }
  });
});

describe('alarms', () => {
  const topic = () => ({ Ref: logicalId(stack.alarmTopic) });

  it('every alarm notifies the one SNS topic, and the settings subscribe to it', () => {
    const alarms = Object.entries(resourcesOf('AWS::CloudWatch::Alarm'));
    const nested = Object.entries(functionMonitoring().findResources('AWS::CloudWatch::Alarm') as Record<string, Resource>);
    expect(alarms.length + nested.length).toBe(stack.alarms.length);
    for (const [id, alarm] of alarms) {
      expect(alarm.Properties!.AlarmActions, id).toEqual([topic()]);
      expect(alarm.Properties!.OKActions, id).toEqual([topic()]);
    }
    // In the nested stack the topic arrives as a parameter, which the main stack sets to the topic.
    const parameters = monitoringParameters();
    for (const [id, alarm] of nested) {
      const [action] = alarm.Properties!.AlarmActions as Array<{ Ref: string }>;
      expect(alarm.Properties!.AlarmActions, id).toHaveLength(1);
      expect(alarm.Properties!.OKActions, id).toEqual([action]);
      expect(parameters[action!.Ref], id).toEqual(topic());
    }
    expect(Object.keys(resourcesOf('AWS::SNS::Topic'))).toHaveLength(1);
    for (const { protocol, endpoint } of settings.alarmSubscriptions) {
      template().hasResourceProperties('AWS::SNS::Subscription', { TopicArn: topic(), Protocol: protocol, Endpoint: endpoint });
    }
  });

  it.each(fnEntries)('%s alarms on errors and throttles, and counts its ERROR log lines', (name) => {
    // Names cross into the nested stack as parameters: find the ones the main stack sets to this function's.
    const parameters = monitoringParameters();
    const parameterFor = (ref: string) => Object.entries(parameters).find(([, value]) => JSON.stringify(value) === JSON.stringify({ Ref: ref }))?.[0];
    // The log group lives in the function logs nested stack: its name arrives as a parameter
    // carrying that stack's output, named after the log group's path.
    const logGroupParameter = Match.stringLikeRegexp(`^referenceto.*FunctionLogsNestedStack.*Outputs.*FunctionLogs${stack.logGroups[name].node.id}[0-9A-F]{8}Ref$`);
    const fn = { Name: 'FunctionName', Value: { Ref: parameterFor(logicalId(stack.functions[name])) } };
    for (const metric of ['Errors', 'Throttles']) {
      functionMonitoring().hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: metric,
        Dimensions: [fn],
        Threshold: 1,
      });
    }
    functionMonitoring().hasResourceProperties('AWS::Logs::MetricFilter', {
      LogGroupName: { Ref: logGroupParameter },
      FilterPattern: '{ $.level = "ERROR" }',
      MetricTransformations: [Match.objectLike({ MetricName: 'ErrorsLogged', MetricNamespace: 'Tuodi' })],
    });
  });

  it('alarms on logged errors and on the API answering 5xx', () => {
    template().hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'Tuodi', MetricName: 'ErrorsLogged', Threshold: 1 });
    template().hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/ApiGateway',
      MetricName: '5xx',
      Dimensions: Match.arrayWith([{ Name: 'ApiId', Value: { Ref: logicalId(stack.httpApi) } }]),
    });
  });

  it.each(tableEntries)('%s alarms on read and write throttle events', (name) => {
    const table = { Name: 'TableName', Value: { Ref: logicalId(stack.tables[name]) } };
    template().hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([
        Match.objectLike({ MetricStat: Match.objectLike({ Metric: { Namespace: 'AWS/DynamoDB', MetricName: 'ReadThrottleEvents', Dimensions: [table] } }) }),
        Match.objectLike({ MetricStat: Match.objectLike({ Metric: { Namespace: 'AWS/DynamoDB', MetricName: 'WriteThrottleEvents', Dimensions: [table] } }) }),
      ]),
    });
  });

  it('are counted as the cost script counts them', () => {
    const allAlarms = [
      ...Object.values(resourcesOf('AWS::CloudWatch::Alarm')),
      ...Object.values(functionMonitoring().findResources('AWS::CloudWatch::Alarm') as Record<string, Resource>),
    ];
    const metricsPerAlarm = allAlarms.map((alarm) =>
      alarm.Properties!.Metrics ? (alarm.Properties!.Metrics as Array<{ MetricStat?: unknown }>).filter((m) => m.MetricStat).length : 1,
    );
    expect(monitoringUnits().alarmMetrics).toBe(metricsPerAlarm.reduce((a, b) => a + b, 0));
  });

  it('has a dashboard of the flows', () => {
    const [dashboard] = Object.values(resourcesOf('AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard!.Properties!.DashboardBody);
    for (const title of ['Registry imports', 'Hospital notices decided', 'Payment chunks recorded', 'Payout batches by step', 'Dead-letter queues']) {
      expect(body).toContain(title);
    }
  });

  it('graphs every business metric from its EMF lines, by its dimension, and makes no log-filter metric of the same name', () => {
    // The body is JSON inside a template string: quotes arrive escaped, once per level.
    const body = JSON.stringify(Object.values(resourcesOf('AWS::CloudWatch::Dashboard'))[0]!.Properties!.DashboardBody).replace(/\\+"/g, '"');
    for (const [metric, dimension] of Object.entries(businessMetrics)) {
      expect(body).toContain(`SEARCH('{${metricsNamespace},${dimension},service} MetricName="${metric}"'`);
    }
    const filterMetrics = Object.values(resourcesOf('AWS::Logs::MetricFilter')).flatMap(
      (filter) => (filter.Properties!.MetricTransformations as Array<{ MetricName: string }>).map((t) => t.MetricName),
    );
    expect(filterMetrics.filter((name) => name in businessMetrics)).toEqual([]);
  });
});

describe('tables', () => {
  it('has one table per topology table', () => {
    expect(Object.keys(resourcesOf('AWS::DynamoDB::Table'))).toHaveLength(tableEntries.length);
  });

  it.each(tableEntries)('%s is named, deletion-protected, on-demand, encrypted, recoverable and retained', (name, spec) => {
    const table = template().toJSON().Resources[logicalId(stack.tables[name])] as Resource;
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.Properties).toMatchObject({
      TableName: `${settings.stage}-${name}`,
      DeletionProtectionEnabled: true,
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

  it('backs up exactly the money tables, daily and monthly, into a retained vault', () => {
    const [selection] = Object.values(resourcesOf('AWS::Backup::BackupSelection'));
    const selected = (selection!.Properties!.BackupSelection as { Resources: unknown[] }).Resources;
    const money = tableEntries.filter(([, spec]) => spec.backup === 'money').map(([name]) => name);
    expect(money).toEqual(expect.arrayContaining(['payments', 'payoutClaims', 'payoutBatches']));
    expect(selected.map((r) => JSON.stringify(r)).sort()).toEqual(money.map((name) => json(stack.tables[name].tableArn)).sort());
    template().hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: {
        BackupPlanRule: [
          Match.objectLike({ RuleName: 'Daily', Lifecycle: { DeleteAfterDays: settings.backup.dailyRetentionDays } }),
          Match.objectLike({ RuleName: 'Monthly', Lifecycle: { DeleteAfterDays: settings.backup.monthlyRetentionDays } }),
        ],
      },
    });
    template().hasResource('AWS::Backup::BackupVault', { DeletionPolicy: 'Retain' });
  });
});

describe('buckets', () => {
  it('has the topology buckets plus one access-log bucket', () => {
    expect(Object.keys(resourcesOf('AWS::S3::Bucket'))).toHaveLength(bucketNames.length + 1);
  });

  it('every bucket blocks public access, is versioned, encrypted, retained and cleans up failed uploads', () => {
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
      const [rule] = (bucket.Properties!.LifecycleConfiguration as { Rules: Array<Record<string, unknown>> }).Rules;
      expect(rule!.AbortIncompleteMultipartUpload).toEqual({ DaysAfterInitiation: 1 });
    }
  });

  it.each(bucketNames)('%s keeps noncurrent versions as the topology says, logs access and denies non-TLS access', (name) => {
    const id = logicalId(stack.buckets[name]);
    const bucket = template().toJSON().Resources[id] as Resource;
    const days = (buckets[name] as { noncurrentVersionDays?: number }).noncurrentVersionDays;
    const [rule] = (bucket.Properties!.LifecycleConfiguration as { Rules: Array<Record<string, unknown>> }).Rules;
    expect(rule!.NoncurrentVersionExpiration).toEqual(days ? { NoncurrentDays: days } : undefined);
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

describe('bank files', () => {
  const writers = fnEntries.filter(([, spec]) =>
    bucketAccessOf(accessOf(spec).buckets?.bankFiles ?? []).some((a) => a.operations.includes('put')),
  );

  it('have their own Object Lock bucket, governance mode, with the configured retention', () => {
    const bucket = template().toJSON().Resources[logicalId(stack.buckets.bankFiles)] as Resource;
    expect(bucket.Properties).toMatchObject({
      ObjectLockEnabled: true,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: settings.bankFileRetentionDays ?? buckets.bankFiles.objectLock.retentionDays } },
      },
    });
  });

  it('are written by the bank-file writer alone', () => {
    expect(writers.map(([name]) => name)).toEqual(['writeBankFiles']);
    const objects = json(stack.buckets.bankFiles.arnForObjects('*'));
    for (const [name] of fnEntries) {
      const grants = grantsOf(template(), logicalId(stack.functions[name].role!));
      const puts = [...grants].filter(([resource, actions]) => resource.includes(logicalId(stack.buckets.bankFiles)) && actions.has('s3:PutObject'));
      expect(puts.length > 0, name).toBe(name === 'writeBankFiles');
    }
    // And the bucket refuses every other principal, and undoing any write.
    template().hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logicalId(stack.buckets.bankFiles) },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:PutObject',
            Resource: JSON.parse(objects),
            Condition: { ArnNotEquals: { 'aws:PrincipalArn': [{ 'Fn::GetAtt': [logicalId(stack.functions.writeBankFiles.role!), 'Arn'] }] } },
          }),
          Match.objectLike({
            Effect: 'Deny',
            Action: Match.arrayWith(['s3:BypassGovernanceRetention', 's3:DeleteObjectVersion']),
            Resource: JSON.parse(objects),
          }),
        ]),
      },
    });
  });

  it('are readable (presigned) by the batch view, and nothing else touches them', () => {
    const touching = fnEntries.filter(([, spec]) => accessOf(spec).buckets?.bankFiles).map(([name]) => name);
    expect(touching.sort()).toEqual(['getPayoutBatch', 'writeBankFiles']);
    expect(functions.decideApplication.access.buckets).not.toHaveProperty('bankFiles');
    expect(functions.postBankResults.access.buckets).not.toHaveProperty('bankFiles');
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

  it.each(hospitals)('$hospitalId has a client-credentials client allowed the hospital scope and its own', (hospital) => {
    template().hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ClientName: `hospital-${hospital.hospitalId}`,
      GenerateSecret: true,
      AllowedOAuthFlows: ['client_credentials'],
      AllowedOAuthScopes: [
        { 'Fn::Join': ['', [Match.anyValue(), '/hospital']] },
        { 'Fn::Join': ['', [Match.anyValue(), `/${hospitalScopeName(hospital.hospitalId)}`]] },
      ],
    });
  });

  it('rotates a hospital secret with a second client generation, accepted beside the first', () => {
    const [first, ...rest] = hospitals;
    const rotating = buildStack(undefined, settings, [{ ...first!, clientGenerations: [1, 2] }, ...rest]);
    try {
      const clients = rotating.template().findResources('AWS::Cognito::UserPoolClient') as Record<string, Resource>;
      const names = Object.values(clients).map((c) => c.Properties!.ClientName);
      expect(names).toEqual(expect.arrayContaining([`hospital-${first!.hospitalId}`, `hospital-${first!.hospitalId}-g2`]));
      // The first generation keeps its logical id: adding the second replaces nothing.
      expect(Object.keys(clients)).toEqual(expect.arrayContaining(Object.keys(resourcesOf('AWS::Cognito::UserPoolClient'))));
      const [authorizer] = Object.values(rotating.template().findResources('AWS::ApiGatewayV2::Authorizer') as Record<string, Resource>);
      expect((authorizer!.Properties!.JwtConfiguration as { Audience: unknown[] }).Audience).toHaveLength(2 + hospitals.length);
    } finally {
      rotating.cleanup();
    }
  }, 300_000);

  it('has a resource server with the route scopes and a scope per hospital, and a code-flow staff client with the staff scope', () => {
    expect(`${resourceServerIdentifier}/hospital`).toBe(auth.scopes.hospital);
    expect(`${resourceServerIdentifier}/staff`).toBe(auth.scopes.staff);
    template().hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: resourceServerIdentifier,
      Scopes: [
        Match.objectLike({ ScopeName: 'hospital' }),
        Match.objectLike({ ScopeName: 'staff' }),
        ...hospitals.map((h) => Match.objectLike({ ScopeName: hospitalScopeName(h.hospitalId) })),
      ],
    });
    template().hasResourceProperties('AWS::Cognito::UserPoolClient', {
      AllowedOAuthFlows: ['code'],
      GenerateSecret: false,
      AllowedOAuthScopes: Match.arrayWith([{ 'Fn::Join': ['', [Match.anyValue(), '/staff']] }]),
    });
  });

  describe('hospital clerks (the console for a hospital without its own system)', () => {
    const consoleClient = () =>
      Object.entries(resourcesOf('AWS::Cognito::UserPoolClient')).find(([id]) => id.startsWith('UserPoolStaffClient'))![1]
        .Properties as Record<string, any>;

    it("holds a clerk's hospital in an immutable custom attribute named for the API's claim", () => {
      expect(hospitalIdAttributeName).toBe(auth.hospitalClaim);
      template().hasResourceProperties('AWS::Cognito::UserPool', {
        UserPoolAddOns: Match.absent(),
        UserPoolTier: 'ESSENTIALS', // the V2/V3 trigger's access-token claims need it
        Schema: Match.arrayWith([
          Match.objectLike({ Name: hospitalIdAttributeName, AttributeDataType: 'String', Mutable: false }),
        ]),
      });
    });

    it('lets the console client ask for both route scopes (the trigger keeps one a user) and write neither the email nor custom:hospital_id', () => {
      const props = consoleClient();
      expect(props.AllowedOAuthScopes).toEqual(
        expect.arrayContaining([
          { 'Fn::Join': ['', [expect.anything(), '/staff']] },
          { 'Fn::Join': ['', [expect.anything(), '/hospital']] },
        ]),
      );
      // Never a machine client's hospital scope: a clerk's hospital comes from the attribute.
      expect(JSON.stringify(props.AllowedOAuthScopes)).not.toContain(`/${hospitalScopeName('')}`);
      expect(props.WriteAttributes).toBeDefined();
      expect(props.WriteAttributes).not.toContain(`custom:${hospitalIdAttributeName}`);
      expect(props.WriteAttributes).not.toContain('email');
    });

    it('gives the token trigger the designated hospitals (its entry functions/token-claims)', () => {
      const trigger = resourcesOf('AWS::Lambda::Function')[logicalId(stack.helperFunctions[0]!)]!;
      expect((trigger.Properties as Record<string, any>).Environment.Variables).toMatchObject({
        [designatedHospitalsEnv]: hospitals.map((h) => h.hospitalId).join(','),
      });
      expect((trigger.Properties as Record<string, any>).Handler).toBe('index.handler');
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
      hospitals.map((h) => ({
        PutRequest: {
          Item: {
            hospitalId: { S: h.hospitalId },
            name: { S: h.name },
            // Where HOSPITAL_REIMBURSEMENT pays the hospital.
            ...(h.bankAccount && { bankName: { S: h.bankName } , bankAccount: { S: h.bankAccount } }),
          },
        },
      })),
    );
  });

  it('runs the seed provider with a role that writes its own log group only', () => {
    for (const [id, role] of Object.entries(resourcesOf('AWS::IAM::Role'))) {
      if (!id.startsWith('BackupPlan')) expect(role.Properties!.ManagedPolicyArns, id).toBeUndefined();
    }
  });
});

describe('outputs', () => {
  it('exports the API URL, the alarm topic and the user pool id', () => {
    const outputs = template().toJSON().Outputs as Record<string, unknown>;
    expect(outputs).toHaveProperty('ApiUrl');
    expect(outputs).toHaveProperty('AlarmTopicArn');
    expect(outputs).toHaveProperty('UserPoolId');
  });
});

describe('console hosting (CloudFront)', () => {
  const hosting = () => Template.fromStack(stack.consoleHosting!);
  const distribution = () => {
    const [found] = Object.values(hosting().findResources('AWS::CloudFront::Distribution')) as Resource[];
    return found!.Properties!.DistributionConfig as Record<string, any>;
  };

  it('keeps the console bucket private: public access blocked, read by the distribution alone through origin access control', () => {
    const bucketId = Object.keys(hosting().findResources('AWS::S3::Bucket')).find((id) => id.startsWith('ConsoleBucket'))!;
    hosting().hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
    const [origin] = distribution().Origins.filter((o: any) => o.S3OriginConfig);
    expect(origin.DomainName).toEqual({ 'Fn::GetAtt': [bucketId, 'RegionalDomainName'] });
    expect(origin.OriginAccessControlId).toBeDefined();
    hosting().hasResourceProperties('AWS::CloudFront::OriginAccessControl', {
      OriginAccessControlConfig: Match.objectLike({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always' }),
    });
    hosting().hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: Match.objectLike({
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudfront.amazonaws.com' },
            Action: 's3:GetObject',
            Condition: { StringEquals: { 'AWS:SourceArn': Match.anyValue() } },
          }),
        ]),
      }),
    });
  });

  it('sends the API through the same origin at /api/*, uncached, with the caller\'s Authorization and without its Host', () => {
    const [api] = distribution().CacheBehaviors.filter((b: any) => b.PathPattern === '/api/*');
    expect(api.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad'); // Managed-CachingDisabled
    expect(api.OriginRequestPolicyId).toBe('b689b0a8-53d0-40ab-baf2-68738e2966ac'); // Managed-AllViewerExceptHostHeader
    expect(api.AllowedMethods).toEqual(expect.arrayContaining(['GET', 'POST', 'OPTIONS']));
    const origin = distribution().Origins.find((o: any) => o.Id === api.TargetOriginId);
    expect(JSON.stringify(origin.DomainName)).toContain('.execute-api.');
    expect(origin.CustomOriginConfig).toMatchObject({ OriginProtocolPolicy: 'https-only', OriginSSLProtocols: ['TLSv1.2'] });
  });

  it('answers with security headers, logs every request, redirects to HTTPS and admits the configured countries only', () => {
    const [policy] = Object.values(hosting().findResources('AWS::CloudFront::ResponseHeadersPolicy')) as Resource[];
    // The policy names the upload bucket and the sign-in domain, so CloudFormation joins it from parts.
    const csp = JSON.stringify((policy!.Properties!.ResponseHeadersPolicyConfig as any).SecurityHeadersConfig.ContentSecurityPolicy);
    expect(csp).toContain("default-src 'self'; script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toMatch(/connect-src 'self' https:\/\/.*RegionalDomainName/);
    hosting().hasResourceProperties('AWS::CloudFront::ResponseHeadersPolicy', {
      ResponseHeadersPolicyConfig: Match.objectLike({
        SecurityHeadersConfig: Match.objectLike({
          ContentTypeOptions: { Override: true },
          FrameOptions: { FrameOption: 'DENY', Override: true },
          StrictTransportSecurity: Match.objectLike({ AccessControlMaxAgeSec: 31_536_000 }),
        }),
      }),
    });
    expect(distribution().Logging).toMatchObject({ Prefix: 'distribution/' });
    expect(distribution().DefaultCacheBehavior.ViewerProtocolPolicy).toBe('redirect-to-https');
    expect(distribution().Restrictions.GeoRestriction).toEqual({ RestrictionType: 'whitelist', Locations: settings.consoleCountries });
  });

  it('routes with one viewer-request function: /api/x to the API as /x, console routes to index.html, files as they are', async () => {
    const handler = new Function(`${viewerRequest}; return handler;`)() as (event: unknown) => Promise<any>;
    const route = (uri: string) => handler({ request: { uri } });
    expect((await route('/api/applications/ap_1')).uri).toBe('/applications/ap_1');
    expect((await route('/console/applications/ap_1')).uri).toBe('/console/index.html');
    expect((await route('/console/')).uri).toBe('/console/index.html');
    expect((await route('/console/assets/index-abc.js')).uri).toBe('/console/assets/index-abc.js');
    expect(await route('/')).toMatchObject({ statusCode: 302, headers: { location: { value: '/console/' } } });
  });

  it("signs staff in through the hosted UI: the staff client is public (PKCE, code grant), returns to the console's callback page and is an audience of the authorizer", () => {
    const [clientId, client] = Object.entries(resourcesOf('AWS::Cognito::UserPoolClient')).find(([id]) => id.startsWith('UserPoolStaffClient'))!;
    const props = client.Properties as Record<string, any>;
    expect(props.GenerateSecret).toBe(false);
    expect(props.AllowedOAuthFlows).toEqual(['code']);
    expect(props.AllowedOAuthScopes).toContain('openid');
    const consoleCallback = JSON.stringify(props.CallbackURLs.at(-1));
    expect(consoleCallback).toContain('ConsoleHosting');
    expect(consoleCallback).toContain('/console/signed-in');
    expect(props.CallbackURLs).toEqual(expect.arrayContaining(settings.identity.provider === 'cognito' ? settings.identity.staffCallbackUrls : []));
    const [authorizer] = Object.values(resourcesOf('AWS::ApiGatewayV2::Authorizer'));
    expect((authorizer!.Properties as Record<string, any>).JwtConfiguration.Audience).toContainEqual({ Ref: clientId });
  });

  it('is not built where CloudFront cannot serve it without an ICP-filed domain (aws-cn)', () => {
    expect(partitionFeatures('aws-cn').consoleOnCloudFront).toBe(false);
    expect(template().toJSON().Outputs).toHaveProperty('ConsoleUrl');
  });
});
