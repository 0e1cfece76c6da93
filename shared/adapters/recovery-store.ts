// Storage for the operator actions and the sweeper: moves from several statuses, claim
// release for a whole batch or named payments, the pieces a retry rewrites, and the scans the
// sweeper reads. Planning, paying and claims as planned live in payout-store.ts.
import pMap from 'p-map';
import { BatchWriteCommand, DeleteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { TableName } from '../topology.ts';
import type { HistoryEntry } from '../domain/registry.ts';
import { paymentKey, type BatchStatus, type PaymentRecord, type PaymentsOf, type PayoutBatch } from '../domain/payouts/batch.ts';
import { documents } from './clients.ts';
import { collect, queryAll, scanAll } from './dynamo-pages.ts';
import { isConditionFailure, updateParams, updateItem } from './dynamo-update.ts';
import { retryTransient } from './dynamo-faults.ts';
import { tableName } from './resources.ts';
import { getItem, putNew } from './dynamo-items.ts';
import { batchPayments } from './payout-store.ts';

/**
 * Moves a batch from any of `from` to `to`, recording who, when and why; false when it was in
 * none of them (the status is the fence against a concurrent worker or operator).
 */
export async function transitionBatchFrom(
  batchId: string,
  from: readonly BatchStatus[],
  to: BatchStatus,
  entry: HistoryEntry,
  changes: { set?: Partial<PayoutBatch>; remove?: Array<keyof PayoutBatch> } = {},
): Promise<boolean> {
  return updateItem('payoutBatches', { batchId }, {
    set: { ...changes.set, status: to },
    append: { history: [entry] },
    remove: changes.remove,
    statusIn: from,
  });
}

/** Sets fields on a batch only while it is in one of `statusIn`, with a history entry; false otherwise. */
export async function updateBatchIn(
  batchId: string,
  statusIn: readonly BatchStatus[],
  changes: { set?: Record<string, unknown>; remove?: string[]; entry?: HistoryEntry; condition?: { expression: string; names?: Record<string, string>; values?: Record<string, unknown> } },
): Promise<boolean> {
  return updateItem('payoutBatches', { batchId }, {
    set: changes.set,
    remove: changes.remove,
    ...(changes.entry && { append: { history: [changes.entry] } }),
    statusIn,
    condition: changes.condition,
  });
}

/** Every payment of a batch, from all its write shards, in endToEndId order: key, claim, amount and status (no bank details). */
export async function batchPaymentSummaries(
  batch: PaymentsOf,
): Promise<Array<Pick<PaymentRecord, 'endToEndId' | 'claimKey' | 'amountFen' | 'status'>>> {
  return batchPayments(batch, { attributes: ['endToEndId', 'claimKey', 'amountFen', 'status'] });
}

/**
 * Releases the claims this batch holds, so the people can be planned again for the same program
 * and period; a claim already released, or held by another batch, is left alone (the same
 * condition as a bank return in payout-store's applyBankOutcome). Returns how many it released.
 */
export async function releaseBatchClaims(batchId: string, claimKeys: readonly string[], at: string, concurrency = 16): Promise<number> {
  const outcomes = await pMap(
    claimKeys,
    (claimKey) =>
      updateItem('payoutClaims', { claimKey }, {
        set: { claimStatus: 'RELEASED', releasedAt: at },
        condition: { expression: 'batchId = :batch AND claimStatus <> :released', values: { ':batch': batchId, ':released': 'RELEASED' } },
      }),
    { concurrency },
  );
  return outcomes.filter(Boolean).length;
}

/** Removes payments from a batch (excluded by an operator); missing ones are fine. */
export async function deletePayments(batch: PaymentsOf, endToEndIds: readonly string[]): Promise<void> {
  for (const endToEndId of endToEndIds) {
    await documents().send(new DeleteCommand({ TableName: tableName('payments'), Key: paymentKey(batch, endToEndId) }));
  }
}

/** Deletes a batch's chunk progress entries: a retry recomputes the chunks and records them again. */
export async function deleteChunkEntries(batchId: string): Promise<void> {
  const entries = await collect(
    queryAll({
      TableName: tableName('payoutProgress'),
      KeyConditionExpression: 'batchId = :batch AND begins_with(entry, :chunk)',
      ProjectionExpression: 'entry',
      ExpressionAttributeValues: { ':batch': batchId, ':chunk': 'chunk#' },
      ConsistentRead: true,
    }),
    (item) => item.entry as string,
  );
  for (let i = 0; i < entries.length; i += 25) {
    await documents().send(
      new BatchWriteCommand({
        RequestItems: {
          [tableName('payoutProgress')]: entries.slice(i, i + 25).map((entry) => ({ DeleteRequest: { Key: { batchId, entry } } })),
        },
      }),
    );
  }
}

/** Batches the sweeper may have to drive on: PLANNING, PAYING, FAILED with a retry half applied, ended with claims held. */
export async function batchesNeedingRecovery(): Promise<PayoutBatch[]> {
  return collect(
    scanAll<PayoutBatch>({
      TableName: tableName('payoutBatches'),
      FilterExpression:
        '#status IN (:planning, :paying) OR (#status = :failed AND attribute_exists(pendingRetry)) OR (#status IN (:rejected, :cancelled) AND attribute_not_exists(claimsReleasedAt)) OR #status = :paidOut',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':planning': 'PLANNING',
        ':paying': 'PAYING',
        ':failed': 'FAILED',
        ':rejected': 'REJECTED',
        ':cancelled': 'CANCELLED',
        ':paidOut': 'PAID_OUT',
      },
      ConsistentRead: true,
    }),
    (item) => item,
  );
}

