import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from '../../shared/adapters/clients.ts';
import { tableName } from '../../shared/adapters/resources.ts';
import {
  acquireLease,
  attemptOwner,
  fencedTransact,
  fencedUpdate,
  leaseIsFree,
  LeaseLostError,
  releaseLease,
  renewLease,
  SupersededReceiveError,
  type LeaseTarget,
} from '../../shared/adapters/lease.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

// The lease helper on a real table (payoutProgress: any item with a key will do).
let stack: TestStack;
beforeAll(async () => {
  stack = await startTestStack();
});
afterAll(async () => stack?.stop());

const t0 = new Date('2026-11-29T10:00:00Z');
const later = (ms: number) => new Date(t0.getTime() + ms);
let n = 0;

async function workItem(extra: Record<string, unknown> = {}): Promise<LeaseTarget> {
  const key = { batchId: `lease-test-${++n}`, entry: 'work' };
  await documents().send(new PutCommand({ TableName: tableName('payoutProgress'), Item: { ...key, status: 'RUNNING', done: 0, ...extra } }));
  return { table: 'payoutProgress', key };
}

const read = async (target: LeaseTarget) =>
  (await documents().send(new GetCommand({ TableName: tableName('payoutProgress'), Key: target.key, ConsistentRead: true }))).Item!;

