// The money path's writes ride out transient DynamoDB faults instead of failing a whole segment,
// chunk or bank report (issue 14: planning at 100,000 failed on DynamoDB Local's "too long waiting
// for a lock" InternalServerError, thrown with $metadata.attempts 1 once the SDK's retry quota was
// spent, and each failed segment then waited out its 15-minute visibility timeout). The faults
// are injected above the SDK's own retries, as the SDK hands them on when its quota is spent;
// some after the write was applied (the answer lost), which a retry must not apply twice.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from '../../shared/adapters/clients.ts';
import { acquireLease } from '../../shared/adapters/lease.ts';
import { applyBankOutcome, batchPayments, claimAndPlan, claimsByKey, putNewBatch } from '../../shared/adapters/payout-store.ts';
import { recordPlannedPayments } from '../../shared/adapters/recovery-store.ts';
import { tableName } from '../../shared/adapters/resources.ts';
import { paymentKey, type PaymentRecord } from '../../shared/domain/payouts/batch.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { aroundAdapterCalls } from './faults.ts';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.stop();
});

/** DynamoDB Local's lock timeout as the SDK throws it when it no longer retries. */
const lockTimeout = () =>
  Object.assign(new Error('This action timed out because it too long waiting for a lock. This request will succeed in actual DynamoDB API'), {
    name: 'InternalServerError',
    $fault: 'server',
    $metadata: { httpStatusCode: 500, attempts: 1, totalRetryDelay: 0 },
  });

const conflict = (items: number) =>
  Object.assign(new Error('Transaction cancelled, please refer cancellation reasons for specific reasons [None, TransactionConflict]'), {
    name: 'TransactionCanceledException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
    CancellationReasons: Array.from({ length: items }, (_, i) => ({ Code: i === items - 1 ? 'TransactionConflict' : 'None' })),
  });

const batchId = 'pb_transient';
const period = '2024-05';
const payments: PaymentRecord[] = Array.from({ length: 300 }, (_, n) => ({
  ...paymentKey({ batchId }, `E202405${String(n).padStart(8, '0')}`),
  batchId,
  recipientId: `rcp_transient_${n}`,
  category: 'DIBAO',
  claimKey: `MONTHLY_BENEFIT#${period}#rcp_transient_${n}`,
  creditorName: `对象${n}`,
  bankName: '江苏银行',
  bankAccount: `6228${String(n).padStart(12, '0')}`,
  amountFen: 90000,
  status: 'PLANNED',
}));

it('plans, records and returns every payment once through lock timeouts and conflicts', async () => {
  // The batch itself, so the payments' figures consumer beside the test can count its payments.
  await putNewBatch({
    batchId, program: 'MONTHLY_BENEFIT', period, title: 'transient faults', categories: ['DIBAO'],
    status: 'PAYING', createdBy: 'test', createdAt: `${period}-04T01:00:00.000Z`, history: [],
  } as Parameters<typeof putNewBatch>[0]);
  const progressKey = { batchId, entry: 'plan#transient' };
  await documents().send(new PutCommand({ TableName: tableName('payoutProgress'), Item: progressKey }));
  const acquired = await acquireLease({ table: 'payoutProgress', key: progressKey, name: 'plan' }, { owner: 'test', durationMs: 600_000, now: new Date() });

  // Planning: 12 transactions of 25 pairs; the 2nd and 5th fail before they apply, the 3rd and 7th
  // after (their answer lost), the 5th twice in a row.
  let transactions = 0;
  const failBefore = new Set([2, 5, 6]);
  const failAfter = new Set([3, 7]);
  let uninstall = aroundAdapterCalls(async (call, send) => {
    if (call.name !== 'TransactWriteItemsCommand') return send();
    const n = ++transactions;
    if (failBefore.has(n)) throw lockTimeout();
    const answer = await send();
    if (failAfter.has(n)) throw lockTimeout();
    return answer;
  });
  let outcome;
  try {
    outcome = await claimAndPlan(payments, `${period}-04T02:00:00.000Z`, acquired!.lease, 4);
  } finally {
    uninstall();
  }
  expect(transactions).toBeGreaterThanOrEqual(12 + failBefore.size + failAfter.size);
  // The two answers lost: their pairs were written, found in the batch on the retry.
  expect(outcome).toMatchObject({ written: 250, alreadyInBatch: 50, heldElsewhere: 0, stopped: false });
  const stored = await batchPayments({ batchId });
  expect(stored.map((p) => p.endToEndId)).toEqual(payments.map((p) => p.endToEndId));
  const claims = await claimsByKey(payments.map((p) => p.claimKey));
  expect([...claims.values()].every((c) => c.batchId === batchId && c.claimStatus === 'HELD')).toBe(true);
  expect(claims.size).toBe(payments.length);

  // Paying: every 7th conditional update fails, one in two of them after it applied.
  let updates = 0;
  uninstall = aroundAdapterCalls(async (call, send) => {
    if (call.name !== 'UpdateItemCommand') return send();
    const n = ++updates;
    if (n % 7 !== 0) return send();
    if (n % 14 === 0) await send();
    throw lockTimeout();
  });
  try {
    await recordPlannedPayments(stored.map((p) => ({ batchShard: p.batchShard, endToEndId: p.endToEndId, recordedAt: `${period}-05T02:00:00.000Z` })));
  } finally {
    uninstall();
  }
  expect((await batchPayments({ batchId })).every((p) => p.status === 'RECORDED')).toBe(true);

  // A bank's return: the payment and claim transaction meets a conflicting transaction and then a
  // lock timeout; it is applied, not reported as a conflict with the payment's status.
  let returns = 0;
  uninstall = aroundAdapterCalls(async (call, send) => {
    if (call.name !== 'TransactWriteItemsCommand') return send();
    const n = ++returns;
    if (n === 1) throw conflict(2);
    if (n === 2) throw lockTimeout();
    return send();
  });
  const returned = payments[0]!;
  try {
    expect(await applyBankOutcome({ batchId }, returned.endToEndId, { status: 'RETURNED', reason: 'AC04 closed account' }, `${period}-06T02:00:00.000Z`)).toBe('applied');
  } finally {
    uninstall();
  }
  expect(returns).toBe(3);
  expect((await batchPayments({ batchId })).find((p) => p.endToEndId === returned.endToEndId)?.status).toBe('RETURNED');
  expect((await claimsByKey([returned.claimKey])).get(returned.claimKey)?.claimStatus).toBe('RELEASED');
});
