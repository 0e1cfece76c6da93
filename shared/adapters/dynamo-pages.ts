// Every item a Query or Scan matches, page after page, as one async stream; and one page of a
// listing from a start key the edge decoded from a token it issued (shared/http/pagination.ts).
import { QueryCommand, ScanCommand, type QueryCommandInput, type ScanCommandInput } from '@aws-sdk/lib-dynamodb';
import { documents } from './clients.ts';
import { retryTransient } from './dynamo-faults.ts';

type Item = Record<string, unknown>;

/** Where a page starts: a LastEvaluatedKey (or a listing's own position), opened at the edge from a token it sealed. */
export type StartKey = Record<string, unknown>;

/**
 * The items of one page and the key to start the next from (undefined: the last page). `T` is
 * the table's record type: our own tables hold only what our writers put, so the type is asserted
 * here once instead of at every caller.
 */
export interface Page<T> {
  items: T[];
  lastKey: Item | undefined;
}

/** One Query or Scan call from `startKey` (a key the edge issued, never one read from a request as is). */
export async function readPage<T = Item>(
  call: { query: QueryCommandInput } | { scan: ScanCommandInput },
  startKey?: Item,
): Promise<Page<T>> {
  const page =
    'query' in call
      ? await documents().send(new QueryCommand({ ...call.query, ExclusiveStartKey: startKey }))
      : await documents().send(new ScanCommand({ ...call.scan, ExclusiveStartKey: startKey }));
  return { items: (page.Items ?? []) as T[], lastKey: page.LastEvaluatedKey };
}

async function* allPages<T>(call: { query: QueryCommandInput } | { scan: ScanCommandInput }): AsyncGenerator<T> {
  let startKey: Item | undefined;
  do {
    // A page refused by a transient fault is read again, not the whole read (a planning segment's scan) failed.
    const from = startKey;
    const page = await retryTransient(() => readPage<T>(call, from));
    yield* page.items;
    startKey = page.lastKey;
  } while (startKey);
}

export const queryAll = <T = Item>(input: QueryCommandInput): AsyncGenerator<T> => allPages<T>({ query: input });

export const scanAll = <T = Item>(input: ScanCommandInput): AsyncGenerator<T> => allPages<T>({ scan: input });
export async function collect<I, T>(items: AsyncIterable<I>, map: (item: I) => T): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(map(item));
  return out;
}
