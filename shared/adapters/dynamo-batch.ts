// Batch reads and writes with DynamoDB's limits (25 puts, 100 gets a call) and retries
// of unprocessed items, run a few calls at a time.
import { BatchGetCommand, BatchWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from './clients.ts';
import { isConditionFailure } from './dynamo-update.ts';

type Item = Record<string, unknown>;

const maxAttempts = 8;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function inParallel<T>(tasks: readonly T[], concurrency: number, run: (task: T) => Promise<void>) {
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, tasks.length) }, async () => {
    while (next < tasks.length) await run(tasks[next++]!);
  });
  await Promise.all(workers);
}

const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** attempt)));

export async function batchPut(table: string, items: readonly Item[], concurrency = 8): Promise<void> {
  await inParallel(chunks(items, 25), concurrency, async (chunk) => {
    let pending: Array<{ PutRequest: { Item: Item } }> = chunk.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt === maxAttempts) throw new Error(`BatchWriteItem left ${pending.length} items unprocessed`);
      if (attempt > 0) await backoff(attempt);
      const result = await documents().send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      pending = (result.UnprocessedItems?.[table] ?? []) as typeof pending;
    }
  });
}

/**
 * Creates each item only where no item has its key (`attribute_not_exists(keyAttribute)`): one
 * conditional PutItem per item, `concurrency` at a time (BatchWriteItem takes no conditions, and
 * transactions would make writers of overlapping keys cancel each other). Of two writers creating
 * one key, the first to commit wins and the other is answered the item it could not create.
 */
export async function putAllIfAbsent(table: string, keyAttribute: string, items: readonly Item[], concurrency = 32): Promise<Item[]> {
  const existing: Item[] = [];
  await inParallel(items, concurrency, async (Item) => {
    try {
      await documents().send(
        new PutCommand({ TableName: table, Item, ConditionExpression: 'attribute_not_exists(#key)', ExpressionAttributeNames: { '#key': keyAttribute } }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      existing.push(Item);
    }
  });
  return existing;
}

export async function batchGet(
  table: string,
  keys: readonly Item[],
  projection?: string[],
  concurrency = 8,
  consistentRead = false,
): Promise<Item[]> {
  const found: Item[] = [];
  const names = projection ? Object.fromEntries(projection.map((p, i) => [`#p${i}`, p])) : undefined;
  await inParallel(chunks(keys, 100), concurrency, async (chunk) => {
    let pending: Item[] = chunk;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt === maxAttempts) throw new Error(`BatchGetItem left ${pending.length} keys unprocessed`);
      if (attempt > 0) await backoff(attempt);
      const result = await documents().send(
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
      );
      found.push(...(result.Responses?.[table] ?? []));
      pending = result.UnprocessedKeys?.[table]?.Keys ?? [];
    }
  });
  return found;
}
