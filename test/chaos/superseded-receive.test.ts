// Chaos seed 3, made a test for every leased worker: a message is received twice at once (its
// visibility ran out while the first receive still worked). The later receive takes the work's
// lease and dies (the acquire applied, its answer lost); then the first receive reaches its own
// acquire and finds its later receive holding the lease. Before the fix it answered "held
// elsewhere", reported its message done and the message was deleted: nobody alive held the work,
// and it waited for the dead receive's lease to expire (the function's timeout: a batch PAYING for
// 900 s). Now the first receive fails its record, the message comes back, and its next receive
// takes the lease over from the dead one.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { QueueName } from '../../shared/topology.ts';
import { startTestStack, type ConcurrentDelivery, type CopyOutcome, type TestStack } from '../support/local-stack.ts';
import { aroundAdapterCalls, InjectedFault } from './faults.ts';
import { isAcquire, leasedQueues, leaseOf, payThroughEveryLeasedWorker } from './leased-flow.ts';

/** Per queue: the twice-received message, the lease its later receive died holding, and what the first receive's acquire of it met. */
const twice = new Map<QueueName, ConcurrentDelivery>();
const diedHolding = new Map<QueueName, string>();
const firstReceive = new Map<QueueName, string>();
let stack: TestStack;
let uninstall: () => void;

beforeAll(async () => {
  stack = await startTestStack();
  for (const queue of leasedQueues) {
    // The leased steps: a planning segment (a plan message only fans out), a chunk (not the dispatch).
    const leased = (body: { kind?: string }) => !['plan', 'dispatch'].includes(body.kind ?? '');
    twice.set(queue, stack.deliverConcurrently(queue, leased, 2));
  }
  uninstall = aroundAdapterCalls(async (call, send) => {
    const queue = call.delivery?.queue;
    if (!queue || !twice.has(queue) || !isAcquire(call) || firstReceive.has(queue)) return send();
    if (call.delivery!.copy === 2) {
      diedHolding.set(queue, leaseOf(call));
      await send();
      throw new InjectedFault(`injected: the later receive of the ${queue} message died after taking its lease`);
    }
    // The first receive acquires only once its later receive has died holding the lease (other
    // messages of the queue wait as long, then go on untouched).
    await twice.get(queue)!.copyFinished(2);
    if (diedHolding.get(queue) !== leaseOf(call)) return send();
    try {
      const result = await send();
      firstReceive.set(queue, 'taken');
      return result;
    } catch (error) {
      firstReceive.set(queue, (error as Error).name);
      throw error;
    }
  });
});
afterAll(async () => {
  uninstall?.();
  await stack?.stop();
});

it('a receive whose later receive of the same message died holding the lease leaves the message to be received again, and the work finishes (imports, planning, paying, bank files, bank results)', async () => {
  await payThroughEveryLeasedWorker(stack, 'superseded receive', '19520101');

  // Each first receive's acquire met its dead later receive's live lease (the SDK's condition failed) ...
  const refused = 'ConditionalCheckFailedException';
  expect(Object.fromEntries(firstReceive)).toEqual(Object.fromEntries(leasedQueues.map((queue) => [queue, refused])));
  // ... and it failed its record (SupersededReceiveError) instead of reporting the message done, as
  // the dead receive did: so the message was received again and the work finished above.
  // (A batch whose every record failed comes back as a thrown error, as Powertools' processor throws.)
  const failed = (outcome: CopyOutcome) =>
    outcome.error !== undefined || ((outcome.response as { batchItemFailures?: unknown[] } | undefined)?.batchItemFailures?.length ?? 0) > 0;
  for (const [queue, delivery] of twice) {
    expect({ queue, failed: (await delivery.finished()).map(failed) }).toEqual({ queue, failed: [true, true] });
  }
});
