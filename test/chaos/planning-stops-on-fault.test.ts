// A planner whose transaction fails (a fault, a lost lease) gives up, and so does the rest of its
// pool: before, its other workers went on claiming the remaining groups after the caller had been
// told "failed" and the message was already going back to the queue (a second planner, or the
// next invocation of a frozen container, then raced them). Now no group starts after a failure.
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { documents } from '../../shared/adapters/clients.ts';
import { acquireLease } from '../../shared/adapters/lease.ts';
import { claimAndPlan } from '../../shared/adapters/payout-store.ts';
import { tableName } from '../../shared/adapters/resources.ts';
import { paymentKey, type PaymentRecord } from '../../shared/domain/payouts/batch.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { aroundAdapterCalls, InjectedFault } from './faults.ts';

let stack: TestStack;

beforeAll(async () => {
  stack = await startTestStack();
});

afterAll(async () => {
  await stack?.stop();
});

it('starts no planning transaction after one has failed', async () => {
  const batchId = 'pb_fault_stop';
  const period = '2024-03';
  // 20 groups of 25 (one transaction each), planned 4 at a time.
  const payments: PaymentRecord[] = Array.from({ length: 500 }, (_, n) => ({
    ...paymentKey({ batchId }, `E202403${String(n).padStart(8, '0')}`),
    batchId,
    recipientId: `rcp_fault_${n}`,
    category: 'DIBAO',
    claimKey: `MONTHLY_BENEFIT#${period}#rcp_fault_${n}`,
    creditorName: `对象${n}`,
    bankName: '江苏银行',
    bankAccount: `6228${String(n).padStart(12, '0')}`,
    amountFen: 90000,
    status: 'PLANNED',
  }));
  const progressKey = { batchId, entry: 'plan#fault' };
  await documents().send(new PutCommand({ TableName: tableName('payoutProgress'), Item: progressKey }));
  const acquired = await acquireLease({ table: 'payoutProgress', key: progressKey, name: 'plan' }, { owner: 'test', durationMs: 600_000, now: new Date() });
  expect(acquired).toBeTruthy();

  // Transactions 1, 2 and 4 are held until the caller has seen the failure of 3, so the pool
  // still has work in flight when it is told to stop; then they go on and are watched.
  let planningTransactions = 0;
  let callerGaveUp = false;
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const heldSends: Array<Promise<unknown>> = [];
  let startedAfterCallerGaveUp = 0;
  const uninstall = aroundAdapterCalls(async (call, send) => {
    if (call.name !== 'TransactWriteItemsCommand') return send();
    const n = ++planningTransactions;
    if (callerGaveUp) startedAfterCallerGaveUp++;
    if (n === 3) throw new InjectedFault('injected: the third planning transaction failed');
    if (callerGaveUp) return send();
    const sent = released.then(send);
    heldSends.push(sent);
    return sent;
  });
  try {
    await expect(claimAndPlan(payments, `${period}-04T02:00:00.000Z`, acquired!.lease, 4)).rejects.toThrow(/third planning transaction/);
    callerGaveUp = true;
    release();
    await Promise.allSettled(heldSends);
    // A worker that goes on starts its next transaction in the same microtask chain as the end of
    // its last one: a macrotask later, every such start has reached the middleware.
    await new Promise((resolve) => setImmediate(resolve));
  } finally {
    uninstall();
  }
  expect(heldSends).toHaveLength(3);
  expect(startedAfterCallerGaveUp).toBe(0);
});
