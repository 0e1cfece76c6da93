// Batch reads and writes with DynamoDB's limits (25 puts, 100 gets a call) and retries
// of unprocessed items, run a few calls at a time.
import { BatchGetCommand, BatchWriteCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from './clients.ts';
import { cancellationCodes } from './dynamo-update.ts';

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

/** Puts a transaction carries at most (DynamoDB's limit is 100 actions). */
const putsPerTransaction = 100;
const maxContentionAttempts = 20;

/**
 * Creates each item only where no item has its key (`attribute_not_exists(keyAttribute)`), up to
 * 100 per transaction; an item whose key exists is left as it is and answered, so that of two
 * writers creating one key the first to commit wins and the other learns it lost. Concurrent
 * transactions on one key are retried with backoff. Answers the items that were not created.
 */
export async function putAllIfAbsent(table: string, keyAttribute: string, items: readonly Item[], concurrency = 8): Promise<Item[]> {
  const existing: Item[] = [];
  await inParallel(chunks(items, putsPerTransaction), concurrency, async (chunk) => {
    let pending = chunk;
    for (let attempt = 0; pending.length > 0; attempt++) {
      if (attempt === maxContentionAttempts) throw new Error(`creating ${pending.length} items in ${table} kept conflicting`);
      try {
        await documents().send(
          new TransactWriteCommand({
            TransactItems: pending.map((Item) => ({
              Put: { TableName: table, Item, ConditionExpression: 'attribute_not_exists(#key)', ExpressionAttributeNames: { '#key': keyAttribute } },
            })),
          }),
        );
        return;
      } catch (error) {
        const codes = cancellationCodes(error);
        if (!codes) throw error;
        const taken = pending.filter((_, i) => codes[i] === 'ConditionalCheckFailed');
        existing.push(...taken);
        pending = pending.filter((_, i) => codes[i] !== 'ConditionalCheckFailed');
        if (taken.length === 0) await backoff(Math.min(attempt, 5) + Math.random());
      }
    }
  });
  return existing;
}

export async function batchGet(
  table: string,
  keys: readonly Item[],
  projection?: string[],
  concurrency = 8,
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
