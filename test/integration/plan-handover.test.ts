// The planner's deadline comes from the Lambda context (issue 9): when the invocation's remaining
// time falls under the hand-over margin, the planner of a segment starts no further transaction,
// releases the segment unfinished, queues a new message for it and ends successfully; the next
// planner finishes it, each person planned once (issue 14: planning fans out, one message per
// segment). Locally the pollers' context carries the function's timeout.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { SQSEvent } from 'aws-lambda';
import { lambdaContext, loadHandler } from '../../local/lambda-runtime.ts';
import { planAttemptPrefix } from '../../shared/domain/payouts/batch.ts';
import { progressEntries } from '../../shared/adapters/payout-store.ts';
import { functions } from '../../shared/topology.ts';
import { beforeDynamoDbCommand } from '../support/dynamodb-hooks.ts';
import { validIdNumber } from '../support/id-numbers.ts';
import { currentDelivery, eventually, startTestStack, type TestStack } from '../support/local-stack.ts';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from '../../shared/adapters/clients.ts';
import { tableName } from '../../shared/adapters/resources.ts';
import { batchPut } from '../../shared/adapters/dynamo-batch.ts';

let stack: TestStack;
let maker: string;
// 8 planning segments of about 150: each needs six transactions of 25 pairs, four in flight, so a
// planner out of time as its first transactions go out leaves its segment unfinished.
const recipients = 1_200;

beforeAll(async () => {
  stack = await startTestStack();
  maker = await stack.token('finance', 'finance-maker');
  // Written straight into the registry: the import is not what this file tests, and 1,200 lines
  // through it take minutes on a loaded machine.
  await batchPut(
    tableName('recipients'),
    Array.from({ length: recipients }, (_, n) => ({
      idNumber: validIdNumber(n % 1000, `19${50 + Math.floor(n / 100)}0101`),
      recipientId: `rcp_handover_${n}`,
      householdId: `HH-${n}`,
      name: `居民${n}`,
      category: 'DIBAO',
      township: '真州镇',
      monthlyBenefitFen: 90_000,
      since: '2022-03-01',
      bankName: '江苏银行',
      bankAccount: `62284800${String(n).padStart(8, '0')}`,
      status: 'ACTIVE',
      history: [],
    })),
  );
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
          body: JSON.stringify({ kind: 'planSegment', batchId, segment: 0 }),
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
    // It ended well (no retry spent), before finishing: nothing held, its segment left, batch still PLANNING.
    expect(response.batchItemFailures).toEqual([]);
    expect(transactionsBeforeTimeUp).toBeGreaterThan(0);
    const segments = await progressEntries(batchId, planAttemptPrefix(undefined));
    expect(segments.map((s) => s.entry)).toContain(`${planAttemptPrefix(undefined)}0000`);
    expect(segments.filter((s) => s.planDoneAt)).toHaveLength(0);
    expect(segments.filter((s) => s.planOwner)).toEqual([]);
    const written = (await documents().send(new ScanCommand({ TableName: tableName('payments'), ConsistentRead: true }))).Items ?? [];
    expect(written.length).toBeGreaterThan(0);
    expect(written.length).toBeLessThan(recipients);
    const batch = await stack.call('GET', `/payout-batches/${batchId}`, { token: maker });
    expect(batch.body.status).toBe('PLANNING');
    // It queued the hand-over: a message for its segment besides the batch's own plan message.
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
