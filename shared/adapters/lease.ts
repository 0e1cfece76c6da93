// A lease on one item of a table: who holds it, until when, and a fencing number that grows with
// every acquisition, so that a holder whose lease lapsed (paused, slow, or presumed dead) is
// refused at its next write instead of overwriting its successor's work. Generic: the item may
// carry anything else (a planning segment, an import chunk, a bank-file step).
//
// Attributes on the item: leaseOwner, leaseExpiresAt (epoch ms), leaseFence (number, +1 per
// acquisition), leaseDoneAt (ISO instant; once set, the work is finished and no one acquires it).
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from './clients.ts';
import { isConditionFailure } from './dynamo-update.ts';

type Key = Record<string, unknown>;

export interface Lease {
  table: string;
  key: Key;
  owner: string;
  fence: number;
  expiresAt: number;
}

/** Thrown by a holder's write once its lease was taken over (the fence moved on) or finished. */
export class LeaseLost extends Error {
  constructor(lease: Pick<Lease, 'table' | 'key' | 'owner'>) {
    super(`lease on ${lease.table} ${JSON.stringify(lease.key)} is no longer held by ${lease.owner}`);
    this.name = 'LeaseLost';
  }
}

export type Acquired = { lease: Lease } | { held: { owner: string; expiresAt: number } } | { done: Record<string, unknown> };

/**
 * Takes the lease on `key` (creating the item if missing) unless someone else holds it unexpired or
 * the work is done. `durationMs` should cover the work between renewals; `now` is epoch ms.
 */
export async function acquireLease(table: string, key: Key, owner: string, durationMs: number, now = Date.now()): Promise<Acquired> {
  try {
    const result = await documents().send(
      new UpdateCommand({
        TableName: table,
        Key: key,
        UpdateExpression: 'SET leaseOwner = :owner, leaseExpiresAt = :expires, leaseFence = if_not_exists(leaseFence, :zero) + :one',
        ConditionExpression:
          'attribute_not_exists(leaseDoneAt) AND (attribute_not_exists(leaseOwner) OR leaseExpiresAt < :now OR leaseOwner = :owner)',
        ExpressionAttributeValues: { ':owner': owner, ':expires': now + durationMs, ':zero': 0, ':one': 1, ':now': now },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const item = result.Attributes!;
    return { lease: { table, key, owner, fence: item.leaseFence as number, expiresAt: item.leaseExpiresAt as number } };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    const current = await readLeased(table, key);
    if (current?.leaseDoneAt) return { done: current };
    // Released or expired between the write and the read: the caller simply tries again.
    return { held: { owner: (current?.leaseOwner as string) ?? '', expiresAt: (current?.leaseExpiresAt as number) ?? 0 } };
  }
}

export async function readLeased(table: string, key: Key): Promise<Record<string, unknown> | undefined> {
  const result = await documents().send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }));
  return result.Item;
}

/**
 * The fencing condition as a TransactWriteItems `ConditionCheck`: put it beside a holder's writes
 * so they commit only while the lease is still this holder's and the work is not done.
 */
export function fenceCheck(lease: Lease) {
  return {
    ConditionCheck: {
      TableName: lease.table,
      Key: lease.key,
      ConditionExpression: 'leaseOwner = :leaseOwner AND leaseFence = :leaseFence AND attribute_not_exists(leaseDoneAt)',
      ExpressionAttributeValues: { ':leaseOwner': lease.owner, ':leaseFence': lease.fence },
    },
  };
}

/** Extends a held lease; throws LeaseLost when it was taken over or finished. */
export async function renewLease(lease: Lease, durationMs: number, now = Date.now()): Promise<void> {
  try {
    await documents().send(
      new UpdateCommand({
        TableName: lease.table,
        Key: lease.key,
        UpdateExpression: 'SET leaseExpiresAt = :expires',
        ConditionExpression: 'leaseOwner = :owner AND leaseFence = :fence AND attribute_not_exists(leaseDoneAt)',
        ExpressionAttributeValues: { ':expires': now + durationMs, ':owner': lease.owner, ':fence': lease.fence },
      }),
    );
    lease.expiresAt = now + durationMs;
  } catch (error) {
    if (isConditionFailure(error)) throw new LeaseLost(lease);
    throw error;
  }
}

/** Marks the work done with its outcome (plain attributes); throws LeaseLost when no longer held. */
export async function completeLease(lease: Lease, outcome: Record<string, unknown>, at: string): Promise<void> {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':at': at, ':owner': lease.owner, ':fence': lease.fence };
  const sets = ['leaseDoneAt = :at'];
  Object.entries(outcome).forEach(([attribute, value], i) => {
    names[`#o${i}`] = attribute;
    values[`:o${i}`] = value;
    sets.push(`#o${i} = :o${i}`);
  });
  try {
    await documents().send(
      new UpdateCommand({
        TableName: lease.table,
        Key: lease.key,
        UpdateExpression: `SET ${sets.join(', ')} REMOVE leaseOwner, leaseExpiresAt`,
        ConditionExpression: 'leaseOwner = :owner AND leaseFence = :fence AND attribute_not_exists(leaseDoneAt)',
        ...(Object.keys(names).length && { ExpressionAttributeNames: names }),
        ExpressionAttributeValues: values,
      }),
    );
  } catch (error) {
    if (isConditionFailure(error)) throw new LeaseLost(lease);
    throw error;
  }
}
