// Chaos seed 13, made a test for every leased worker: a worker that dies right after its lease was
// taken (the acquire applied, its answer lost) leaves the lease held by no one alive. The retry of
// its own message must take the lease over at once and finish the work. Before the fix the retry
// found the lease "held elsewhere", succeeded without working and its message was deleted: the
// import stayed RUNNING until the lease expired (the function's timeout) and the sweeper came.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { QueueName } from '../../shared/topology.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';
import { aroundAdapterCalls, InjectedFault } from './faults.ts';
import { isAcquire, leasedQueues, leaseOf, payThroughEveryLeasedWorker } from './leased-flow.ts';

/** Per queue: the lease its first acquire took before the worker "died", and what each later acquire of that lease did. */
const died = new Map<QueueName, { lease: string; later: Array<'taken' | 'refused'> }>();
let stack: TestStack;
let uninstall: () => void;

beforeAll(async () => {
  stack = await startTestStack();
  uninstall = aroundAdapterCalls(async (call, send) => {
    const queue = call.delivery?.queue;
    if (!queue || !leasedQueues.includes(queue) || !isAcquire(call)) return send();
    const lease = leaseOf(call);
    const dead = died.get(queue);
    if (!dead) {
      died.set(queue, { lease, later: [] });
      await send();
      throw new InjectedFault(`injected: the ${queue} worker died after taking its lease`);
    }
    if (dead.lease !== lease) return send();
    try {
      const result = await send();
      dead.later.push('taken');
      return result;
    } catch (error) {
      dead.later.push('refused');
      throw error;
    }
  });
});
afterAll(async () => {
  uninstall?.();
  await stack?.stop();
});

it('a worker that died holding its lease: the retry of its message takes the lease over and finishes (imports, planning, paying, bank files, bank results)', async () => {
  await payThroughEveryLeasedWorker(stack, 'died holding its lease', '19500101');

  // Every leased worker died once, and the next acquire of that lease (the retry) took it at once
  // rather than being turned away until the dead worker's lease expired.
  expect([...died.keys()].sort()).toEqual([...leasedQueues].sort());
  for (const [queue, dead] of died) expect({ queue, first: dead.later[0] }).toEqual({ queue, first: 'taken' });
});
