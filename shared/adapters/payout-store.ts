import pMap from 'p-map';
import {
  PutCommand,
  QueryCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { HistoryEntry, RecipientCategory } from '../domain/registry.ts';
import {
  chunkEntry,
  paymentKey,
  paymentShardKey,
  paymentShardKeys,
  planSegmentEntry,
  type BatchStatus,
  type PaymentsOf,
  type ChunkRange,
  type PaymentRecord,
  type PaymentStatus,
  type PayoutBatch,
} from '../domain/payouts/batch.ts';
import { isConditionFailure, cancellationCodes, updateItem } from './dynamo-update.ts';
import { documents } from './clients.ts';
import { batchGet, batchPut, putAllIfAbsent } from './dynamo-batch.ts';
import { retryTransient } from './dynamo-faults.ts';
import { AppError } from '../domain/errors.ts';
import { collect, queryAll, scanAll, readPage } from './dynamo-pages.ts';
import { tableName } from './resources.ts';
import { getItem, putNew } from './dynamo-items.ts';
import { fenceCheck, LeaseLostError, type Lease } from './lease.ts';

/** The keys of the batch list's indexes (topology: batchesListed, batchesByStatus): newest period, then newest batch, first. */
const listedKeys = (batch: PayoutBatch) => ({ listed: 'BATCH', periodCreated: `${batch.period}#${batch.createdAt}` });

export async function putNewBatch(batch: PayoutBatch): Promise<void> {
  await putNew('payoutBatches', { ...batch, ...listedKeys(batch) }, 'batchId');
}

/** At most this many DynamoDB calls per page, so a sparse program filter cannot keep a request running. */
const maxCallsPerPage = 10;

/**
 * A page of batches, newest period first: a Query on `batchesByStatus` when a status is given, else
 * on `batchesListed` (every batch); the period narrows the sort key, the program filters.
 */
export async function batchesPage(
  filter: { status?: BatchStatus; program?: string; period?: string },
  limit: number,
  startKey: Record<string, unknown> | undefined,
): Promise<{ items: PayoutBatch[]; lastKey?: Record<string, unknown> }> {
  const byStatus = filter.status !== undefined;
  const names: Record<string, string> = { '#pk': byStatus ? 'status' : 'listed' };
  const values: Record<string, unknown> = { ':pk': byStatus ? filter.status : 'BATCH' };
  let keyCondition = '#pk = :pk';
  if (filter.period) {
    names['#sk'] = 'periodCreated';
    values[':period'] = `${filter.period}#`;
    keyCondition += ' AND begins_with(#sk, :period)';
  }
  if (filter.program) {
    names['#program'] = 'program';
    values[':program'] = filter.program;
  }
  const items: PayoutBatch[] = [];
  let lastKey = startKey;
  try {
    for (let call = 0; call < maxCallsPerPage && items.length < limit; call++) {
      const page = await documents().send(
        new QueryCommand({
          TableName: tableName('payoutBatches'),
          IndexName: byStatus ? 'batchesByStatus' : 'batchesListed',
          KeyConditionExpression: keyCondition,
          ...(filter.program && { FilterExpression: '#program = :program' }),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          Limit: limit - items.length,
          ExclusiveStartKey: lastKey,
        }),
      );
      items.push(...((page.Items ?? []) as PayoutBatch[]));
      lastKey = page.LastEvaluatedKey;
      if (!lastKey) break;
    }
  } catch (error) {
    if (startKey && (error as Error).name === 'ValidationException') throw tokenOfOtherList();
    throw error;
  }
  return { items, lastKey };
}

const tokenOfOtherList = () =>
  new AppError('VALIDATION_FAILED', 'nextToken: belongs to a list with other filters', [
    { path: 'nextToken', message: 'belongs to a list with other filters' },
  ]);

/** A page of the batch's returned payments, oldest return first (the sparse index `returnsByBatch`). */
export async function returnsPage(
  batchId: string,
  limit: number,
  startKey: Record<string, unknown> | undefined,
): Promise<{ items: PaymentRecord[]; lastKey?: Record<string, unknown> }> {
  try {
    const page = await documents().send(
      new QueryCommand({
        TableName: tableName('payments'),
        IndexName: 'returnsByBatch',
        KeyConditionExpression: 'batchId = :batch',
        ExpressionAttributeValues: { ':batch': batchId },
        Limit: limit,
        ExclusiveStartKey: startKey,
      }),
    );
    return { items: (page.Items ?? []) as PaymentRecord[], lastKey: page.LastEvaluatedKey };
  } catch (error) {
    if (startKey && (error as Error).name === 'ValidationException') throw tokenOfOtherList();
    throw error;
  }
}

/** The claims of these keys as stored now (absent keys are left out). */
export async function claimsByKey(claimKeys: readonly string[]): Promise<Map<string, { batchId: string; claimStatus: 'HELD' | 'RELEASED' }>> {
  const unique = [...new Set(claimKeys)];
  const items = unique.length ? await batchGet(tableName('payoutClaims'), unique.map((claimKey) => ({ claimKey })), undefined, 4, true) : [];
  return new Map(items.map((item) => [item.claimKey as string, { batchId: item.batchId as string, claimStatus: item.claimStatus as 'HELD' | 'RELEASED' }]));
}

export async function getBatch(batchId: string): Promise<PayoutBatch | undefined> {
  return getItem<PayoutBatch>('payoutBatches', { batchId });
}

/** Moves a batch from one status to another, recording why; false when it was not in `from`. */
export async function transitionBatch(
  batchId: string,
  from: BatchStatus,
  to: BatchStatus,
  entry: HistoryEntry,
  fields: Partial<PayoutBatch> = {},
): Promise<boolean> {
  return updateItem('payoutBatches', { batchId }, {
    set: { ...fields, status: to },
    append: { history: [entry] },
    statusIn: [from],
  });
}

export async function setReconciliation(batchId: string, reconciliation: PayoutBatch['reconciliation']): Promise<void> {
  await updateItem('payoutBatches', { batchId }, { set: { reconciliation } });
}

export interface PayeeCandidate {
  payeeId: string;
  name: string;
  /** A recipient's category (recipients only). */
  category?: RecipientCategory;
  bankName?: string;
  bankAccount?: string;
  amountFen: number;
}

/**
 * ACTIVE recipients of the categories in one segment of a parallel scan (`segment` of `totalSegments`),
 * itself read as four sub-segments at once.
 */
export async function activeRecipients(
  categories: readonly RecipientCategory[],
  segment = 0,
  totalSegments = 1,
): Promise<Array<PayeeCandidate & { monthlyBenefitFen: number }>> {
  const segments = 4;
  const names = { '#status': 'status', '#name': 'name' };
  const values: Record<string, unknown> = { ':active': 'ACTIVE' };
  categories.forEach((c, i) => (values[`:c${i}`] = c));
  const segmentsFound = await Promise.all(
    Array.from({ length: segments }, (_, sub) =>
      collect(
        scanAll({
          TableName: tableName('recipients'),
          Segment: segment * segments + sub,
          TotalSegments: totalSegments * segments,
          ProjectionExpression: 'recipientId, #name, category, bankName, bankAccount, monthlyBenefitFen',
          FilterExpression: `#status = :active AND category IN (${categories.map((_, i) => `:c${i}`).join(', ')})`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        }),
        (item) => ({
          payeeId: item.recipientId as string,
          name: item.name as string,
          category: item.category as RecipientCategory,
          bankName: item.bankName as string | undefined,
          bankAccount: item.bankAccount as string | undefined,
          amountFen: 0,
          monthlyBenefitFen: (item.monthlyBenefitFen as number | undefined) ?? 0,
        }),
      ),
    ),
  );
  return segmentsFound.flat();
}

/** Parallel-scan segments the registry estimate samples: one of them is read, its count multiplied back. */
const estimateSampleSegments = 1_000;

/**
 * About how many ACTIVE recipients of the categories the registry holds, from one segment of a
 * 1,000-segment parallel scan (a scan segment covers an even slice of the key hashes): reads about
 * a thousandth of the table, so it costs little at any size. Sizes the planning fan-out, nothing more.
 */
export async function estimatedActiveRecipients(categories: readonly RecipientCategory[]): Promise<number> {
  const values: Record<string, unknown> = { ':active': 'ACTIVE' };
  categories.forEach((c, i) => (values[`:c${i}`] = c));
  let count = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documents().send(
      new ScanCommand({
        TableName: tableName('recipients'),
        Segment: 0,
        TotalSegments: estimateSampleSegments,
        Select: 'COUNT',
        FilterExpression: `#status = :active AND category IN (${categories.map((_, i) => `:c${i}`).join(', ')})`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: values,
        ExclusiveStartKey: startKey,
      }),
    );
    count += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return count * estimateSampleSegments;
}

/**
 * Fixes how many planning segments and payment write shards the batch has, once (the first planner
 * to ask sets both, while the batch is PLANNING); every planner then reads the same numbers, so no
 * payment is written under a shard its readers do not read. Returns the batch's numbers (a batch
 * fixed before shards existed has no paymentShards: one shard).
 */
export async function fixPlanSegmentCount(
  batchId: string,
  counts: { planSegments: number; paymentShards: number },
): Promise<{ planSegments: number; paymentShards?: number } | undefined> {
  const fixed = await updateItem('payoutBatches', { batchId }, {
    set: counts,
    statusIn: ['PLANNING'],
    condition: { expression: 'attribute_not_exists(planSegments)' },
  });
  if (fixed) return counts;
  const batch = await getBatch(batchId);
  return batch?.planSegments === undefined ? undefined : { planSegments: batch.planSegments, paymentShards: batch.paymentShards };
}

/** Grants decided GRANTED, whether or not some batch already claimed them. */
export async function grantedGrants(): Promise<PayeeCandidate[]> {
  return collect(
    queryAll({
      TableName: tableName('grants'),
      IndexName: 'grantsByStatus',
      KeyConditionExpression: '#status = :granted',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':granted': 'GRANTED' },
    }),
    (item) => ({
      payeeId: item.grantId as string,
      name: item.payeeName as string,
      bankName: item.bankName as string | undefined,
      bankAccount: item.bankAccount as string | undefined,
      amountFen: item.amountFen as number,
    }),
  );
}

