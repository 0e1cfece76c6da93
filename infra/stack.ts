// The whole deployment, built by iterating shared/topology.ts and the deployment settings:
// adding a table, queue, bucket or function there needs no change here.
import { readFileSync } from 'node:fs';
import { ConsoleHosting } from './console-hosting.ts';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, NestedStack, RemovalPolicy, Stack, Validations, type CfnElement, type StackProps } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import * as apigw from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Charset, NodejsFunction, OutputFormat, type NodejsFunctionProps } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
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
  tableEnv,
  tables,
  visibilityTimeoutSeconds,
  type AttributeType,
  type BucketName,
  type BucketSpec,
  type FunctionName,
  type FunctionSpec,
  type QueueName,
  type QueueSpec,
  type TableName,
  type TableSpec,
  requiredScopes,
} from '../shared/topology.ts';
import { accessOf, bucketAccessOf, objectActions, tableAccessOf, tableActions } from '../shared/grants.ts';
import { operations } from '../shared/api/openapi.ts';
import { designatedHospitalsEnv, hospitalIdAttributeName, hospitalScopeName, resourceServerIdentifier } from '../shared/domain/token-claims.ts';
import { businessMetrics, metricsNamespace, type BusinessMetric } from '../shared/observability/metrics.ts';
import { partitionFeatures, type DeploymentSettings } from './settings.ts';
import { functionBundleOptions } from './bundling.ts';

export const projectRoot = fileURLToPath(new URL('..', import.meta.url));

/** The latest Node.js runtime this aws-cdk-lib knows (cdk-nag AwsSolutions-L1 checks for it). */
export const lambdaRuntime = lambda.Runtime.NODEJS_24_X;
export const serviceName = 'tuodi';
/** Namespace of the metrics the stack derives from the functions' logs. */
/** The namespace of the log-filter metrics: the business metrics' own (EMF). */
export const metricNamespace = metricsNamespace;
const logRetention = logs.RetentionDays.ONE_YEAR;
/** BatchWriteItem takes at most 25 puts. */
const seedChunkSize = 25;
/** Minutes over which most alarms count. */
const alarmPeriod = Duration.minutes(5);

/** Topology roles the identity provider's tokens carry, as the OAuth scope their routes require. */
export function routeScopes(name: FunctionName, scopes: { hospital: string; staff: string }): string[] {
  const operation = operations[name];
  if (!operation) throw new Error(`function ${name} has an http trigger but no operation in shared/api/openapi.ts`);
  return requiredScopes(operation.roles, scopes);
}

export interface TuodiStackProps extends StackProps {
  readonly settings: DeploymentSettings;
  /**
   * Project root the topology's `entry` paths are resolved against (it must hold a
   * package-lock.json). Tests point it at stub handlers, so the stack can be checked before
   * every handler exists.
   * @default the project root
   */
  readonly entryRoot?: string;
  /** @default data/hospitals.json */
  readonly hospitals?: Hospital[];
}

export interface Hospital {
  hospitalId: string;
  name: string;
  bankName?: string;
  bankAccount?: string;
  /**
   * Cognito only: the hospital's machine clients, by generation (a client's secret cannot be
   * changed: rotating it means a second client, then removing the first; docs/RUNBOOK.md).
   * @default [1]
   */
  clientGenerations?: number[];
}

export class TuodiStack extends Stack {
  readonly settings: DeploymentSettings;
  readonly tables = {} as Record<TableName, dynamodb.Table>;
  readonly queues = {} as Record<QueueName, sqs.Queue>;
  readonly deadLetterQueues = {} as Record<QueueName, sqs.Queue>;
  /** Where a scheduled job's event goes after its retries fail. */
  readonly scheduledJobsDeadLetterQueue: sqs.Queue;
  readonly buckets = {} as Record<BucketName, s3.Bucket>;
  readonly accessLogsBucket: s3.Bucket;
  readonly functions = {} as Record<FunctionName, NodejsFunction>;
  readonly logGroups = {} as Record<FunctionName, logs.LogGroup>;
  /** Lambda functions the stack adds beyond the topology's. */
  readonly helperFunctions: lambda.IFunction[] = [];
  readonly httpApi: apigwv2.HttpApi;
  readonly userPool?: cognito.UserPool;
  /** The staff's app client: the console signs in with it (authorization code with PKCE, no secret). */
  readonly staffClient?: cognito.UserPoolClient;
  readonly alarmTopic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;
  /**
   * Each function's own alarms and error-log filter (three resources a function): a nested stack,
   * so the main stack stays under CloudFormation's 500 resources per stack.
   */
  readonly functionMonitoring: NestedStack;
  /**
   * Each function's log group: a nested stack too (one resource a function, at 480 resources the
   * main stack could not take another route's seven).
   */
  readonly functionLogs: NestedStack;
  readonly backupPlan: backup.BackupPlan;
  /** The console's bucket and CloudFront distribution; absent where the partition has no CloudFront for it. */
  readonly consoleHosting?: ConsoleHosting;
  private readonly features: ReturnType<typeof partitionFeatures>;

