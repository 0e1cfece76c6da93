// Leases with fencing tokens on a DynamoDB item: the one way long work (an import, a chunk, a
// batch's bank files, a bank report, a planning segment) is owned by one worker at a time.
//
// The lease lives on the work's own item as three attributes, `<name>Owner`, `<name>ExpiresAt`
// (epoch milliseconds) and `<name>Token` (a number that grows by one on every acquire and is never
// reset). A worker acquires, does the work with fenced writes (each conditional on the token it
// acquired), renews while it runs and releases at the end. A sweeper that finds an expired lease
// acquires it and gets a higher token: from then on every write of the stalled worker fails its
// fence (LeaseLostError), so the two never both write. (Kleppmann's fencing tokens; the condition
// expressions are DynamoDB's optimistic locking.)
import { TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { TableName } from '../topology.ts';
import { documents } from './clients.ts';
import { cancellationCodes, isConditionFailure, updateParams, type UpdateSpec, updateItem } from './dynamo-update.ts';
import { tableName } from './resources.ts';

type Key = Record<string, unknown>;

/** Which item carries the lease; `name` prefixes its attributes (default "lease"), so one item can carry several. */
export interface LeaseTarget {
  table: TableName;
  key: Key;
  name?: string;
}

/** A lease held: the fencing token is what every write of the leased work is checked against. */
export interface Lease {
  table: TableName;
  key: Key;
  name: string;
  owner: string;
  token: number;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/**
 * An earlier receive of a queue message found a later receive of the same message holding the
 * work's live lease. The earlier receive must not acknowledge the message: the later one may die
 * holding the lease (its acquire applied, its answer lost), and a message deleted by the earlier
 * receive would leave the work to wait for the lease's expiry and the sweeper (chaos seed 3: a
 * batch PAYING for the 900 s files lease). Failing the record leaves the message to its latest
 * receive: deleted when that one finishes, or received again when its visibility ends, when the
 * next receive takes the lease over.
 */
export class SupersededReceiveError extends Error {
  constructor(readonly owner: string, readonly holder: string) {
    super(`${owner} left the work to ${holder}, a later receive of the same message that holds its lease`);
    this.name = 'SupersededReceiveError';
  }
}

/** A write of leased work found a newer token (someone else acquired it) or no lease at all. */
export class LeaseLostError extends Error {
  constructor(lease: Pick<Lease, 'table' | 'key' | 'name' | 'token'>) {
    super(`lease ${lease.name} on ${lease.table} ${JSON.stringify(lease.key)} no longer holds token ${lease.token}`);
    this.name = 'LeaseLostError';
  }
}

const attributes = (name: string) => ({ owner: `${name}Owner`, expiresAt: `${name}ExpiresAt`, token: `${name}Token` });

/** The condition every fenced write carries: the item's token is still the lease's. */
function fence(lease: Lease) {
  return {
    expression: '#leaseFenceToken = :leaseFenceToken',
    names: { '#leaseFenceToken': attributes(lease.name).token },
    values: { ':leaseFenceToken': lease.token },
  };
}

export interface AcquireOptions {
  owner: string;
  durationMs: number;
  now: Date;
  /**
   * Acquire only if the item also meets this (e.g. the work is still RUNNING); its placeholders must
   * not start with #lease/:lease. The item must exist either way.
   */
  condition?: { expression: string; names?: Record<string, string>; values?: Record<string, unknown> };
  /**
   * The owner is one attempt of a piece of work that is retried under one name (a queue message:
   * see attemptOwner): a lease still held by an earlier attempt of the same name is taken over at
   * once instead of waiting for it to expire. That attempt is over (SQS receives a message again
   * only after the earlier receive's visibility ended, and a worker's own failure is what makes its
   * message visible again); if it were not, the higher token fences it out like any expired holder.
   */
  attemptOf?: string;
}

/**
 * The owner name of attempt `attempt` (1, 2, …) of the work named `of`: names of later attempts
 * sort after earlier ones (zero-padded), which is what `AcquireOptions.attemptOf` compares.
 */
export function attemptOwner(of: string, attempt: number): { owner: string; attemptOf: string } {
  return { owner: `${of}#attempt-${String(attempt).padStart(6, '0')}`, attemptOf: of };
}

/**
 * Takes the lease if nobody holds it, its holder released it, it expired at `now`, or (with
 * `attemptOf`) an earlier attempt of the same work holds it; the token grows by one. Returns the
 * lease and the item as it is now, or null when someone else holds a live lease, the item is
 * missing, or `condition` is false. Throws SupersededReceiveError (with `attemptOf`) when a later
 * attempt of the same work holds a live lease: the caller must not report its attempt done.
 */
export async function acquireLease(
  target: LeaseTarget,
  options: AcquireOptions,
): Promise<{ lease: Lease; item: Record<string, unknown> } | null> {
  const name = target.name ?? 'lease';
  const a = attributes(name);
  const expiresAt = options.now.getTime() + options.durationMs;
  const keyName = Object.keys(target.key)[0]!;
  const earlierAttempt = options.attemptOf === undefined ? '' : ' OR (begins_with(#leaseOwner, :leaseAttemptOf) AND #leaseOwner < :leaseOwner)';
  if (options.attemptOf !== undefined && !options.owner.startsWith(`${options.attemptOf}#`)) {
    throw new Error(`lease owner ${options.owner} is not an attempt of ${options.attemptOf} (see attemptOwner)`);
  }
  const conditions = [
    'attribute_exists(#leaseKey)',
    `(attribute_not_exists(#leaseOwner) OR #leaseExpiresAt <= :leaseNow${earlierAttempt})`,
    ...(options.condition ? [`(${options.condition.expression})`] : []),
  ];
  try {
    const result = await documents().send(
      new UpdateCommand({
        TableName: tableName(target.table),
        Key: target.key,
        UpdateExpression:
          'SET #leaseOwner = :leaseOwner, #leaseExpiresAt = :leaseExpiresAt, #leaseToken = if_not_exists(#leaseToken, :leaseZero) + :leaseOne',
        ConditionExpression: conditions.join(' AND '),
        ExpressionAttributeNames: {
          ...options.condition?.names,
          '#leaseKey': keyName,
          '#leaseOwner': a.owner,
          '#leaseExpiresAt': a.expiresAt,
          '#leaseToken': a.token,
        },
        ExpressionAttributeValues: {
          ...options.condition?.values,
          ':leaseOwner': options.owner,
          ':leaseExpiresAt': expiresAt,
          ':leaseNow': options.now.getTime(),
          ':leaseZero': 0,
          ':leaseOne': 1,
          ...(options.attemptOf === undefined ? {} : { ':leaseAttemptOf': `${options.attemptOf}#` }),
        },
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    const item = result.Attributes!;
    return {
      lease: { table: target.table, key: target.key, name, owner: options.owner, token: item[a.token] as number, expiresAt },
      item,
    };
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    if (options.attemptOf !== undefined) {
      // The item as it was, in DynamoDB's wire form: the document client does not unmarshall errors.
      const old = (error as { Item?: Record<string, { S?: string; N?: string } | undefined> }).Item;
      const holder = old?.[a.owner]?.S;
      const live = Number(old?.[a.expiresAt]?.N) > options.now.getTime();
      if (live && holder !== undefined && holder.startsWith(`${options.attemptOf}#`) && holder > options.owner) {
        throw new SupersededReceiveError(options.owner, holder);
      }
    }
    return null;
  }
}

/** Extends a held lease to `now + durationMs`. Throws LeaseLostError when the token moved on. */
export async function renewLease(lease: Lease, durationMs: number, now: Date): Promise<Lease> {
  const a = attributes(lease.name);
  const expiresAt = now.getTime() + durationMs;
  try {
    await documents().send(
      new UpdateCommand(
        updateParams(tableName(lease.table), lease.key, {
          set: { [a.expiresAt]: expiresAt, [a.owner]: lease.owner },
          condition: fence(lease),
        }),
      ),
    );
  } catch (error) {
    if (isConditionFailure(error)) throw new LeaseLostError(lease);
    throw error;
  }
  return { ...lease, expiresAt };
}

/** Gives the lease up (the token stays, so the next acquire still gets a higher one). False if it was already lost. */
export async function releaseLease(lease: Lease): Promise<boolean> {
  const a = attributes(lease.name);
  return updateItem(lease.table, lease.key, { remove: [a.owner, a.expiresAt], condition: fence(lease) });
}

/**
 * An update of the leased item itself, fenced: applied only while the item's token is the lease's.
 * Returns true when applied, false when the update's own condition (`spec.statusIn`,
 * `spec.condition`) was false; throws LeaseLostError when the token moved on. `release: true`
 * gives the lease up in the same write (the work's last step).
 */
export async function fencedUpdate(lease: Lease, spec: UpdateSpec, options: { release?: boolean } = {}): Promise<boolean> {
  const a = attributes(lease.name);
  const own = fence(lease);
  const condition = spec.condition
    ? {
        expression: `${own.expression} AND (${spec.condition.expression})`,
        names: { ...spec.condition.names, ...own.names },
        values: { ...spec.condition.values, ...own.values },
      }
    : own;
  const remove = [...(spec.remove ?? []), ...(options.release ? [a.owner, a.expiresAt] : [])];
  try {
    await documents().send(
      new UpdateCommand({
        ...updateParams(tableName(lease.table), lease.key, { ...spec, remove, condition }),
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return true;
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
    // The item as it was, in DynamoDB's wire form ({ N: "3" }): the document client does not unmarshall errors.
    const old = (error as { Item?: Record<string, { N?: string } | undefined> }).Item;
    if (Number(old?.[a.token]?.N) !== lease.token) throw new LeaseLostError(lease);
    return false;
  }
}

/** A TransactWriteItems action that cancels the transaction unless the lease still holds its token. */
export function fenceCheck(lease: Lease) {
  const own = fence(lease);
  return {
    ConditionCheck: {
      TableName: tableName(lease.table),
      Key: lease.key,
      ConditionExpression: own.expression,
      ExpressionAttributeNames: own.names,
      ExpressionAttributeValues: own.values,
    },
  };
}

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/**
 * Writes other items of the leased work (registry lines, payments) in one transaction with a
 * fence check on the lease item: all or nothing, and nothing once the lease is lost. At most 99
 * items (DynamoDB allows 100 actions, one is the check; never the lease item itself). Throws
 * LeaseLostError when the fence failed; other cancellations are rethrown as they came.
 */
export async function fencedTransact(lease: Lease, items: readonly TransactItem[]): Promise<void> {
  if (items.length > 99) throw new Error(`fencedTransact takes at most 99 items, got ${items.length}`);
  try {
    await documents().send(new TransactWriteCommand({ TransactItems: [fenceCheck(lease), ...items] }));
  } catch (error) {
    const codes = cancellationCodes(error);
    if (codes?.[0] === 'ConditionalCheckFailed') throw new LeaseLostError(lease);
    throw error;
  }
}

/** True when a lease read from an item (its `<name>ExpiresAt`) is missing or expired at `now`: a sweeper may take it. */
export function leaseIsFree(item: Record<string, unknown>, now: Date, name = 'lease'): boolean {
  const expiresAt = item[attributes(name).expiresAt] as number | undefined;
  return expiresAt === undefined || expiresAt <= now.getTime();
}