const pairsPerTransaction = 25;
/** A planning transaction's retries of transient faults: up to 10 tries, pauses up to 0.1·2^k s, at most 5 s (about 20 s in all). */
const planningRetry = { attempts: 10, baseMs: 100, capMs: 5_000 } as const;

export interface ClaimOutcome {
  /** Written now: the claim is this batch's and the payment is new. */
  written: number;
  /** The payment was already in this batch (an earlier or concurrent planner of it wrote it). */
  alreadyInBatch: number;
  /** The person's claim is held by another batch: not planned here. */
  heldElsewhere: number;
  /** Time was up (outOfTime): the groups not started were left for the next planner. */
  stopped: boolean;
}

/**
 * Claims each payment's (program, period, payee) key for its batch and creates the payment, claim
 * and payment in one transaction per group, beside the planner's lease `fence`: once the lease
 * moved on, nothing more is written (LeaseLostError). A claim held by another batch drops the payment;
 * a payment already present is never rewritten (so a RECORDED payment never goes back to PLANNED).
 */
export async function claimAndPlan(
  payments: PaymentRecord[],
  at: string,
  lease: Lease,
  concurrency = 4,
  outOfTime: () => boolean = () => false,
): Promise<ClaimOutcome> {
  const groups: PaymentRecord[][] = [];
  for (let i = 0; i < payments.length; i += pairsPerTransaction) groups.push(payments.slice(i, i + pairsPerTransaction));
  const outcome: ClaimOutcome = { written: 0, alreadyInBatch: 0, heldElsewhere: 0, stopped: false };
  // p-map starts no group after one has failed (a lost lease, a fault): the caller has given up.
  await pMap(
    groups,
    async (first) => {
      // Checked before each transaction: one started is finished, none starts once time is up.
      if (outOfTime()) {
        outcome.stopped = true;
        return;
      }
      let group = first;
      for (let attempt = 0; group.length > 0; attempt++) {
        if (attempt === 20) throw new Error('planning transactions kept conflicting');
        try {
          // A 5xx or throttling is retried here as the same transaction (the SDK's own retries
          // stop once its quota is spent); cancellations, conflicts included, are read below.
          // Patient: DynamoDB Local's lock waits beside a stream reader last seconds.
          await retryTransient(() => documents().send(
            new TransactWriteCommand({
              TransactItems: [
                ...group.flatMap((p) => [
                  {
                    Put: {
                      TableName: tableName('payoutClaims'),
                      Item: { claimKey: p.claimKey, batchId: p.batchId, endToEndId: p.endToEndId, claimStatus: 'HELD', claimedAt: at },
                      ConditionExpression: 'attribute_not_exists(claimKey) OR claimStatus = :released OR batchId = :batch',
                      ExpressionAttributeValues: { ':released': 'RELEASED', ':batch': p.batchId },
                    },
                  },
                  {
                    Put: {
                      TableName: tableName('payments'),
                      Item: p,
                      ConditionExpression: 'attribute_not_exists(endToEndId)',
                    },
                  },
                ]),
                fenceCheck(lease),
              ],
            }),
          ), planningRetry);
          outcome.written += group.length;
          break;
        } catch (error) {
          const codes = cancellationCodes(error);
          if (!codes) throw error;
          if (codes[group.length * 2] === 'ConditionalCheckFailed') throw new LeaseLostError(lease);
          const heldElsewhere = group.filter((_, i) => codes[i * 2] === 'ConditionalCheckFailed');
          const alreadyHere = group.filter((_, i) => codes[i * 2] !== 'ConditionalCheckFailed' && codes[i * 2 + 1] === 'ConditionalCheckFailed');
          outcome.heldElsewhere += heldElsewhere.length;
          outcome.alreadyInBatch += alreadyHere.length;
          group = group.filter((_, i) => codes[i * 2] !== 'ConditionalCheckFailed' && codes[i * 2 + 1] !== 'ConditionalCheckFailed');
          if (heldElsewhere.length + alreadyHere.length === 0) await new Promise((r) => setTimeout(r, Math.random() * 50 * (attempt + 1)));
        }
      }
    },
    { concurrency },
  );
  return outcome;
}