/** A batch's bank reports still APPLYING. */
export async function applyingReports(batchId: string): Promise<Array<Record<string, unknown>>> {
  return collect(
    queryAll({
      TableName: tableName('payoutProgress'),
      KeyConditionExpression: 'batchId = :batch AND begins_with(entry, :report)',
      FilterExpression: '#status = :applying',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':batch': batchId, ':report': 'report#', ':applying': 'APPLYING' },
      ConsistentRead: true,
    }),
    (item) => item,
  );
}

/** Sets fields on a bank report entry only while `condition` holds; false otherwise. */
export async function updateReportEntry(
  batchId: string,
  entry: string,
  set: Record<string, unknown>,
  condition: { expression: string; names?: Record<string, string>; values?: Record<string, unknown> },
): Promise<boolean> {
  return updateItem('payoutProgress', { batchId, entry }, { set, condition });
}

/** RUNNING imports, for the sweeper (the imports table is small: one item per uploaded file). */
export async function runningImports(): Promise<Array<{ importId: string; createdAt: string; leaseExpiresAt?: number }>> {
  return collect(
    scanAll({
      TableName: tableName('recipientImports'),
      FilterExpression: '#status = :running',
      ProjectionExpression: 'importId, createdAt, leaseExpiresAt',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':running': 'RUNNING' },
      ConsistentRead: true,
    }),
    (item) => item as { importId: string; createdAt: string; leaseExpiresAt?: number },
  );
}

/**
 * Writes why a message's work is stuck on the record itself (`lastFailure`), if the record
 * exists: what the operator reads before the message reaches the dead-letter queue.
 */
export async function recordLastFailure(
  table: 'recipientImports' | 'payoutBatches' | 'payoutProgress' | 'hospitalNotices' | 'applications',
  key: Record<string, unknown>,
  failure: { at: string; reason: string; receiveCount: number },
): Promise<void> {
  try {
    await documents().send(
      new UpdateCommand(
        updateParams(tableName(table), key, {
          set: { lastFailure: failure },
          condition: { expression: `attribute_exists(#k)`, names: { '#k': Object.keys(key)[0]! } },
        }),
      ),
    );
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

/** Creates an empty item to carry a lease (e.g. a chunk's), unless it exists. */
export async function ensureLeaseItem(table: 'payoutProgress', key: Record<string, unknown>): Promise<void> {
  try {
    await putNew(table, key, Object.keys(key)[0]!);
  } catch (error) {
    if (!isConditionFailure(error)) throw error;
  }
}

/** A batch's chunk lease items (entry `chunklease#…`), to see which chunks a live worker holds. */
export async function chunkLeases(batchId: string): Promise<Array<Record<string, unknown>>> {
  return collect(
    queryAll({
      TableName: tableName('payoutProgress'),
      KeyConditionExpression: 'batchId = :batch AND begins_with(entry, :lease)',
      ExpressionAttributeValues: { ':batch': batchId, ':lease': 'chunklease#' },
      ConsistentRead: true,
    }),
    (item) => item,
  );
}

/** Conditional updates one chunk worker keeps in flight while recording its payments. */
export const recordingInFlightPerChunk = 16;

/**
 * Records payments PLANNED → RECORDED, each write conditional on the payment still existing and
 * still PLANNED: a stalled chunk worker can neither bring back a payment an operator excluded nor
 * record one twice. Returns how many it recorded.
 */
export async function recordPlannedPayments(
  payments: ReadonlyArray<Pick<PaymentRecord, 'batchShard' | 'endToEndId' | 'recordedAt'>>,
  concurrency = recordingInFlightPerChunk,
): Promise<number> {
  const outcomes = await pMap(
    payments,
    // One fault retried, not the whole chunk failed: a retry of an applied write finds it RECORDED.
    (p) =>
      retryTransient(() =>
        updateItem('payments', { batchShard: p.batchShard, endToEndId: p.endToEndId }, {
          set: { status: 'RECORDED', recordedAt: p.recordedAt },
          statusIn: ['PLANNED'],
        }),
      ),
    { concurrency },
  );
  return outcomes.filter(Boolean).length;
}

export async function itemExists(table: TableName, key: Record<string, unknown>): Promise<boolean> {
  return (await getItem(table, key, { attributes: [Object.keys(key)[0]!] })) !== undefined;
}
