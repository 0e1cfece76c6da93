// The figures table: ledger entries (what each source record last contributed), sharded counters
// and filed reports. A plan from the ledger is written in one transaction: each entry conditioned
// on the version read, each counter delta an ADD on one of the counter's shards.
import { createHash } from 'node:crypto';
import { TransactWriteCommand} from '@aws-sdk/lib-dynamodb';
import { counterRanges, type CounterRow } from '../domain/figures.ts';
import type { LedgerEntry, LedgerPlan } from '../domain/figure-ledger.ts';
import { documents } from './clients.ts';
import { batchGet } from './dynamo-batch.ts';
import { queryAll, scanAll } from './dynamo-pages.ts';
import { cancellationCodes, isConditionFailure, updateItem, updateParams } from './dynamo-update.ts';
import { tableName } from './resources.ts';
import { getItem, putNew } from './dynamo-items.ts';
import { paymentShardKeys, type PaymentsOf } from '../domain/payouts/batch.ts';

/** Shards per counter: a 100,000-line bank report spreads its ADDs over these items. */
export const counterShards = 8;
const entrySk = 'entry';

export function shardOf(entityId: string): number {
  return createHash('sha256').update(entityId).digest().readUInt32BE(0) % counterShards;
}

export async function readEntries(ids: string[]): Promise<Map<string, LedgerEntry>> {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return new Map();
  // Consistent reads: the versions read are the ones the transaction's conditions check.
  const items = await batchGet(tableName('figures'), unique.map((pk) => ({ pk, sk: entrySk })), undefined, 8, true);
  return new Map(items.map((item) => [item.pk as string, item.entry as LedgerEntry] as const));
}

/** Counter id `family|rest` → the stored key on shard `shard`. */
function counterItemKey(counter: string, shard: number) {
  const bar = counter.indexOf('|');
  return { pk: counter.slice(0, bar), sk: `${counter.slice(bar + 1)}#s${shard}` };
}

/**
 * Writes a plan atomically. 'conflict': an entry moved since it was read (read again and replan);
 * 'busy': only another transaction holding one of the items (a counter shard) cancelled it, so the
 * same plan may be written again, best on another shard.
 */
export async function writePlan(plan: LedgerPlan, shard: number): Promise<'written' | 'conflict' | 'busy'> {
  const entries = plan.writes.map((w) => ({
    Put: {
      TableName: tableName('figures'),
      Item: { pk: w.id, sk: entrySk, entry: w.entry },
      ConditionExpression: w.expectedVersion === 0 ? 'attribute_not_exists(pk)' : 'entry.version = :v',
      ...(w.expectedVersion !== 0 && { ExpressionAttributeValues: { ':v': w.expectedVersion } }),
    },
  }));
  const counters = Object.entries(plan.counters).flatMap(([counter, fields]) => {
    const nonZero = Object.entries(fields).filter(([, v]) => v !== 0);
    if (nonZero.length === 0) return [];
    return [
      { Update: updateParams(tableName('figures'), counterItemKey(counter, shard), { add: Object.fromEntries(nonZero) }) },
    ];
  });
  const items = [...entries, ...counters];
  if (items.length > 100) throw new Error(`a figures change touches ${items.length} items, over DynamoDB's 100 per transaction`);
  try {
    await documents().send(new TransactWriteCommand({ TransactItems: items }));
    return 'written';
  } catch (error) {
    const codes = cancellationCodes(error);
    if (codes && codes.every((c) => c === 'None' || c === 'TransactionConflict')) return 'busy';
    // A condition failed (an entry moved): read and try again.
    if (isConditionFailure(error) || codes) return 'conflict';
    throw error;
  }
}

/**
 * The counter rows a report up to `until` (YYYY or YYYY-MM, inclusive) needs (counterRanges),
 * shards summed: one query per counter family, in parallel.
 */
export async function counterRows(until: string): Promise<CounterRow[]> {
  const pages = await Promise.all(
    counterRanges(until).map(async ({ pk, from, to }) => {
      const rows = new Map<string, Record<string, number>>();
      for await (const item of queryAll<Filing & { pk: string; sk: string }>({
        TableName: tableName('figures'),
        // Roll-ups: the years before the period's (its own year's months are read instead).
        KeyConditionExpression: from === undefined ? 'pk = :pk AND sk < :to' : 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': pk, ':to': to, ...(from !== undefined && { ':from': from }) },
      })) {
        const sk = item.sk as string;
        const key = `${pk}|${sk.slice(0, sk.lastIndexOf('#s'))}`;
        const fields = rows.get(key) ?? {};
        for (const [f, v] of Object.entries(item)) {
          if (f === 'pk' || f === 'sk' || typeof v !== 'number') continue;
          fields[f] = (fields[f] ?? 0) + v;
        }
        rows.set(key, fields);
      }
      return [...rows].map(([key, fields]) => ({ key, fields }));
    }),
  );
  return pages.flat();
}

