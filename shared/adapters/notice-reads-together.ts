// The decide worker's reads, coalesced: the records of a batch are handled in parallel (Powertools'
// BatchProcessor), so their reads of the same step (each notice; then each admission's registry
// record, each discharge's admission; then each person-year's usage) start in the same tick and go
// to DynamoDB as one BatchGetItem per table instead of one GetItem each. A module of its own, so
// only the worker bundles dataloader and needs batchGet.
import DataLoader from 'dataloader';
import type { NoticeRecord } from '../domain/hospital-notices.ts';
import type { Recipient } from '../domain/registry.ts';
import type { TableName } from '../topology.ts';
import { batchGet } from './dynamo-batch.ts';
import { usageOf } from './notice-store.ts';
import { tableName } from './resources.ts';

/**
 * A reader of `table`'s items by their string partition key `keyName`: the loads of one tick share
 * one BatchGetItem (up to 100 keys). Nothing is cached (cache: false): every load reads the table,
 * so a read never sees an older state than a GetItem at the same moment. Throws what BatchGetItem
 * throws, and when keys stay unprocessed after the batch reader's retries.
 */
function readTogether<T>(table: TableName, keyName: string, consistentRead: boolean): (key: string) => Promise<T | undefined> {
  const loader = new DataLoader<string, T | undefined>(
    async (keys) => {
      // Without a cache a key asked for twice comes twice, and BatchGetItem refuses duplicate keys.
      const unique = [...new Set(keys)];
      const found = await batchGet<Record<string, unknown>>(tableName(table), unique.map((key) => ({ [keyName]: key })), undefined, 1, consistentRead);
      const byKey = new Map(found.map((item) => [item[keyName] as string, item as T]));
      return keys.map((key) => byKey.get(key));
    },
    { cache: false, maxBatchSize: 100 },
  );
  return (key) => loader.load(key);
}

/** The notice stored under `id` (strongly consistent, as getNotice), read with the tick's others. */
export const getNoticeWithOthers = readTogether<NoticeRecord>('hospitalNotices', 'id', true);

const usageWithOthers = readTogether<{ usedFen?: number }>('medicalAssistanceUsage', 'personYear', true);

/**
 * decideNotice's reads for the worker, each with the same answer and consistency as the one-call
 * reader it replaces: getNotice (strong), getRecipient (eventual), annualUsage (strong).
 */
export const decideReadsTogether = {
  notice: getNoticeWithOthers,
  recipient: readTogether<Recipient>('recipients', 'idNumber', false),
  usage: async (personYear: string) => usageOf(await usageWithOthers(personYear)),
};