/** What a read of a batch's payments asks of each shard's Query. */
export interface PaymentsQuery {
  /** Only these attributes (all by default). */
  attributes?: readonly string[];
  /** Only endToEndIds from `first` to `last`, both included (a chunk's range). */
  between?: { first: string; last: string };
  /** Only payments in this status (a filter: the Query still reads the others). */
  status?: PaymentStatus;
  /** Strongly consistent (the default) or eventually. */
  consistent?: boolean;
}

/** Shards read at once by the readers of a whole batch (at most 40 shards, one Query stream each). */
const shardsReadAtOnce = 8;

function shardQuery(shardKey: string, query: PaymentsQuery): QueryCommandInput {
  const names: Record<string, string> = Object.fromEntries((query.attributes ?? []).map((attribute, i) => [`#a${i}`, attribute]));
  if (query.status) names['#status'] = 'status';
  return {
    TableName: tableName('payments'),
    KeyConditionExpression: query.between ? 'batchShard = :shard AND endToEndId BETWEEN :first AND :last' : 'batchShard = :shard',
    ExpressionAttributeValues: {
      ':shard': shardKey,
      ...(query.between && { ':first': query.between.first, ':last': query.between.last }),
      ...(query.status && { ':status': query.status }),
    },
    ...(query.attributes && { ProjectionExpression: query.attributes.map((_, i) => `#a${i}`).join(', ') }),
    ...(query.status && { FilterExpression: '#status = :status' }),
    ...(Object.keys(names).length > 0 && { ExpressionAttributeNames: names }),
    ConsistentRead: query.consistent ?? true,
  };
}

