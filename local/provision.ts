// Creates the topology's tables, queues and buckets in the emulators, as the CDK stack
// creates them on AWS. Existing ones (DynamoDB Local keeps its files) are left as they are.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type AttributeDefinition,
} from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { paymentShardKey } from '../shared/domain/payouts/batch.ts';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { CreateBucketCommand, HeadBucketCommand, NotFound, S3Client } from '@aws-sdk/client-s3';
import {
  bucketEnv,
  buckets,
  queueEnv,
  queues,
  tableEnv,
  tables,
  visibilityTimeoutSeconds,
  type QueueName,
  type TableName,
  type TableSpec,
} from '../shared/topology.ts';
import { localRegion, type EmulatorEndpoints } from './emulators.ts';
import { projectRoot } from './paths.ts';

export { localRegion };

export interface ProvisionOptions extends EmulatorEndpoints {
  prefix: string;
  /** Tests shorten the visibility timeout so redelivery happens in seconds. */
  visibilityTimeoutSeconds?: number;
}

export interface Provisioned {
  /** Environment a function sees: resource names and endpoints, as the CDK stack sets them. */
  env: Record<string, string>;
  queueUrls: Record<QueueName, string>;
  deadLetterQueueUrls: Record<QueueName, string>;
}

export async function provision(options: ProvisionOptions): Promise<Provisioned> {
  const { credentials } = options;
  const env: Record<string, string> = {
    AWS_REGION: localRegion,
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: options.dynamodbEndpoint,
    AWS_ENDPOINT_URL_SQS: options.sqsEndpoint,
    AWS_ENDPOINT_URL_S3: options.s3Endpoint,
  };
  const dynamodb = new DynamoDBClient({ endpoint: options.dynamodbEndpoint, region: localRegion, credentials });
  const sqs = new SQSClient({ endpoint: options.sqsEndpoint, region: localRegion, credentials, useQueueUrlAsEndpoint: false });
  const s3 = new S3Client({ endpoint: options.s3Endpoint, region: localRegion, credentials, forcePathStyle: true });

  // Tables, queues and buckets are created concurrently: a test file provisions its own set, and
  // one by one that is a few seconds of round trips on a loaded machine.
  const createTables = (Object.entries(tables) as Array<[keyof typeof tables, TableSpec]>).map(async ([name, spec]) => {
    const tableName = `${options.prefix}-${name}`;
    await createTable(dynamodb, tableName, spec, name);
    env[tableEnv(name)] = tableName;
  });

  const queueUrls = {} as Record<QueueName, string>;
  const deadLetterQueueUrls = {} as Record<QueueName, string>;
  const createQueues = (Object.entries(queues) as Array<[QueueName, (typeof queues)[QueueName]]>).map(async ([name, spec]) => {
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${options.prefix}-${name}-dlq` }));
    const dlqArn = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }),
    );
    const queue = await sqs.send(
      new CreateQueueCommand({
        QueueName: `${options.prefix}-${name}`,
        Attributes: {
          VisibilityTimeout: String(options.visibilityTimeoutSeconds ?? visibilityTimeoutSeconds(name)),
          RedrivePolicy: JSON.stringify({
            deadLetterTargetArn: dlqArn.Attributes?.QueueArn,
            maxReceiveCount: String(spec.maxReceiveCount),
          }),
        },
      }),
    );
    queueUrls[name] = queue.QueueUrl!;
    deadLetterQueueUrls[name] = dlq.QueueUrl!;
    env[queueEnv(name)] = queue.QueueUrl!;
  });

  const createBuckets = (Object.keys(buckets) as Array<keyof typeof buckets>).map(async (name) => {
    const bucket = `${options.prefix}-${name.toLowerCase()}`;
    // Objects are kept on disk: after a restart the bucket is already there.
    const exists = await s3.send(new HeadBucketCommand({ Bucket: bucket })).then(
      () => true,
      (error: unknown) => (error instanceof NotFound || (error as { name?: string }).name === 'NotFound' ? false : Promise.reject(error)),
    );
    if (!exists) await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    env[bucketEnv(name)] = bucket;
  });

  await Promise.all([...createTables, ...createQueues, ...createBuckets]);

  await seedHospitals(dynamodb, env[tableEnv('hospitals')]!);
  dynamodb.destroy();
  sqs.destroy();
  s3.destroy();
  return { env, queueUrls, deadLetterQueueUrls };
}

/**
 * How an item kept (DynamoDB Local's files under `.local/`) from before its table's partition key
 * changed gets the new key. Payments before write shards (issue 14): every batch had one shard.
 */
const rekeyKeptItem: Partial<Record<TableName, (item: Record<string, unknown>) => Record<string, unknown>>> = {
  payments: (item) => ({ ...item, batchShard: paymentShardKey(item.batchId as string, 0) }),
};

/**
 * Rebuilds a kept table whose partition key is not the topology's: its items read, saved to a file
 * in the temporary folder (named in the log, kept if a step fails), the table created anew and the
 * items written back with their new key. Local data only: a deployed table is never rebuilt here.
 */
async function rekeyKeptTable(client: DynamoDBClient, tableName: string, spec: TableSpec, name: TableName, keyNow: string): Promise<void> {
  const rekey = rekeyKeptItem[name];
  if (!rekey) throw new Error(`table ${tableName} is keyed ${keyNow}, the topology says ${spec.partitionKey.name}, and no rekey is known: remove the data folder`);
  const documents = DynamoDBDocumentClient.from(client);
  const items: Array<Record<string, unknown>> = [];
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: startKey, ConsistentRead: true }));
    items.push(...(page.Items ?? []).map(rekey));
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  const saved = join(tmpdir(), `${tableName}-rekey-${Date.now()}.json`);
  writeFileSync(saved, JSON.stringify(items));
  console.warn(`${tableName}: keyed ${keyNow}, now ${spec.partitionKey.name}; rebuilding with its ${items.length} items (saved in ${saved} until done)`);
  await client.send(new DeleteTableCommand({ TableName: tableName }));
  for (let gone = false; !gone; ) {
    gone = await client.send(new DescribeTableCommand({ TableName: tableName })).then(() => false, (error: unknown) => (error as Error).name === 'ResourceNotFoundException' || Promise.reject(error));
  }
  await createTable(client, tableName, spec, name);
  for (let i = 0; i < items.length; i += 25) {
    let pending = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    while (pending.length > 0) {
      const result = await documents.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = (result.UnprocessedItems?.[tableName] ?? []) as typeof pending;
    }
  }
  rmSync(saved);
}

async function createTable(client: DynamoDBClient, tableName: string, spec: TableSpec, name: TableName): Promise<void> {
  const keys = [spec.partitionKey, spec.sortKey, ...(spec.globalSecondaryIndexes ?? []).flatMap((g) => [g.partitionKey, g.sortKey])];
  const attributes = new Map<string, AttributeDefinition>();
  for (const key of keys) if (key) attributes.set(key.name, { AttributeName: key.name, AttributeType: key.type });
  try {
    await client.send(
      new CreateTableCommand({
        TableName: tableName,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...attributes.values()],
        KeySchema: [
          { AttributeName: spec.partitionKey.name, KeyType: 'HASH' },
          ...(spec.sortKey ? [{ AttributeName: spec.sortKey.name, KeyType: 'RANGE' as const }] : []),
        ],
        GlobalSecondaryIndexes: spec.globalSecondaryIndexes?.map((g) => ({ IndexName: g.indexName, KeySchema: indexKeySchema(g), Projection: { ProjectionType: 'ALL' } })),
        ...(spec.stream && { StreamSpecification: { StreamEnabled: true, StreamViewType: spec.stream } }),
      }),
    );
    if (spec.timeToLiveAttribute) {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName: tableName,
          TimeToLiveSpecification: { AttributeName: spec.timeToLiveAttribute, Enabled: true },
        }),
      );
    }
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
    const existing = await client.send(new DescribeTableCommand({ TableName: tableName }));
    // A table kept from before its partition key changed is rebuilt with its items rekeyed.
    const keyNow = existing.Table?.KeySchema?.find((k) => k.KeyType === 'HASH')?.AttributeName;
    if (keyNow && keyNow !== spec.partitionKey.name) return rekeyKeptTable(client, tableName, spec, name, keyNow);
    // A table kept from before its stream was declared gets one now.
    if (spec.stream && !existing.Table?.StreamSpecification?.StreamEnabled) {
      await client.send(
        new UpdateTableCommand({ TableName: tableName, StreamSpecification: { StreamEnabled: true, StreamViewType: spec.stream } }),
      );
    }
    // And the indexes declared since (one per update, as DynamoDB allows), so a kept `.local/`
    // answers the routes that query them instead of failing on a missing index.
    const present = new Set((existing.Table?.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName));
    for (const index of (spec.globalSecondaryIndexes ?? []).filter((g) => !present.has(g.indexName))) {
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          AttributeDefinitions: [index.partitionKey, index.sortKey].flatMap((k) => (k ? [attributes.get(k.name)!] : [])),
          GlobalSecondaryIndexUpdates: [{ Create: { IndexName: index.indexName, KeySchema: indexKeySchema(index), Projection: { ProjectionType: 'ALL' } } }],
        }),
      );
      await untilIndexActive(client, tableName, index.indexName);
    }
  }
}

/** Waits while DynamoDB Local builds an index over the kept items (seconds; it gives up after five minutes). */
async function untilIndexActive(client: DynamoDBClient, tableName: string, indexName: string): Promise<void> {
  const deadline = Date.now() + 5 * 60_000;
  for (;;) {
    const table = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (table.Table?.GlobalSecondaryIndexes?.find((g) => g.IndexName === indexName)?.IndexStatus === 'ACTIVE') return;
    if (Date.now() > deadline) throw new Error(`index ${indexName} of ${tableName} did not become ACTIVE in five minutes`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function indexKeySchema(index: NonNullable<TableSpec['globalSecondaryIndexes']>[number]) {
  return [
    { AttributeName: index.partitionKey.name, KeyType: 'HASH' as const },
    ...(index.sortKey ? [{ AttributeName: index.sortKey.name, KeyType: 'RANGE' as const }] : []),
  ];
}

/** The designated hospitals, from the data file a deployment replaces with its own. */
export function designatedHospitals(): Array<{ hospitalId: string; name: string }> {
  return JSON.parse(readFileSync(join(projectRoot, 'data/hospitals.json'), 'utf8'));
}

async function seedHospitals(client: DynamoDBClient, tableName: string): Promise<void> {
  const documents = DynamoDBDocumentClient.from(client);
  for (const hospital of designatedHospitals()) {
    await documents.send(new PutCommand({ TableName: tableName, Item: hospital }));
  }
}
