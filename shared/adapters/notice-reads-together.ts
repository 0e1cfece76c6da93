// The decide worker's reads of hospital notices, coalesced: the records of a batch are handled in
// parallel (Powertools' BatchProcessor), so their reads of the same step (each notice, then each
// discharge's admission) start in the same tick and go to DynamoDB as one BatchGetItem instead of
// one GetItem each. A module of its own, so only the worker bundles dataloader and needs batchGet.
import DataLoader from 'dataloader';
import type { NoticeRecord } from '../domain/hospital-notices.ts';
import { batchGet } from './dynamo-batch.ts';
import { tableName } from './resources.ts';

// Nothing is cached (cache: false): every load reads the table, so a read never sees an older
// state than getNotice would. Strongly consistent, as getNotice.
const noticesReadTogether = new DataLoader<string, NoticeRecord | undefined>(
  async (ids) => {
    // Without a cache a key asked for twice comes twice, and BatchGetItem refuses duplicate keys.
    const unique = [...new Set(ids)];
    const found = await batchGet<NoticeRecord>(tableName('hospitalNotices'), unique.map((id) => ({ id })), undefined, 1, true);
    const byId = new Map(found.map((notice) => [notice.id, notice]));
    return ids.map((id) => byId.get(id));
  },
  { cache: false, maxBatchSize: 100 },
);

/**
 * The notice stored under `id` (strongly consistent), or undefined: the same answer as getNotice,
 * read in one BatchGetItem with the other reads asked for in the same tick. Throws what
 * BatchGetItem throws, and when keys stay unprocessed after the batch reader's retries.
 */
export async function getNoticeWithOthers(id: string): Promise<NoticeRecord | undefined> {
  return noticesReadTogether.load(id);
}