/**
 * Visits every payment of the batch: one Query stream per write shard (paymentShardKeys), a few
 * shards at once, so items arrive in no particular order across shards (in endToEndId order within one).
 */
export async function forEachPayment<T = PaymentRecord>(batch: PaymentsOf, query: PaymentsQuery, visit: (item: T) => void): Promise<void> {
  await pMap(
    paymentShardKeys(batch),
    async (shardKey) => {
      for await (const item of queryAll<T>(shardQuery(shardKey, query))) visit(item);
    },
    { concurrency: shardsReadAtOnce },
  );
}

/** Every payment of the batch (see forEachPayment), in endToEndId order. */
export async function batchPayments<T extends { endToEndId: string } = PaymentRecord>(batch: PaymentsOf, query: PaymentsQuery = {}): Promise<T[]> {
  const items: T[] = [];
  await forEachPayment<T>(batch, query, (item) => items.push(item));
  return items.sort((a, b) => (a.endToEndId < b.endToEndId ? -1 : a.endToEndId > b.endToEndId ? 1 : 0));
}

/** The batch's payments as stored: count, total and sorted endToEndIds, from which the plan is derived. */
export async function storedPlan(batch: PaymentsOf): Promise<{ endToEndIds: string[]; totalFen: number }> {
  const payments = await batchPayments<{ endToEndId: string; amountFen: number }>(batch, { attributes: ['endToEndId', 'amountFen'] });
  return { endToEndIds: payments.map((p) => p.endToEndId), totalFen: payments.reduce((total, p) => total + p.amountFen, 0) };
}