describe('leases with fencing tokens', () => {
  it('gives a live lease to one owner only, and a higher token to whoever takes it after expiry', async () => {
    const target = await workItem();
    const first = await acquireLease(target, { owner: 'worker-a', durationMs: 60_000, now: t0 });
    expect(first?.lease.token).toBe(1);
    expect(await acquireLease(target, { owner: 'sweeper', durationMs: 60_000, now: later(59_000) })).toBeNull();
    const second = await acquireLease(target, { owner: 'sweeper', durationMs: 60_000, now: later(60_000) });
    expect(second?.lease.token).toBe(2);
    expect(second?.item.status).toBe('RUNNING');

    // The stalled holder is fenced out of every kind of write; the new holder is not.
    await expect(fencedUpdate(first!.lease, { set: { done: 5 } })).rejects.toBeInstanceOf(LeaseLostError);
    await expect(renewLease(first!.lease, 60_000, later(61_000))).rejects.toBeInstanceOf(LeaseLostError);
    await expect(releaseLease(first!.lease)).resolves.toBe(false);
    expect(await fencedUpdate(second!.lease, { set: { done: 7 } })).toBe(true);
    expect((await read(target)).done).toBe(7);
  });

  it('of many concurrent acquires exactly one wins', async () => {
    const target = await workItem();
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => acquireLease(target, { owner: `w${i}`, durationMs: 60_000, now: t0 })),
    );
    const winners = results.filter((r) => r !== null);
    expect(winners).toHaveLength(1);
    expect(winners[0]!.lease.token).toBe(1);
  });

  it('renews and releases; a released lease is free at once and the token keeps growing', async () => {
    const target = await workItem();
    const { lease } = (await acquireLease(target, { owner: 'a', durationMs: 1_000, now: t0 }))!;
    const renewed = await renewLease(lease, 60_000, later(900));
    expect(await acquireLease(target, { owner: 'b', durationMs: 1_000, now: later(30_000) })).toBeNull();
    expect(leaseIsFree(await read(target), later(30_000))).toBe(false);
    expect(await releaseLease(renewed)).toBe(true);
    expect(leaseIsFree(await read(target), later(30_000))).toBe(true);
    const next = await acquireLease(target, { owner: 'b', durationMs: 1_000, now: later(30_000) });
    expect(next?.lease.token).toBe(2);
  });

  it('acquires only when the extra condition holds, and never on a missing item', async () => {
    const target = await workItem({ status: 'COMPLETED' });
    const running = { expression: '#s = :running', names: { '#s': 'status' }, values: { ':running': 'RUNNING' } };
    expect(await acquireLease(target, { owner: 'a', durationMs: 1_000, now: t0, condition: running })).toBeNull();
    const missing: LeaseTarget = { table: 'payoutProgress', key: { batchId: 'lease-test-none', entry: 'work' } };
    expect(await acquireLease(missing, { owner: 'a', durationMs: 1_000, now: t0 })).toBeNull();
    expect((await read(target)).leaseToken).toBeUndefined();
  });

  it("tells a fenced update's own failed condition apart from a lost lease, and can release in the same write", async () => {
    const target = await workItem();
    const { lease } = (await acquireLease(target, { owner: 'a', durationMs: 60_000, now: t0 }))!;
    expect(await fencedUpdate(lease, { set: { status: 'COMPLETED' }, statusIn: ['PAUSED'] })).toBe(false);
    expect(await fencedUpdate(lease, { set: { status: 'COMPLETED' }, statusIn: ['RUNNING'] }, { release: true })).toBe(true);
    const item = await read(target);
    expect(item.status).toBe('COMPLETED');
    expect(item.leaseOwner).toBeUndefined();
    expect(item.leaseToken).toBe(1);
  });

  it("lets a later attempt of the same work take over a lease an earlier attempt left held, and no one else", async () => {
    const target = await workItem();
    const first = await acquireLease(target, { ...attemptOwner('message-m1', 1), durationMs: 60_000, now: t0 });
    expect(first?.lease.token).toBe(1);
    // Another message, and the same attempt again, wait for the expiry like anyone.
    expect(await acquireLease(target, { ...attemptOwner('message-m2', 2), durationMs: 60_000, now: later(1_000) })).toBeNull();
    expect(await acquireLease(target, { ...attemptOwner('message-m1', 1), durationMs: 60_000, now: later(1_000) })).toBeNull();
    // The retry of message m1 (receive 2, and 10 sorts after 2) takes it at once, fencing the first out.
    const retry = await acquireLease(target, { ...attemptOwner('message-m1', 2), durationMs: 60_000, now: later(1_000) });
    expect(retry?.lease.token).toBe(2);
    await expect(fencedUpdate(first!.lease, { set: { done: 1 } })).rejects.toBeInstanceOf(LeaseLostError);
    // The first receive, still running, meets its own later receive: it must not report the message
    // done (chaos seed 3), so it is told so rather than answered "held elsewhere".
    await expect(acquireLease(target, { ...attemptOwner('message-m1', 1), durationMs: 60_000, now: later(2_000) })).rejects.toBeInstanceOf(
      SupersededReceiveError,
    );
    expect((await acquireLease(target, { ...attemptOwner('message-m1', 10), durationMs: 60_000, now: later(2_000) }))?.lease.token).toBe(3);
    await expect(acquireLease(target, { owner: 'someone', attemptOf: 'message-m1', durationMs: 1, now: t0 })).rejects.toThrow(/not an attempt/);
  });

  it('keeps several named leases on one item apart', async () => {
    const target = await workItem();
    const files = await acquireLease({ ...target, name: 'files' }, { owner: 'a', durationMs: 60_000, now: t0 });
    const report = await acquireLease({ ...target, name: 'report' }, { owner: 'b', durationMs: 60_000, now: t0 });
    expect(files?.lease.token).toBe(1);
    expect(report?.lease.token).toBe(1);
    expect(await acquireLease({ ...target, name: 'files' }, { owner: 'c', durationMs: 60_000, now: t0 })).toBeNull();
  });

  it('writes other items only while the lease holds, all or nothing', async () => {
    const target = await workItem();
    const first = (await acquireLease(target, { owner: 'a', durationMs: 1_000, now: t0 }))!.lease;
    const put = (entry: string) => ({ Put: { TableName: tableName('payoutProgress'), Item: { batchId: target.key.batchId, entry } } });
    await fencedTransact(first, [put('line-1'), put('line-2')]);
    await acquireLease(target, { owner: 'sweeper', durationMs: 1_000, now: later(5_000) });
    await expect(fencedTransact(first, [put('line-3')])).rejects.toBeInstanceOf(LeaseLostError);
    const line = async (entry: string) =>
      (await documents().send(new GetCommand({ TableName: tableName('payoutProgress'), Key: { batchId: target.key.batchId, entry } }))).Item;
    expect(await line('line-2')).toBeDefined();
    expect(await line('line-3')).toBeUndefined();
  });
});
