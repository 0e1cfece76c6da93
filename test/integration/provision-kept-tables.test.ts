// `npm start` keeps its tables in .local/ across restarts: provisioning again must bring a kept
// table up to the topology (an index declared since), or the routes that query it fail.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DescribeTableCommand, DynamoDBClient, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
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
});