/** The items carrying each planning segment's lease and outcome, created once (a lease needs its item). */
export async function createPlanSegments(batchId: string, segments: number[], attempt = 0): Promise<void> {
  await putAllIfAbsent(
    tableName('payoutProgress'),
    'entry',
    segments.map((segment) => ({ batchId, entry: planSegmentEntry(segment, attempt) })),
  );
}

/** The progress entries of the batch whose keys begin with `prefix` (its planning segments, say). */
export async function progressEntries(batchId: string, prefix: string): Promise<Array<Record<string, unknown>>> {
  const entries: Array<Record<string, unknown>> = [];
  for await (const item of queryAll({
    TableName: tableName('payoutProgress'),
    KeyConditionExpression: 'batchId = :batch AND begins_with(entry, :prefix)',
    ExpressionAttributeValues: { ':batch': batchId, ':prefix': prefix },
    ConsistentRead: true,
  })) {
    entries.push(item);
  }
  return entries;
}

/** The payments of one chunk's range, in endToEndId order (a range query on each of the batch's shards). */
export async function chunkPayments(batch: PaymentsOf, range: ChunkRange): Promise<PaymentRecord[]> {
  return batchPayments(batch, { between: range });
}

export async function putPayments(payments: PaymentRecord[]): Promise<void> {
  await batchPut(tableName('payments'), payments);
}

/**
 * Where a page of a batch's payments starts, per write shard (index = shard): `after` the last
 * endToEndId already listed from that shard (absent: from its start), or `done`.
 */
interface ShardStarts {
  shards: Array<{ after?: string; done?: true }>;
}

