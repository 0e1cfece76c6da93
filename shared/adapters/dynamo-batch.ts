// Batch reads and writes with DynamoDB's limits (25 puts, 100 gets a call) and retries
// of unprocessed items, run a few calls at a time.
import pMap from 'p-map';
import { BatchGetCommand, BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from './clients.ts';
import { putIf } from './dynamo-update.ts';
import { pauseBeforeRetry } from '../retry.ts';
import { retryTransient } from './dynamo-faults.ts';

type Item = Record<string, unknown>;

const maxAttempts = 8;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const backoff = (attempt: number) => pauseBeforeRetry(attempt, { baseMs: 20, capMs: 1000 });

export async function batchPut(table: string, items: readonly object[], concurrency = 8): Promise<void> {
  await pMap(chunks(items, 25), async (chunk) => {
    let pending = chunk.map((item) => ({ PutRequest: { Item: item as Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt === maxAttempts) throw new Error(`BatchWriteItem left ${pending.length} items unprocessed`);
      if (attempt > 0) await backoff(attempt);
      // A call refused as a whole (a 5xx, throttling) is sent again: puts of whole items repeat safely.
      const request = { RequestItems: { [table]: pending } };
      const result = await retryTransient(() => documents().send(new BatchWriteCommand(request)));
      pending = (result.UnprocessedItems?.[table] ?? []) as typeof pending;
    }
  }, { concurrency });
}

/**
 * Creates each item only where no item has its key (`attribute_not_exists(keyAttribute)`): one
 * conditional PutItem per item, `concurrency` at a time (BatchWriteItem takes no conditions, and
 * transactions would make writers of overlapping keys cancel each other). Of two writers creating
 * one key, the first to commit wins and the other is answered the item it could not create.
 */
export async function putAllIfAbsent<T extends object>(table: string, keyAttribute: string, items: readonly T[], concurrency = 32): Promise<T[]> {
  const existing: T[] = [];
  await pMap(
    items,
    async (item) => {
      // A retry of a create that did commit is refused by its condition and reported as existing:
      // callers tell their own writes from others' (registry-import.ts reads the importId).
      const created = await retryTransient(() =>
        putIf({ TableName: table, Item: item as Item, ConditionExpression: 'attribute_not_exists(#key)', ExpressionAttributeNames: { '#key': keyAttribute } }),
      );
      if (!created) existing.push(item);
    },
    { concurrency },
  );
  return existing;
}

export async function batchGet<T = Item>(
  table: string,
  keys: readonly Item[],
  projection?: string[],
  concurrency = 8,
  consistentRead = false,
): Promise<T[]> {
  const found: T[] = [];
  const names = projection ? Object.fromEntries(projection.map((p, i) => [`#p${i}`, p])) : undefined;
  await pMap(chunks(keys, 100), async (chunk) => {
    let pending: Item[] = chunk;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt === maxAttempts) throw new Error(`BatchGetItem left ${pending.length} keys unprocessed`);
      if (attempt > 0) await backoff(attempt);
      const result = await retryTransient(() => documents().send(
        new BatchGetCommand({
          RequestItems: {
            [table]: {
              Keys: pending,
              ...(consistentRead && { ConsistentRead: true }),
              ...(names && {
                ProjectionExpression: Object.keys(names).join(','),
                ExpressionAttributeNames: names,
              }),
            },
          },
        }),
      ));
      found.push(...((result.Responses?.[table] ?? []) as T[]));
      pending = result.UnprocessedKeys?.[table]?.Keys ?? [];
    }
  }, { concurrency });
  return found;
}