  constructor(scope: Construct, id: string, props: TuodiStackProps) {
    super(scope, id, {
      ...props,
      env: { account: props.settings.account ?? props.env?.account, region: props.settings.region },
    });
    this.settings = props.settings;
    this.features = partitionFeatures(props.settings.partition);
    // Grant S3 log delivery through a bucket policy, not ACLs (ACLs are off on new buckets).
    // Set here, before any child exists, so the app and the tests behave alike.
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    const entryRoot = props.entryRoot ?? projectRoot;

    this.alarmTopic = this.addAlarmTopic();
    this.functionMonitoring = new NestedStack(this, 'FunctionMonitoring');
    this.functionLogs = new NestedStack(this, 'FunctionLogs');
    for (const [name, spec] of entriesOf<TableName, TableSpec>(tables)) this.addTable(name, spec);
    for (const [name, spec] of entriesOf<QueueName, QueueSpec>(queues)) this.addQueue(name, spec);
    this.scheduledJobsDeadLetterQueue = this.addDeadLetterQueue('ScheduledJobs', 'scheduled jobs whose retries failed');
    this.accessLogsBucket = this.addAccessLogBucket();
    for (const [name, spec] of entriesOf<BucketName, BucketSpec>(buckets)) this.addBucket(name, spec, this.accessLogsBucket);
    for (const [name, spec] of entriesOf<FunctionName, FunctionSpec>(functions)) {
      this.addFunction(name, spec, entryRoot);
    }
    this.lockBankFilesToTheirWriter();

    const hospitals = props.hospitals ?? readHospitals(join(projectRoot, 'data/hospitals.json'));
    const identity = props.settings.identity;
    let authorizer: HttpJwtAuthorizer;
    let scopes: { hospital: string; staff: string };
    let signInOrigin: string;
    if (identity.provider === 'cognito') {
      const pool = this.addUserPool(hospitals, identity);
      this.userPool = pool.userPool;
      this.staffClient = pool.staffClient;
      // Cognito access tokens carry no `aud`; API Gateway then checks `client_id` against the audience.
      authorizer = new HttpJwtAuthorizer('JwtAuthorizer', `https://${pool.userPool.userPoolProviderUrl}`, {
        jwtAudience: pool.clientIds,
      });
      scopes = { hospital: `${resourceServerIdentifier}/hospital`, staff: `${resourceServerIdentifier}/staff` };
      new CfnOutput(this, 'UserPoolId', { value: pool.userPool.userPoolId });
      new CfnOutput(this, 'StaffClientId', { value: pool.staffClient.userPoolClientId });
      new CfnOutput(this, 'AuthBaseUrl', { value: pool.domain.baseUrl() });
      signInOrigin = pool.domain.baseUrl();
    } else {
      authorizer = new HttpJwtAuthorizer('JwtAuthorizer', identity.issuer, { jwtAudience: identity.audience });
      scopes = identity.scopes;
      signInOrigin = new URL(identity.issuer).origin;
    }
    const { api, stage } = this.addHttpApi(authorizer, scopes);
    this.httpApi = api;
    if (this.features.consoleOnCloudFront) {
      this.consoleHosting = new ConsoleHosting(this, 'ConsoleHosting', {
        httpApi: api,
        accessLogsBucket: this.accessLogsBucket,
        // The console uploads documents straight to their bucket, and exchanges its sign-in code for tokens.
        connectOrigins: [`https://${this.buckets.documents.bucketRegionalDomainName}`, signInOrigin],
        allowedCountries: this.settings.consoleCountries,
      });
      const consoleUrl = `https://${this.consoleHosting.distribution.distributionDomainName}/console/`;
      new CfnOutput(this, 'ConsoleUrl', { value: consoleUrl });
      if (this.staffClient && identity.provider === 'cognito') {
        // The console's hosted-UI sign-in (authorization code with PKCE) returns to its callback page.
        const client = this.staffClient.node.defaultChild as cognito.CfnUserPoolClient;
        client.callbackUrLs = [...identity.staffCallbackUrls, `${consoleUrl}signed-in`];
        client.logoutUrLs = [...identity.staffLogoutUrls, consoleUrl];
      }
      new CfnOutput(this, 'ConsoleBucketName', { value: this.consoleHosting.bucket.bucketName });
    }
    this.seedHospitals(hospitals);
    this.backupPlan = this.addBackupPlan();
    this.addAlarms(api);
    this.dashboard = this.addDashboard(api);

    new CfnOutput(this, 'ApiUrl', { value: stage.url });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });
  }

  /** The one place alarms go; who hears them is configuration (SNS subscriptions). */
  private addAlarmTopic(): sns.Topic {
    const topic = new sns.Topic(this, 'AlarmTopic', { displayName: 'Tuodi alarms', enforceSSL: true });
    Validations.of(topic).acknowledge({
      id: 'AwsSolutions-SNS2',
      reason:
        'Alarm notifications carry alarm names, metric names and thresholds, never personal data; CloudWatch can publish to an SSE topic only through a customer-managed KMS key, which adds a key to run for no secret.',
    });
    for (const { protocol, endpoint } of this.settings.alarmSubscriptions) {
      if (protocol === 'email') topic.addSubscription(new subscriptions.EmailSubscription(endpoint));
      else if (protocol === 'sms') topic.addSubscription(new subscriptions.SmsSubscription(endpoint));
      else topic.addSubscription(new subscriptions.UrlSubscription(endpoint, { protocol: sns.SubscriptionProtocol.HTTPS }));
    }
    return topic;
  }

  /** Every alarm of the stack goes through here, so none is without an action. */
  private alarm(id: string, props: cloudwatch.AlarmProps, scope: Construct = this): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(scope, id, { treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING, ...props });
    alarm.addAlarmAction(new SnsAction(this.alarmTopic));
    alarm.addOkAction(new SnsAction(this.alarmTopic));
    this.alarms.push(alarm);
    return alarm;
  }

  private addTable(name: TableName, spec: TableSpec): void {
    const table = new dynamodb.Table(this, `Table${pascal(name)}`, {
      // Explicit: a key change in the topology then fails the deployment instead of replacing
      // the table with an empty one under a new generated name.
      tableName: `${this.settings.stage}-${name}`,
      partitionKey: keyOf(spec.partitionKey),
      sortKey: spec.sortKey && keyOf(spec.sortKey),
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      encryption: dynamodb.TableEncryption.AWS_MANAGED,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      timeToLiveAttribute: spec.timeToLiveAttribute,
      stream: spec.stream ? dynamodb.StreamViewType.NEW_AND_OLD_IMAGES : undefined,
      warmThroughput: this.settings.warmThroughput[name],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const gsi of spec.globalSecondaryIndexes ?? []) {
      table.addGlobalSecondaryIndex({
        indexName: gsi.indexName,
        partitionKey: keyOf(gsi.partitionKey),
        sortKey: gsi.sortKey && keyOf(gsi.sortKey),
      });
    }
    this.tables[name] = table;
  }

  private addDeadLetterQueue(name: string, holds: string): sqs.Queue {
    const dlq = new sqs.Queue(this, `DeadLetterQueue${name}`, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    // A dead-letter queue is the end of the line: nothing is there to have its own DLQ.
    Validations.of(dlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is itself a dead-letter queue.',
    });
    this.alarm(`DeadLetterAlarm${name}`, {
      alarmDescription: `Messages of ${holds} are in a dead-letter queue: see docs/RUNBOOK.md, "A message in a dead-letter queue".`,
      metric: dlq.metricApproximateNumberOfMessagesVisible({ statistic: cloudwatch.Stats.MAXIMUM, period: alarmPeriod }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    return dlq;
  }

  private addQueue(name: QueueName, spec: QueueSpec): void {
    const dlq = this.addDeadLetterQueue(pascal(name), `${name} that failed ${spec.maxReceiveCount} times`);
    const queue = new sqs.Queue(this, `Queue${pascal(name)}`, {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(visibilityTimeoutSeconds(name)),
      deadLetterQueue: { queue: dlq, maxReceiveCount: spec.maxReceiveCount },
    });
    const oldest = spec.oldestMessageAlarmSeconds ?? visibilityTimeoutSeconds(name);
    this.alarm(`OldestMessageAlarm${pascal(name)}`, {
      alarmDescription: `A message of ${name} has waited over ${oldest} s: its worker is failing or backed up (docs/RUNBOOK.md, "Stuck work").`,
      metric: queue.metricApproximateAgeOfOldestMessage({ statistic: cloudwatch.Stats.MAXIMUM, period: alarmPeriod }),
      threshold: oldest,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });
    this.queues[name] = queue;
    this.deadLetterQueues[name] = dlq;
  }

  private addAccessLogBucket(): s3.Bucket {
    const bucket = new s3.Bucket(this, 'AccessLogsBucket', {
      ...secureBucketProps,
      lifecycleRules: [
        { expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30), abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });
    Validations.of(bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'This is the server-access-log bucket itself; logging it into itself would log its own log writes.',
    });
    return bucket;
  }

  private addBucket(name: BucketName, spec: BucketSpec, accessLogs: s3.Bucket): void {
    const lock = spec.objectLock;
    const retentionDays = lock && (this.settings.bankFileRetentionDays ?? lock.retentionDays);
    this.buckets[name] = new s3.Bucket(this, `Bucket${pascal(name)}`, {
      ...secureBucketProps,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: `${name}/`,
      ...(lock && {
        objectLockEnabled: true,
        objectLockDefaultRetention: s3.ObjectLockRetention.governance(Duration.days(retentionDays!)),
      }),
      lifecycleRules: [
        {
          abortIncompleteMultipartUploadAfter: Duration.days(1),
          ...(spec.noncurrentVersionDays && { noncurrentVersionExpiration: Duration.days(spec.noncurrentVersionDays) }),
        },
      ],
    });
  }

  /**
   * A locked bucket is written by the functions granted `put` on it and by no one else, not
   * even an administrator's role: a bucket policy denies every other principal. Nobody may
   * delete versions, bypass or shorten the lock (changing that needs the bucket policy changed
   * first, which CloudTrail records).
   */
  private lockBankFilesToTheirWriter(): void {
    for (const [name, spec] of entriesOf<BucketName, BucketSpec>(buckets)) {
      if (!spec.objectLock) continue;
      const bucket = this.buckets[name];
      const writers = entriesOf<FunctionName, FunctionSpec>(functions)
        .filter(([, fn]) => bucketAccessOf(accessOf(fn).buckets?.[name] ?? []).some((a) => a.operations.includes('put')))
        .map(([fnName]) => this.functions[fnName].role!.roleArn);
      const objects = bucket.arnForObjects('*');
      bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'OnlyTheWriterWrites',
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['s3:PutObject'],
          resources: [objects],
          conditions: { ArnNotEquals: { 'aws:PrincipalArn': writers } },
        }),
      );
      bucket.addToResourcePolicy(
        new iam.PolicyStatement({
          sid: 'NothingUndoesAWrite',
          effect: iam.Effect.DENY,
          principals: [new iam.AnyPrincipal()],
          actions: ['s3:DeleteObjectVersion', 's3:BypassGovernanceRetention', 's3:PutObjectRetention', 's3:PutObjectLegalHold'],
          resources: [objects],
        }),
      );
    }
  }

  /** Bundling and runtime settings every function shares. */
  private nodejsProps(id: string, timeoutSeconds: number, memoryMiB: number, root = projectRoot): NodejsFunctionProps {
    const logGroup = new logs.LogGroup(this.functionLogs, `${id}Logs`, { retention: logRetention });
    // Its own role, allowed to write its own log group only (the managed basic execution role
    // would let it write to every log group of the account).
    const role = new iam.Role(this, `${id}Role`, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(
      new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
    );
    return {
      handler: 'handler',
      runtime: lambdaRuntime,
      architecture: lambda.Architecture.ARM_64,
      timeout: Duration.seconds(timeoutSeconds),
      memorySize: memoryMiB,
      tracing: this.features.lambdaXRay ? lambda.Tracing.ACTIVE : lambda.Tracing.DISABLED,
      role,
      logGroup,
      projectRoot: root,
      depsLockFilePath: join(root, 'package-lock.json'),
      // No --enable-source-maps: Node then reads and parses each bundle's map (2–7 MB) at load,
      // which bench:cold-start measured at +0.15–6 s of load on this machine. The maps still ship
      // beside the bundles, to decode a minified stack trace offline.
      environment: { POWERTOOLS_SERVICE_NAME: serviceName },
      // The esbuild settings live in infra/bundling.ts, shared with the bundle-budget test and
      // bench/cold-start.ts. The pinned SDK is bundled (externalModules: []): the runtime's copy
      // lacks some @aws-sdk packages (lib-dynamodb, lib-storage, the presigner).
      bundling: {
        format: OutputFormat.ESM,
        minify: functionBundleOptions.minify,
        sourceMap: true,
        target: functionBundleOptions.target,
        mainFields: [...functionBundleOptions.mainFields],
        charset: functionBundleOptions.charset === 'utf8' ? Charset.UTF8 : Charset.ASCII,
        externalModules: [],
        banner: functionBundleOptions.banner.js,
      },
    };
  }

  private nodejsFunction(id: string, props: NodejsFunctionProps): NodejsFunction {
    const fn = new NodejsFunction(this, id, props);
    if (this.features.lambdaXRay) {
      Validations.of(fn.role!).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Active X-Ray tracing needs xray:PutTraceSegments and xray:PutTelemetryRecords, which have no resource-level permissions.',
      });
    }
    return fn;
  }

  private addFunction(name: FunctionName, spec: FunctionSpec, entryRoot: string): void {
    const id = `Function${pascal(name)}`;
    const trigger = spec.trigger;
    const props = this.nodejsProps(id, spec.timeoutSeconds, spec.memoryMiB, entryRoot);
    const fn = this.nodejsFunction(id, {
      ...props,
      entry: join(entryRoot, spec.entry),
      // A scheduled job runs asynchronously: Lambda retries it twice, then keeps the event here.
      ...(trigger.type === 'schedule' && {
        deadLetterQueue: this.scheduledJobsDeadLetterQueue,
        retryAttempts: 2,
        maxEventAge: Duration.hours(6),
      }),
    });
    this.logGroups[name] = props.logGroup as logs.LogGroup;
    this.grantAccess(name, fn, accessOf(spec));

    if (trigger.type === 'queue') {
      fn.addEventSource(
        new SqsEventSource(this.queues[trigger.queue], {
          batchSize: trigger.batchSize,
          reportBatchItemFailures: true,
          maxConcurrency: trigger.maxConcurrency ?? defaultBounds.queueMaxConcurrency,
          // Lambda requires a batching window for batches above 10.
          maxBatchingWindow: trigger.batchSize > 10 ? Duration.seconds(1) : undefined,
        }),
      );
    } else if (trigger.type === 'schedule') {
      new events.Rule(this, `Schedule${pascal(name)}`, {
        schedule: events.Schedule.expression(trigger.schedule),
        targets: [
          new targets.LambdaFunction(fn, {
            event: events.RuleTargetInput.fromObject({ job: trigger.job }),
            // Delivery to Lambda failing (throttled, unavailable) is retried, then dead-lettered.
            retryAttempts: 8,
            maxEventAge: Duration.hours(6),
            deadLetterQueue: this.scheduledJobsDeadLetterQueue,
          }),
        ],
      });
    } else if (trigger.type === 'stream') {
      // From the oldest record, retried until it succeeds (the figures ledger makes replays harmless).
      fn.addEventSource(
        new DynamoEventSource(this.tables[trigger.table], {
          startingPosition: lambda.StartingPosition.TRIM_HORIZON,
          batchSize: trigger.batchSize,
          parallelizationFactor: trigger.parallelizationFactor,
          reportBatchItemFailures: true,
          bisectBatchOnError: true,
        }),
      );
      Validations.of(fn.role!).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          "The DynamoDB event source grants dynamodb:ListStreams on *: Lambda's event source mapping lists the table's streams, an action IAM scopes to no table. Reading records (GetRecords, GetShardIterator, DescribeStream) is granted on the one stream ARN.",
      });
    }
    // HTTP triggers become routes in addHttpApi.
    this.functions[name] = fn;
  }

  /** Grants exactly the topology's access, statement by statement; sets each resource's variable. */
  private grantAccess(name: FunctionName, fn: NodejsFunction, access: FunctionSpec['access']): void {
    for (const [table, level] of definedEntries(access.tables)) {
      const resource = this.tables[table];
      const { operations: ops, queryIndexes } = tableAccessOf(level, tables[table]);
      if (ops.length) {
        fn.addToRolePolicy(new iam.PolicyStatement({ actions: ops.map((op) => tableActions[op]), resources: [resource.tableArn] }));
      }
      if (queryIndexes.length) {
        fn.addToRolePolicy(
          new iam.PolicyStatement({
            actions: [tableActions.query],
            resources: queryIndexes.map((index) => `${resource.tableArn}/index/${index}`),
          }),
        );
      }
      fn.addEnvironment(tableEnv(table), resource.tableName);
    }
    for (const [queue] of definedEntries(access.queues)) {
      this.queues[queue].grantSendMessages(fn);
      fn.addEnvironment(queueEnv(queue), this.queues[queue].queueUrl);
    }
    for (const [bucket, level] of definedEntries(access.buckets)) {
      const resource = this.buckets[bucket];
      const keySpaces: Record<string, string> = buckets[bucket].keySpaces ?? {};
      for (const { prefix, operations: ops } of bucketAccessOf(level)) {
        const pattern = `${prefix}*`;
        fn.addToRolePolicy(
          new iam.PolicyStatement({ actions: ops.map((op) => objectActions[op]), resources: [resource.arnForObjects(pattern)] }),
        );
        const why = keySpaces[prefix];
        // Only a key space the topology describes is acknowledged; any other wildcard fails cdk-nag.
        if (why) {
          Validations.of(fn.role!).acknowledge({
            id: `AwsSolutions-IAM5[Resource::<${this.logicalIdOf(resource)}.Arn>/${pattern}]`,
            reason: `${name} touches objects under ${bucket}/${prefix}, which holds ${why}: IAM cannot name such keys ahead of time.`,
          });
        }
      }
      fn.addEnvironment(bucketEnv(bucket), resource.bucketName);
    }
    for (const [secret] of definedEntries(access.secrets)) {
      // A SecureString made once before the first deploy (CloudFormation cannot create one): see the README.
      const { parameterName } = secrets[secret];
      const parameter = ssm.StringParameter.fromSecureStringParameterAttributes(this, `Function${pascal(name)}Secret${pascal(secret)}`, { parameterName });
      parameter.grantRead(fn);
      fn.addEnvironment(secretEnv(secret), parameterName);
    }
  }

  private logicalIdOf(construct: Construct): string {
    return this.resolve((construct.node.defaultChild as CfnElement).logicalId) as string;
  }

  private addUserPool(hospitals: readonly Hospital[], identity: Extract<DeploymentSettings['identity'], { provider: 'cognito' }>) {
    const userPool = new cognito.UserPool(this, 'UserPool', {
      // Staff accounts are created by an administrator; hospitals sign in as machine clients.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      signInCaseSensitive: false,
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: cognito.Mfa.REQUIRED,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      // Essentials is the cheapest plan with the V2/V3 trigger that customises access tokens (V3
      // also machine tokens): the clerks' hospital_id and the hospitals' (README, Cost).
      featurePlan: cognito.FeaturePlan.ESSENTIALS,
      // A hospital clerk's hospital: set by an administrator with the user (AdminCreateUser), never
      // changed (a clerk moving hospital gets a new user); the token trigger copies it into the token.
      customAttributes: {
        [hospitalIdAttributeName]: new cognito.StringAttribute({ minLen: 1, maxLen: 64, mutable: false }),
      },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(userPool).acknowledge({
      id: 'AwsSolutions-COG8',
      reason:
        'Plus-tier threat protection is priced per active user and aimed at public sign-up; this pool holds a few administrator-created staff accounts that must use TOTP MFA, plus machine clients it does not apply to.',
    });

    for (const role of roles) userPool.addGroup(`Group${pascal(role)}`, { groupName: role });

    const domain = userPool.addDomain('Domain', { cognitoDomain: { domainPrefix: identity.domainPrefix } });

    // Route scopes: every hospital client gets `hospital`, the staff client `staff`; each
    // hospital client also gets the one scope naming its hospital (read by the token trigger).
    const hospitalScope = new cognito.ResourceServerScope({ scopeName: 'hospital', scopeDescription: 'Call the hospital routes' });
    const staffScope = new cognito.ResourceServerScope({ scopeName: 'staff', scopeDescription: 'Call the staff routes' });
    const hospitalIdScopes = hospitals.map(
      (h) =>
        new cognito.ResourceServerScope({
          scopeName: hospitalScopeName(h.hospitalId),
          scopeDescription: `Act as designated hospital ${h.hospitalId}`,
        }),
    );
    const resourceServer = userPool.addResourceServer('ApiResourceServer', {
      identifier: resourceServerIdentifier,
      scopes: [hospitalScope, staffScope, ...hospitalIdScopes],
    });

    // The console's client, for staff and hospital clerks alike: it may ask for both route scopes,
    // and the token trigger leaves each user only the scope of their kind (clerk or staff).
    const staffClient = userPool.addClient('StaffClient', {
      generateSecret: false, // a browser app: authorization code with PKCE
      authFlows: { userSrp: true },
      preventUserExistenceErrors: true,
      // Users edit nothing that decides what they may do: the sign-in email and custom:hospital_id
      // are the administrators' (and the latter immutable).
      writeAttributes: new cognito.ClientAttributes().withStandardAttributes({ fullname: true, preferredUsername: true, locale: true }),
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [
          cognito.OAuthScope.OPENID,
          cognito.OAuthScope.EMAIL,
          cognito.OAuthScope.PROFILE,
          cognito.OAuthScope.resourceServer(resourceServer, staffScope),
          cognito.OAuthScope.resourceServer(resourceServer, hospitalScope),
        ],
        callbackUrls: identity.staffCallbackUrls,
        logoutUrls: identity.staffLogoutUrls,
      },
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(12),
    });

    // One confidential client per designated hospital and generation, allowed the hospital
    // scope and its own. Generation 1 keeps the original name and id, so it is never replaced.
    const hospitalClients = hospitals.flatMap((h, i) =>
      (h.clientGenerations ?? [1]).map((generation) =>
        userPool.addClient(`HospitalClient${pascal(h.hospitalId)}${generation === 1 ? '' : `G${generation}`}`, {
          userPoolClientName: `hospital-${h.hospitalId}${generation === 1 ? '' : `-g${generation}`}`,
          generateSecret: true,
          oAuth: {
            flows: { clientCredentials: true },
            scopes: [
              cognito.OAuthScope.resourceServer(resourceServer, hospitalScope),
              cognito.OAuthScope.resourceServer(resourceServer, hospitalIdScopes[i]!),
            ],
          },
          accessTokenValidity: Duration.hours(1),
        }),
      ),
    );

    const tokenClaimsProps = this.nodejsProps('HospitalTokenClaims', 5, 256);
    const tokenClaims = this.nodejsFunction('HospitalTokenClaims', {
      ...tokenClaimsProps,
      entry: join(projectRoot, 'functions/token-claims/handler.ts'),
      description: 'Cognito pre-token-generation V3: hospital_id claim for hospital machine tokens and hospital clerks, one route scope a user',
      environment: { ...tokenClaimsProps.environment, [designatedHospitalsEnv]: hospitals.map((h) => h.hospitalId).join(',') },
    });
    userPool.addTrigger(cognito.UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG, tokenClaims, cognito.LambdaVersion.V3_0);
    this.helperFunctions.push(tokenClaims);

    const clientIds = [staffClient, ...hospitalClients].map((c) => c.userPoolClientId);
    return { userPool, clientIds, staffClient, domain };
  }

  private addHttpApi(authorizer: HttpJwtAuthorizer, scopes: { hospital: string; staff: string }) {
    const api = new apigwv2.HttpApi(this, 'HttpApi', { apiName: serviceName, createDefaultStage: false });
    const accessLogs = new logs.LogGroup(this, 'HttpApiAccessLogs', { retention: logRetention });
    // Created by hand: the stage HttpApi creates itself takes no access-log settings.
    const stage = new apigwv2.HttpStage(this, 'HttpApiDefaultStage', {
      httpApi: api,
      stageName: '$default',
      autoDeploy: true,
      // The ceiling for a route the topology gives no throttle of its own.
      throttle: { rateLimit: 200, burstLimit: 400 },
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(accessLogs),
        format: apigw.AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            ip: '$context.identity.sourceIp',
            requestTime: '$context.requestTime',
            routeKey: '$context.routeKey',
            status: '$context.status',
            responseLength: '$context.responseLength',
            latency: '$context.responseLatency',
            integrationError: '$context.integrationErrorMessage',
            authorizerError: '$context.authorizer.error',
            clientId: '$context.authorizer.claims.client_id',
          }),
        ),
      },
    });

    const identity = this.settings.identity;
    const claimEnvironment =
      identity.provider === 'oidc'
        ? {
            [auth.claimEnv.roles]: identity.claims.roles,
            [auth.claimEnv.hospital]: identity.claims.hospital,
            [auth.claimEnv.township]: identity.claims.township,
          }
        : {};
    // CloudFormation's own spelling: the L1 passes this map through untouched.
    const routeSettings: Record<string, { ThrottlingRateLimit: number; ThrottlingBurstLimit: number }> = {};
    for (const [name, spec] of entriesOf<FunctionName, FunctionSpec>(functions)) {
      const trigger = spec.trigger;
      if (trigger.type !== 'http') continue;
      const fn = this.functions[name];
      for (const [key, value] of Object.entries(claimEnvironment)) fn.addEnvironment(key, value);
      const required = trigger.authenticated ? routeScopes(name, scopes) : [];
      const [route] = api.addRoutes({
        path: trigger.path,
        methods: [apigwv2.HttpMethod[trigger.method]],
        integration: new HttpLambdaIntegration(`Integration${pascal(name)}`, fn),
        authorizer: trigger.authenticated ? authorizer : new apigwv2.HttpNoneAuthorizer(),
        ...(required.length && { authorizationScopes: required }),
      });
      const throttle = trigger.throttle ?? defaultBounds.route;
      routeSettings[`${trigger.method} ${trigger.path}`] = {
        ThrottlingRateLimit: throttle.ratePerSecond,
        ThrottlingBurstLimit: throttle.burst,
      };
      // Route settings name routes by key: the stage must come after them.
      if (route) stage.node.addDependency(route);
      if (!trigger.authenticated && route) {
        Validations.of(route).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `The topology marks ${trigger.method} ${trigger.path} public (authenticated: false): health checks and the API description need no token.`,
        });
      }
    }
    (stage.node.defaultChild as apigwv2.CfnStage).routeSettings = routeSettings;
    return { api, stage };
  }

  /** Upserts data/hospitals.json into the hospitals table; changing the file changes the call, so it re-runs. */
  private seedHospitals(hospitals: readonly Hospital[]): void {
    const table = this.tables.hospitals;
    // The provider's own role and log group: CDK's default role would carry the managed basic
    // execution policy, which may write to every log group.
    const logGroup = new logs.LogGroup(this, 'SeedHospitalsLogs', { retention: logRetention });
    const role = new iam.Role(this, 'SeedHospitalsRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    for (let i = 0; i * seedChunkSize < hospitals.length; i++) {
      const chunk = hospitals.slice(i * seedChunkSize, (i + 1) * seedChunkSize);
      const call = {
        service: 'DynamoDB',
        action: 'BatchWriteItem',
        parameters: {
          RequestItems: {
            [table.tableName]: chunk.map((h) => ({ PutRequest: { Item: marshall({ hospitalId: h.hospitalId, name: h.name, ...(h.bankName && h.bankAccount && { bankName: h.bankName, bankAccount: h.bankAccount }) }) } })),
          },
        },
        physicalResourceId: PhysicalResourceId.of(`hospitals-seed-${i}`),
      };
      new AwsCustomResource(this, `SeedHospitals${i}`, {
        onCreate: call,
        onUpdate: call,
        policy: AwsCustomResourcePolicy.fromSdkCalls({ resources: [table.tableArn] }),
        installLatestAwsSdk: false,
        role,
        logGroup,
      });
    }
  }

  /** Daily and monthly copies of the money tables, kept beyond point-in-time recovery's 35 days. */
  private addBackupPlan(): backup.BackupPlan {
    const vault = new backup.BackupVault(this, 'BackupVault', { removalPolicy: RemovalPolicy.RETAIN });
    const { dailyRetentionDays, monthlyRetentionDays } = this.settings.backup;
    const plan = new backup.BackupPlan(this, 'BackupPlan', {
      backupVault: vault,
      backupPlanRules: [
        new backup.BackupPlanRule({
          ruleName: 'Daily',
          // 02:00 in China (UTC+8), after the nightly jobs.
          scheduleExpression: events.Schedule.cron({ hour: '18', minute: '0' }),
          deleteAfter: Duration.days(dailyRetentionDays),
        }),
        new backup.BackupPlanRule({
          ruleName: 'Monthly',
          scheduleExpression: events.Schedule.cron({ day: '1', hour: '19', minute: '0' }),
          deleteAfter: Duration.days(monthlyRetentionDays),
        }),
      ],
    });
    const moneyTables = entriesOf<TableName, TableSpec>(tables)
      .filter(([, spec]) => spec.backup === 'money')
      .map(([name]) => backup.BackupResource.fromDynamoDbTable(this.tables[name]));
    const selection = plan.addSelection('MoneyTables', { resources: moneyTables, allowRestores: true });
    Validations.of(selection).acknowledge(
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
        reason: 'AWS Backup assumes this role to take the backups; AWS maintains the policy for the resource types it backs up, and the selection limits which resources it takes.',
      },
      {
        id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores]',
        reason: 'Restoring a table (docs/RUNBOOK.md) runs as this role; AWS maintains the policy for the resource types it restores.',
      },
    );
    return plan;
  }

  private addAlarms(api: apigwv2.HttpApi): void {
    for (const [name] of entriesOf<FunctionName, FunctionSpec>(functions)) {
      const fn = this.functions[name];
      this.alarm(`ErrorsAlarm${pascal(name)}`, {
        alarmDescription: `${name} failed (an exception, a timeout or out of memory).`,
        metric: fn.metricErrors({ period: alarmPeriod, statistic: cloudwatch.Stats.SUM }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      }, this.functionMonitoring);
      this.alarm(`ThrottlesAlarm${pascal(name)}`, {
        alarmDescription: `${name} was throttled: the account's Lambda concurrency is used up.`,
        metric: fn.metricThrottles({ period: alarmPeriod, statistic: cloudwatch.Stats.SUM }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      }, this.functionMonitoring);
      // The HTTP edge turns exceptions into 500 responses and logs them at ERROR: only the
      // logs (and the API's 5xx) see them.
      new logs.MetricFilter(this.functionMonitoring, `ErrorLogFilter${pascal(name)}`, {
        logGroup: this.logGroups[name],
        filterPattern: logs.FilterPattern.stringValue('$.level', '=', 'ERROR'),
        metricNamespace,
        metricName: 'ErrorsLogged',
        metricValue: '1',
      });
    }
    this.alarm('ErrorsLoggedAlarm', {
      alarmDescription: 'A function logged an error (an unhandled error answered 500, or a failed record).',
      metric: new cloudwatch.Metric({ namespace: metricNamespace, metricName: 'ErrorsLogged', statistic: cloudwatch.Stats.SUM, period: alarmPeriod }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    this.alarm('ApiServerErrorsAlarm', {
      alarmDescription: 'The HTTP API answered 5xx: a request failed that the caller must retry.',
      metric: api.metricServerError({ period: alarmPeriod, statistic: cloudwatch.Stats.SUM }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    for (const [name] of entriesOf<TableName, TableSpec>(tables)) {
      const table = this.tables[name];
      const throttled = new cloudwatch.MathExpression({
        expression: 'reads + writes',
        usingMetrics: {
          reads: table.metric('ReadThrottleEvents', { statistic: cloudwatch.Stats.SUM, period: alarmPeriod }),
          writes: table.metric('WriteThrottleEvents', { statistic: cloudwatch.Stats.SUM, period: alarmPeriod }),
        },
        label: `${name} throttle events`,
        period: alarmPeriod,
      });
      // The SDK retries a throttled call; a hundred in five minutes means work is slowing down.
      this.alarm(`ThrottleAlarm${pascal(name)}`, {
        alarmDescription: `DynamoDB throttled ${name} (a hot key, or a new table's first minutes under load).`,
        metric: throttled,
        threshold: 100,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      });
    }
  }

  /** Counts from the workers' log lines (`logger.info(message, { outcome })`), by outcome where it is a string. */
  private flowMetric(id: string, functionName: FunctionName, message: string, metricName: string, byOutcome: boolean) {
    new logs.MetricFilter(this, id, {
      logGroup: this.logGroups[functionName],
      filterPattern: logs.FilterPattern.stringValue('$.message', '=', message),
      metricNamespace,
      metricName,
      metricValue: '1',
      ...(byOutcome && { dimensions: { outcome: '$.outcome' } }),
    });
    return byOutcome
      ? new cloudwatch.MathExpression({
          expression: `SEARCH('{${metricNamespace},outcome} MetricName="${metricName}"', 'Sum', 300)`,
          label: metricName,
          period: alarmPeriod,
        })
      : new cloudwatch.Metric({ namespace: metricNamespace, metricName, statistic: cloudwatch.Stats.SUM, period: alarmPeriod });
  }

  /** A business metric (EMF, shared/observability/metrics.ts), one line per value of its dimension. */
  private businessMetric(metric: BusinessMetric): cloudwatch.MathExpression {
    return new cloudwatch.MathExpression({
      expression: `SEARCH('{${metricsNamespace},${businessMetrics[metric]},service} MetricName="${metric}"', 'Sum', 300)`,
      label: metric,
      period: alarmPeriod,
    });
  }

  private addDashboard(api: apigwv2.HttpApi): cloudwatch.Dashboard {
    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', { dashboardName: `${this.settings.stage}-flows` });
    const queueFlow = (name: QueueName) => [
      this.queues[name].metricNumberOfMessagesSent({ period: alarmPeriod, label: `${name} sent` }),
      this.queues[name].metricNumberOfMessagesDeleted({ period: alarmPeriod, label: `${name} done` }),
    ];
    const graph = (title: string, left: cloudwatch.IMetric[]) => new cloudwatch.GraphWidget({ title, left, width: 12 });
    dashboard.addWidgets(
      graph('Registry imports finished', [
        this.flowMetric('FlowImports', 'importRecipients', 'recipient import', 'RecipientImports', false),
        ...queueFlow('recipientImports'),
      ]),
      graph('Hospital notices decided', [this.businessMetric('NoticesDecided'), ...queueFlow('hospitalNotices')]),
    );
    dashboard.addWidgets(
      graph('Payments recorded, by program', [this.businessMetric('PaymentsRecorded')]),
      graph('Import lines rejected, by reason; stalled work sent again, by kind', [
        this.businessMetric('ImportLinesRejected'),
        this.businessMetric('SweepRedrives'),
      ]),
    );
    dashboard.addWidgets(
      graph('Payment chunks recorded (each chunk records its planned payments)', queueFlow('payoutChunks')),
      graph('Payout batches by step and outcome', [
        this.flowMetric('FlowBatchesPlanned', 'planPayoutBatch', 'payout batch planned', 'BatchesPlanned', true),
        this.flowMetric('FlowBankFiles', 'writeBankFiles', 'bank files', 'BankFilesWritten', true),
        this.flowMetric('FlowBankReports', 'applyBankResults', 'bank report', 'BankReportsApplied', true),
      ]),
    );
    dashboard.addWidgets(
      graph('Dead-letter queues (messages)', [
        ...entriesOf<QueueName, QueueSpec>(queues).map(([name]) =>
          this.deadLetterQueues[name].metricApproximateNumberOfMessagesVisible({ label: name, statistic: cloudwatch.Stats.MAXIMUM }),
        ),
        this.scheduledJobsDeadLetterQueue.metricApproximateNumberOfMessagesVisible({ label: 'scheduled jobs', statistic: cloudwatch.Stats.MAXIMUM }),
      ]),
      graph('Oldest message (seconds)', entriesOf<QueueName, QueueSpec>(queues).map(([name]) =>
        this.queues[name].metricApproximateAgeOfOldestMessage({ label: name, statistic: cloudwatch.Stats.MAXIMUM }),
      )),
    );
    dashboard.addWidgets(
      graph('API requests and errors', [
        api.metricCount({ period: alarmPeriod }),
        api.metricClientError({ period: alarmPeriod }),
        api.metricServerError({ period: alarmPeriod }),
      ]),
      graph('Errors logged', [new cloudwatch.Metric({ namespace: metricNamespace, metricName: 'ErrorsLogged', statistic: cloudwatch.Stats.SUM, period: alarmPeriod })]),
    );
    return dashboard;
  }
}

const secureBucketProps = {
  blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
  enforceSSL: true,
  encryption: s3.BucketEncryption.S3_MANAGED,
  versioned: true,
  removalPolicy: RemovalPolicy.RETAIN,
} satisfies s3.BucketProps;

function entriesOf<K extends string, V>(record: Record<K, V>): Array<[K, V]> {
  return Object.entries(record) as Array<[K, V]>;
}

function definedEntries<K extends string, V>(record: Partial<Record<K, V>> | undefined): Array<[K, V]> {
  return (Object.entries(record ?? {}) as Array<[K, V | undefined]>).filter(
    (entry): entry is [K, V] => entry[1] !== undefined,
  );
}

function keyOf(key: { name: string; type: AttributeType }): dynamodb.Attribute {
  return { name: key.name, type: key.type === 'S' ? dynamodb.AttributeType.STRING : dynamodb.AttributeType.NUMBER };
}

/** recipientImports -> RecipientImports, H-YZ-PEOPLES -> HYzPeoples: stable construct ids. */
export function pascal(name: string): string {
  return name
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((part) => part[0]!.toUpperCase() + (/^[A-Z0-9]+$/.test(part) ? part.slice(1).toLowerCase() : part.slice(1)))
    .join('');
}

export function readHospitals(path: string): Hospital[] {
  const data: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (!Array.isArray(data)) throw new Error(`${path}: expected an array of hospitals`);
  const seen = new Set<string>();
  return data.map((item: unknown, i) => {
    const h = item as Partial<Hospital> | null;
    if (typeof h?.hospitalId !== 'string' || !h.hospitalId || typeof h.name !== 'string') {
      throw new Error(`${path}[${i}]: expected { hospitalId: string, name: string }`);
    }
    if (seen.has(h.hospitalId)) throw new Error(`${path}: duplicate hospitalId ${h.hospitalId}`);
    seen.add(h.hospitalId);
    const generations = h.clientGenerations;
    if (generations !== undefined && (!Array.isArray(generations) || generations.length === 0 || !generations.every((g) => Number.isInteger(g) && g >= 1))) {
      throw new Error(`${path}[${i}].clientGenerations: expected a non-empty list of whole numbers from 1`);
    }
    // Bank details, when given, are where HOSPITAL_REIMBURSEMENT pays the hospital.
    return {
      hospitalId: h.hospitalId,
      name: h.name,
      ...(h.bankName && h.bankAccount && { bankName: h.bankName, bankAccount: h.bankAccount }),
      ...(generations && { clientGenerations: [...new Set(generations)] }),
    };
  });
}

/** Plain object -> DynamoDB attribute values (strings, numbers and booleans are all the seed has). */
function marshall(item: object): Record<string, Record<string, unknown>> {
  return Object.fromEntries(
    Object.entries(item).map(([key, value]) => {
      if (typeof value === 'string') return [key, { S: value }];
      if (typeof value === 'number') return [key, { N: String(value) }];
      if (typeof value === 'boolean') return [key, { BOOL: value }];
      throw new Error(`seed attribute ${key}: unsupported value ${JSON.stringify(value)}`);
    }),
  );
}
