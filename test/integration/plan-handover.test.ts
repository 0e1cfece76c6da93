// The planner's deadline comes from the Lambda context (issue 9): when the invocation's remaining
// time falls under the hand-over margin, the planner starts no further transaction, releases the
// segments it holds unfinished, queues a new plan message and ends successfully; the next planner
// finishes the batch, each person planned once. Locally the pollers' context carries the
// function's timeout.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SQSEvent } from 'aws-lambda';
import { lambdaContext, loadHandler } from '../../local/lambda-runtime.ts';
import { registryCsvColumns } from '../../shared/domain/registry.ts';
import { planAttemptPrefix } from '../../shared/domain/payouts/batch.ts';
import { progressEntries } from '../../shared/adapters/payout-store.ts';
import { functions } from '../../shared/topology.ts';
import { beforeDynamoDbCommand } from '../support/dynamodb-hooks.ts';
import { validIdNumber } from '../support/id-numbers.ts';
import { currentDelivery, eventually, startTestStack, type TestStack } from '../support/local-stack.ts';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from '../../shared/adapters/clients.ts';
import { tableName } from '../../shared/adapters/resources.ts';

let stack: TestStack;
let maker: string;
// 8 planning segments of about 50: each needs two transactions (25 pairs each), so a planner out
// of time after its first transactions leaves every segment unfinished.
const recipients = 400;

beforeAll(async () => {
  stack = await startTestStack();
  maker = await stack.token('finance', 'finance-maker');
  const reviewer = await stack.token('reviewer', 'reviewer-1');
  const lines = Array.from({ length: recipients }, (_, n) =>
    [`HH-${n}`, `居民${n}`, validIdNumber(n % 1000, `19${50 + Math.floor(n / 100)}0101`), 'DIBAO', '真州镇', '90000', '2022-03-01', '江苏银行', `62284800${String(n).padStart(8, '0')}`].join(','),
  );
  const created = await stack.call('POST', '/recipients/imports', {
    token: reviewer,
    rawBody: [registryCsvColumns.join(','), ...lines].join('\n'),
    contentType: 'text/csv',
  });
  expect(created.status).toBe(202);
  const done = await eventually(async () => {
    const r = await stack.call('GET', `/recipients/imports/${created.body.importId}`, { token: reviewer });
    return r.body.status === 'RUNNING' ? undefined : r.body;
  }, undefined, 'the registry import');
  expect(done).toMatchObject({ status: 'COMPLETED', imported: recipients });
});
afterAll(async () => stack?.stop());

it('the local pollers give each function a context with its own timeout', () => {
  const scale = Number(process.env.TUODI_FUNCTION_TIMEOUT_SCALE);
  const left = lambdaContext('planPayoutBatch').getRemainingTimeInMillis();
  expect(left).toBeGreaterThan(functions.planPayoutBatch.timeoutSeconds * 1000 * scale - 5_000);
  expect(left).toBeLessThanOrEqual(functions.planPayoutBatch.timeoutSeconds * 1000 * scale);
});

it('a planner whose invocation is running out of time hands over between transactions; the next one finishes, each person once', async () => {
  // The queue's own planners wait until the one invoked here has handed over.
  let handedOver!: () => void;
  const plannerReturned = new Promise<void>((resolve) => (handedOver = resolve));
  const queuedPlans = new Set<string>();
  let timeUp = false;
  let transactionsBeforeTimeUp = 0;
  const removeHook = beforeDynamoDbCommand(async ({ name, input }) => {
    const delivery = currentDelivery();
    if (delivery?.queue === 'payoutPlans') {
      queuedPlans.add(delivery.messageIds[0]!);
      await plannerReturned;
      return;
    }
    // The invoked planner (no queue delivery): its time runs out as its first transactions go out.
    if (!delivery && name === 'TransactWriteItemsCommand' && JSON.stringify(input).includes(tableName('payments'))) {
      transactionsBeforeTimeUp++;
      timeUp = true;
    }
  });
  try {
    const created = await stack.call('POST', '/payout-batches', {
      token: maker,
      body: { program: 'PRICE_SUBSIDY', period: '2026-11', title: '价格临时补贴', categories: ['DIBAO'], perPersonFen: 5_000 },
    });
    expect(created.status).toBe(201);
    const batchId = created.body.id as string;

    const handler = await loadHandler('planPayoutBatch');
    const context = { ...lambdaContext('planPayoutBatch'), getRemainingTimeInMillis: () => (timeUp ? 1_000 : 900_000) };
    const event: SQSEvent = {
      Records: [
        {
          messageId: 'invoked-here',
          receiptHandle: 'none',
          body: JSON.stringify({ kind: 'plan', batchId }),
          attributes: { ApproximateReceiveCount: '1', SentTimestamp: String(Date.now()), SenderId: 'test', ApproximateFirstReceiveTimestamp: String(Date.now()) },
          messageAttributes: {},
          md5OfBody: '',
          eventSource: 'aws:sqs',
          eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:test',
          awsRegion: 'us-east-1',
        },
      ],
    };
    const response = (await handler(event, context)) as { batchItemFailures: unknown[] };
    // It ended well (no retry spent), before finishing: nothing held, segments left, batch still PLANNING.
    expect(response.batchItemFailures).toEqual([]);
    expect(transactionsBeforeTimeUp).toBeGreaterThan(0);
    const segments = await progressEntries(batchId, planAttemptPrefix(undefined));
    expect(segments).toHaveLength(8);
    expect(segments.filter((s) => s.planDoneAt)).toHaveLength(0);
    expect(segments.filter((s) => s.planOwner)).toEqual([]);
    const written = (await documents().send(new ScanCommand({ TableName: tableName('payments'), ConsistentRead: true }))).Items ?? [];
    expect(written.length).toBeGreaterThan(0);
    expect(written.length).toBeLessThan(recipients);
    const batch = await stack.call('GET', `/payout-batches/${batchId}`, { token: maker });
    expect(batch.body.status).toBe('PLANNING');
    // It queued the hand-over: a plan message besides the batch's own.
    await eventually(async () => (queuedPlans.size >= 2 ? true : undefined), undefined, 'the hand-over plan message');

    handedOver();
    const planned = await eventually(async () => {
      const r = await stack.call('GET', `/payout-batches/${batchId}`, { token: maker });
      return r.body.status === 'PLANNING' ? undefined : r.body;
    }, undefined, 'the batch to be planned');
    expect(planned).toMatchObject({ status: 'PENDING_APPROVAL', planned: { count: recipients, totalFen: recipients * 5_000 } });
    const payments = (await documents().send(new ScanCommand({ TableName: tableName('payments'), ConsistentRead: true }))).Items ?? [];
    expect(payments.filter((p) => p.batchId === batchId)).toHaveLength(recipients);
    expect(new Set(payments.map((p) => p.recipientId)).size).toBe(recipients);
  } finally {
    handedOver();
    removeHook();
  }
});