/** The earliest registry record's China-time day, kept as a minimum. */
export async function noteRegistryRecordedOn(day: string): Promise<void> {
  // False (nothing written) when an earlier day is already noted.
  await updateItem('figures', { pk: 'meta', sk: 'coverage' }, {
    set: { registryRecordedFrom: day },
    condition: { expression: 'attribute_not_exists(registryRecordedFrom) OR registryRecordedFrom > :day', values: { ':day': day } },
  });
}

export async function registryRecordedFrom(): Promise<string | null> {
  const coverage = await getItem<{ registryRecordedFrom?: string }>('figures', { pk: 'meta', sk: 'coverage' }, { eventually: true });
  return coverage?.registryRecordedFrom ?? null;
}

export interface Filing {
  filingId: string;
  month: string;
  filedBy: string;
  filedAt: string;
  reason?: string;
  report: unknown;
}

export async function putFiling(filing: Filing): Promise<void> {
  await putNew('figures', { pk: `filing#${filing.month}`, sk: `${filing.filedAt}#${filing.filingId}`, ...filing }, 'pk');
}

export async function filings(month: string): Promise<Filing[]> {
  const out: Filing[] = [];
  for await (const item of queryAll<Filing & { pk: string; sk: string }>({
    TableName: tableName('figures'),
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': `filing#${month}` },
  })) {
    const { pk: _pk, sk: _sk, ...filing } = item;
    out.push(filing);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The source records the figures count, as stored (the maintainers and the recount map them to facts).

type SourceItem = Record<string, unknown>;

/** A payout batch's program, period (YYYY-MM) and categories; undefined: no such batch. */
export interface StoredBatchFacts {
  batchId: string;
  program: string;
  period: string;
  categories: string[];
  /** The batch's payment write shards (absent: one). */
  paymentShards?: number;
}

const batchFactsOf = (item: SourceItem): StoredBatchFacts => ({
  batchId: item.batchId as string,
  program: item.program as string,
  period: item.period as string,
  categories: (item.categories as string[] | undefined) ?? [],
  ...(item.paymentShards !== undefined && { paymentShards: item.paymentShards as number }),
});

const batchFactAttributes = ['batchId', 'program', 'period', 'categories', 'paymentShards'] as const;

/** One batch's facts (eventually consistent: a batch's program, period and categories never change). */
export async function readBatchFacts(batchId: string): Promise<StoredBatchFacts | undefined> {
  const item = await getItem('payoutBatches', { batchId }, { eventually: true, attributes: batchFactAttributes });
  return item && batchFactsOf(item);
}

/** A one-off grant's type (eventually consistent: it never changes); undefined: no such grant. */
export async function readGrantType(grantId: string): Promise<string | undefined> {
  const item = await getItem('grants', { grantId }, { eventually: true, attributes: ['type'] });
  return item?.type as string | undefined;
}

/** Every registry record (a scan: the recount only). */
export const allRecipientItems = (): AsyncGenerator<SourceItem> => scanAll({ TableName: tableName('recipients') });

/** Every batch's facts (a scan: the recount only). */
export async function* allBatchFacts(): AsyncGenerator<StoredBatchFacts> {
  const names = Object.fromEntries(batchFactAttributes.map((a, i) => [`#a${i}`, a]));
  for await (const item of scanAll({ TableName: tableName('payoutBatches'), ProjectionExpression: Object.keys(names).join(', '), ExpressionAttributeNames: names })) {
    yield batchFactsOf(item);
  }
}

/** The payments of one batch, shard after shard (eventually consistent, as the recount reads everything). */
export async function* paymentItemsOf(batch: PaymentsOf): AsyncGenerator<SourceItem> {
  for (const shardKey of paymentShardKeys(batch)) {
    yield* queryAll({ TableName: tableName('payments'), KeyConditionExpression: 'batchShard = :s', ExpressionAttributeValues: { ':s': shardKey } });
  }
}

/** Every hospital notice (a scan: the recount only). */
export const allNoticeItems = (): AsyncGenerator<SourceItem> => scanAll({ TableName: tableName('hospitalNotices') });