function shardStartsOf(batch: PaymentsOf, startKey: Record<string, unknown> | undefined): ShardStarts {
  const count = batch.paymentShards ?? 1;
  if (!startKey) return { shards: Array.from({ length: count }, () => ({})) };
  const shards = (startKey as Partial<ShardStarts>).shards;
  const valid =
    Array.isArray(shards) &&
    shards.length === count &&
    shards.every((s) => typeof s === 'object' && s !== null && (s.after === undefined || typeof s.after === 'string'));
  if (!valid) throw tokenOfOtherList();
  return { shards: shards.map((s) => ({ ...s })) };
}

/**
 * A page of the batch's payments in endToEndId order, merged from its write shards: each shard
 * not yet done is read from where the last page left it (a Query of about twice its share of
 * `limit`); a payment is listed only up to the horizon every shard has been read to (the lowest
 * last key of a shard with more), so the order holds across pages and no payment is listed twice or
 * skipped. A page may hold fewer than `limit` (as with the status filter) and still have a next one.
 * `lastKey` (ShardStarts) carries one start per shard; undefined once every shard is done.
 */
export async function paymentsPage(
  batch: PaymentsOf,
  status: PaymentStatus | undefined,
  limit: number,
  startKey: Record<string, unknown> | undefined,
): Promise<{ items: PaymentRecord[]; lastKey?: Record<string, unknown> }> {
  const starts = shardStartsOf(batch, startKey);
  const open = starts.shards.flatMap((s, shard) => (s.done ? [] : [shard]));
  const perShard = open.length <= 1 ? limit : Math.min(limit, Math.ceil((2 * limit) / open.length) + 4);
  const reads = await pMap(
    open,
    async (shard) => {
      const after = starts.shards[shard]!.after;
      const shardKey = paymentShardKey(batch.batchId, shard);
      const page = await readPage<PaymentRecord>(
        { query: { ...shardQuery(shardKey, { status, consistent: false }), Limit: perShard } },
        after === undefined ? undefined : { batchShard: shardKey, endToEndId: after },
      );
      return { shard, items: page.items, readTo: page.lastKey?.endToEndId as string | undefined };
    },
    { concurrency: shardsReadAtOnce },
  );
  // Every shard with more has been read up to its readTo: nothing beyond the lowest of them is listed yet.
  const horizons = reads.flatMap((r) => (r.readTo === undefined ? [] : [r.readTo]));
  let horizon = horizons.length ? horizons.reduce((low, id) => (id < low ? id : low)) : undefined;
  let items = reads.flatMap((r) => r.items).filter((p) => horizon === undefined || p.endToEndId <= horizon);
  items.sort((a, b) => (a.endToEndId < b.endToEndId ? -1 : 1));
  if (items.length > limit) {
    items = items.slice(0, limit);
    horizon = items.at(-1)!.endToEndId;
  }
  for (const read of reads) {
    const start = starts.shards[read.shard]!;
    if (horizon === undefined || (read.readTo !== undefined && read.readTo <= horizon)) {
      // Read and listed to its end, or to where its Query stopped.
      if (read.readTo === undefined) start.done = true;
      else start.after = read.readTo;
    } else {
      // Listed up to the horizon: the next page reads it again from there.
      const lastListed = read.items.filter((p) => p.endToEndId <= horizon!).at(-1)?.endToEndId;
      if (lastListed !== undefined) start.after = lastListed;
      if (read.readTo === undefined && lastListed === read.items.at(-1)?.endToEndId) start.done = true;
    }
  }
  const more = starts.shards.some((s) => !s.done);
  return { items, ...(more && { lastKey: starts as unknown as Record<string, unknown> }) };
}

export interface ChunkDone {
  batchId: string;
  entry: string;
  recordedCount: number;
  recordedFen: number;
  at: string;
}

export async function getChunkDone(batchId: string, chunk: number): Promise<ChunkDone | undefined> {
  return getItem<ChunkDone>('payoutProgress', { batchId, entry: chunkEntry(chunk) });
}

