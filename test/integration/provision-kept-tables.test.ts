// `npm start` keeps its tables in .local/ across restarts: provisioning again must bring a kept
// table up to the topology (an index declared since), or the routes that query it fail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { provision } from '../../local/provision.ts';
import { tables } from '../../shared/topology.ts';
import { eventually, startTestStack, type TestStack } from '../support/local-stack.ts';

let stack: TestStack;
let dynamodb: DynamoDBClient;

beforeAll(async () => {
  stack = await startTestStack();
  dynamodb = new DynamoDBClient({
    endpoint: stack.env.AWS_ENDPOINT_URL_DYNAMODB,
    region: stack.env.AWS_REGION,
    credentials: { accessKeyId: stack.env.AWS_ACCESS_KEY_ID!, secretAccessKey: stack.env.AWS_SECRET_ACCESS_KEY! },
  });
});
afterAll(async () => {
  dynamodb?.destroy();
  await stack?.stop();
});

const provisionAgain = (prefix: string) =>
  provision({
    prefix,
    dynamodbEndpoint: stack.env.AWS_ENDPOINT_URL_DYNAMODB!,
    sqsEndpoint: stack.env.AWS_ENDPOINT_URL_SQS!,
    s3Endpoint: stack.env.AWS_ENDPOINT_URL_S3!,
    credentials: { accessKeyId: stack.env.AWS_ACCESS_KEY_ID!, secretAccessKey: stack.env.AWS_SECRET_ACCESS_KEY! },
  });

const indexesOf = async (table: string) =>
  ((await dynamodb.send(new DescribeTableCommand({ TableName: table }))).Table?.GlobalSecondaryIndexes ?? []).map((g) => g.IndexName).sort();

describe('provisioning a kept table again', () => {
  it('adds the indexes the topology declared since the table was made, and keeps those it had', async () => {
    const table = `${stack.prefix}-payoutBatches`;
    const declared = (tables.payoutBatches.globalSecondaryIndexes ?? []).map((g) => g.indexName).sort();
    expect(declared.length).toBeGreaterThan(1);
    // As a .local/ made before the newest index existed.
    const [dropped] = declared;
    await dynamodb.send(new UpdateTableCommand({ TableName: table, GlobalSecondaryIndexUpdates: [{ Delete: { IndexName: dropped! } }] }));
    await eventually(async () => ((await indexesOf(table)).includes(dropped) ? undefined : true), undefined, `${dropped} deleted`);

    await provision({
      prefix: stack.prefix,
      dynamodbEndpoint: stack.env.AWS_ENDPOINT_URL_DYNAMODB!,
      sqsEndpoint: stack.env.AWS_ENDPOINT_URL_SQS!,
      s3Endpoint: stack.env.AWS_ENDPOINT_URL_S3!,
      credentials: { accessKeyId: stack.env.AWS_ACCESS_KEY_ID!, secretAccessKey: stack.env.AWS_SECRET_ACCESS_KEY! },
    });
    expect(await indexesOf(table)).toEqual(declared);
    // And the route that queries it answers.
    const token = await stack.token('finance', 'provision-test');
    const listed = await stack.call('GET', '/payout-batches', { token });
    expect(listed.status).toBe(200);
  });

  it('rebuilds a payments table kept from before write shards, every payment kept under shard 0', async () => {
    // A .local/ made before issue 14: payments keyed batchId + endToEndId. Its own prefix, so the
    // running stack's stream pollers never see the table go.
    const prefix = `${stack.prefix}-old`;
    const table = `${prefix}-payments`;
    await dynamodb.send(
      new CreateTableCommand({
        TableName: table,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: 'batchId', AttributeType: 'S' },
          { AttributeName: 'endToEndId', AttributeType: 'S' },
        ],
        KeySchema: [
          { AttributeName: 'batchId', KeyType: 'HASH' },
          { AttributeName: 'endToEndId', KeyType: 'RANGE' },
        ],
        StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_AND_OLD_IMAGES' },
      }),
    );
    const documents = DynamoDBDocumentClient.from(dynamodb);
    const kept = ['E1', 'E2', 'E3'].map((endToEndId) => ({ batchId: 'pb_kept', endToEndId, amountFen: 100, status: 'RECORDED' }));
    for (const item of kept) await documents.send(new PutCommand({ TableName: table, Item: item }));

    await provisionAgain(prefix);
    const described = (await dynamodb.send(new DescribeTableCommand({ TableName: table }))).Table!;
    expect(described.KeySchema?.find((k) => k.KeyType === 'HASH')?.AttributeName).toBe('batchShard');
    expect(described.GlobalSecondaryIndexes?.map((g) => g.IndexName)).toEqual(['returnsByBatch']);
    const items = (await documents.send(new ScanCommand({ TableName: table, ConsistentRead: true }))).Items ?? [];
    expect(items.sort((a, b) => (a.endToEndId < b.endToEndId ? -1 : 1))).toEqual(kept.map((item) => ({ ...item, batchShard: 'pb_kept#0' })));
    // Provisioning once more leaves the rebuilt table as it is.
    await provisionAgain(prefix);
    expect(((await documents.send(new ScanCommand({ TableName: table, ConsistentRead: true }))).Items ?? []).length).toBe(kept.length);
  });
});