export async function putChunkDone(done: ChunkDone): Promise<void> {
  await documents().send(new PutCommand({ TableName: tableName('payoutProgress'), Item: done }));
}

export async function chunksDone(batchId: string): Promise<ChunkDone[]> {
  return collect(
    queryAll<ChunkDone>({
      TableName: tableName('payoutProgress'),
      KeyConditionExpression: 'batchId = :batch AND begins_with(entry, :chunk)',
      ExpressionAttributeValues: { ':batch': batchId, ':chunk': 'chunk#' },
      ConsistentRead: true,
    }),
    (item) => item,
  );
}

export async function putProgressEntry(item: Record<string, unknown> & { batchId: string; entry: string }): Promise<void> {
  await documents().send(new PutCommand({ TableName: tableName('payoutProgress'), Item: item }));
}

export async function getProgressEntry(batchId: string, entry: string): Promise<Record<string, unknown> | undefined> {
  return getItem('payoutProgress', { batchId, entry });
}

export type SettleResult = 'applied' | 'already' | 'unknown' | 'conflict';

/** RECORDED (or, for a late return, SETTLED) to the bank's outcome; a return releases the claim. */
export async function applyBankOutcome(
  batch: PaymentsOf,
  endToEndId: string,
  outcome: { status: 'SETTLED' | 'RETURNED'; reason?: string },
  at: string,
): Promise<SettleResult> {
  const { batchId } = batch;
  const key = paymentKey(batch, endToEndId);
  const paymentUpdate = {
    TableName: tableName('payments'),
    Key: key,
    UpdateExpression:
      outcome.status === 'SETTLED'
        ? 'SET #status = :settled, settledAt = :at'
        : 'SET #status = :returned, returnedAt = :at, returnReason = :reason',
    ConditionExpression:
      outcome.status === 'SETTLED' ? '#status = :recorded' : '#status IN (:recorded, :settled)',
    ExpressionAttributeNames: { '#status': 'status' },
    ExpressionAttributeValues: {
      ':recorded': 'RECORDED',
      ':settled': 'SETTLED',
      ':at': at,
      ...(outcome.status === 'RETURNED' && { ':returned': 'RETURNED', ':reason': outcome.reason ?? 'returned by the bank' }),
    },
  };
  // Transient faults and conflicting transactions are retried (the conditions refuse a second apply),
  // so only a refused condition is read back as 'already' or 'conflict'.
  const transient = { cancellations: true } as const;
  try {
    if (outcome.status === 'SETTLED') {
      await retryTransient(() => documents().send(new UpdateCommand(paymentUpdate)), transient);
    } else {
      const payment = await retryTransient(() => getItem<PaymentRecord>('payments', key));
      if (!payment) return 'unknown';
      await retryTransient(() => documents().send(
        new TransactWriteCommand({
          TransactItems: [
            { Update: paymentUpdate },
            {
              Update: {
                TableName: tableName('payoutClaims'),
                Key: { claimKey: payment.claimKey },
                UpdateExpression: 'SET claimStatus = :released, releasedAt = :at',
                ConditionExpression: 'batchId = :batch',
                ExpressionAttributeValues: { ':released': 'RELEASED', ':at': at, ':batch': batchId },
              },
            },
          ],
        }),
      ), transient);
    }
    return 'applied';
  } catch (error) {
    if (!isConditionFailure(error) && !cancellationCodes(error)) throw error;
    const current = await retryTransient(() => getItem<PaymentRecord>('payments', key));
    if (!current) return 'unknown';
    return current.status === outcome.status ? 'already' : 'conflict';
  }
}

export async function paymentStatusCounts(batch: PaymentsOf): Promise<Record<PaymentStatus, number>> {
  const counts: Record<PaymentStatus, number> = { PLANNED: 0, RECORDED: 0, SETTLED: 0, RETURNED: 0 };
  await forEachPayment<{ status: PaymentStatus }>(batch, { attributes: ['status'] }, (item) => counts[item.status]++);
  return counts;
}
