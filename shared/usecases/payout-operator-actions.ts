// What finance may do to a batch that the workers cannot finish by themselves. Every action is
// audited on the batch's history (who, when, why) and is a conditional move from the statuses it
// allows, so it never races a worker or another operator into two outcomes.
//
//   reject     PENDING_APPROVAL → REJECTED     a checker (not the maker); claims released
//   cancel     PENDING_APPROVAL | PAYING | FAILED → CANCELLED
//              only before the bank files are released (PAID_OUT); claims released
//   retry      FAILED → PENDING_APPROVAL (failed after approval: excluded payments' claims released,
//              chunks recomputed; approval again by someone other than the maker and the retrier)
//              FAILED → PLANNING (failed while planning: planned again)
//   return-all PAID_OUT, a report that rejects the whole file → every recorded payment RETURNED
//              (of the part the report names, for a batch written in several parts)
//
// After PAID_OUT money comes back only through the bank's status report (API.md, payout batches).
import { AppError, refusal } from '../domain/errors.ts';
import { chunkRanges, type BatchStatus, type PaymentsOf, type PayoutBatch } from '../domain/payouts/batch.ts';
import { partHolds, type BankFilePart } from '../domain/payouts/bank-file-parts.ts';
import type { StatusEntry } from '../domain/payouts/status-report.ts';
import type { Actor } from '../domain/actor.ts';
import { chunkSizeSetting } from '../adapters/resources.ts';
import { getBatch } from '../adapters/payout-store.ts';
import { send } from '../adapters/queue.ts';
import {
  batchPaymentSummaries,
  deleteChunkEntries,
  deletePayments,
  releaseBatchClaims,
  transitionBatchFrom,
  updateBatchIn,
} from '../adapters/recovery-store.ts';

/** Statuses a batch may be cancelled from: its bank files have not been released. */
export const cancellableStatuses = ['PENDING_APPROVAL', 'PAYING', 'FAILED'] as const satisfies readonly BatchStatus[];

async function existingBatch(batchId: string): Promise<PayoutBatch> {
  const batch = await getBatch(batchId);
  if (!batch) throw new AppError('NOT_FOUND', `payout batch ${batchId} does not exist`);
  return batch;
}

/** Refuses an operator action the batch's status does not allow (409 BATCH_STATUS_FORBIDS, with the status). */
export async function refuseBatchAction(batchId: string, action: string, allowed: readonly string[]): Promise<never> {
  const current = await existingBatch(batchId);
  const released = current.status === 'PAID_OUT' || current.status === 'RECONCILED' ? 1 : 0;
  throw refusal('INVALID_STATE', 'BATCH_STATUS_FORBIDS', { batchId, status: current.status, allowed: allowed.join(','), action, released });
}

/**
 * Releases every claim an ended (REJECTED or CANCELLED) batch holds and marks it done. Repeatable:
 * the sweeper runs it again for a batch whose release was cut short.
 */
export async function releaseEndedBatchClaims(batch: PaymentsOf, now: Date): Promise<number> {
  const { batchId } = batch;
  const payments = await batchPaymentSummaries(batch);
  const released = await releaseBatchClaims(batchId, payments.map((p) => p.claimKey), now.toISOString());
  await updateBatchIn(batchId, ['REJECTED', 'CANCELLED'], { set: { claimsReleasedAt: now.toISOString() } });
  return released;
}

/** The checker refuses a planned batch: REJECTED, its people released for the program and period. */
export async function rejectBatch(batchId: string, actor: Actor, reason: string, now: Date) {
  const batch = await existingBatch(batchId);
  if (batch.createdBy === actor.sub || batch.retriedBy === actor.sub) {
    throw refusal('FORBIDDEN', 'BATCH_MAKER_MAY_NOT_REJECT');
  }
  const entry = { at: now.toISOString(), by: actor.sub, action: 'REJECTED', reason };
  if (!(await transitionBatchFrom(batchId, ['PENDING_APPROVAL'], 'REJECTED', entry))) {
    await refuseBatchAction(batchId, 'rejected', ['PENDING_APPROVAL']);
  }
  const released = await releaseEndedBatchClaims(batch, now);
  return { id: batchId, status: 'REJECTED' as const, claimsReleased: released };
}

/** Ends a batch whose bank files have not left: CANCELLED, its people released. */
export async function cancelBatch(batchId: string, actor: Actor, reason: string, now: Date) {
  const batch = await existingBatch(batchId);
  const entry = { at: now.toISOString(), by: actor.sub, action: 'CANCELLED', reason };
  if (!(await transitionBatchFrom(batchId, cancellableStatuses, 'CANCELLED', entry, { remove: ['pendingRetry'] }))) {
    await refuseBatchAction(batchId, 'cancelled', cancellableStatuses);
  }
  const released = await releaseEndedBatchClaims(batch, now);
  return { id: batchId, status: 'CANCELLED' as const, claimsReleased: released };
}

/** Whether a FAILED batch failed before its plan was complete (then it is planned again). */
const failedInPlanning = (batch: PayoutBatch) => !batch.chunks || !batch.planned || batch.planned.count === 0;

/**
 * Re-runs the failed step of a FAILED batch. Failed in planning: back to PLANNING, planned again.
 * Failed after approval (paying or bank files): the named payments are excluded (deleted, claims
 * released), the plan and chunks recomputed from what is left, and the batch needs approval again
 * (PENDING_APPROVAL) by someone other than its maker and this retrier; approval re-runs paying
 * (payments already recorded count as done) and the bank files.
 *
 * The retry is first recorded on the batch (`pendingRetry`, with the history entry), then applied;
 * each step is repeatable, so the sweeper finishes a retry cut short by a crash.
 */
export async function retryBatch(
  batchId: string,
  actor: Actor,
  request: { reason: string; excludeEndToEndIds?: string[] },
  now: Date,
) {
  const batch = await existingBatch(batchId);
  if (batch.status !== 'FAILED') await refuseBatchAction(batchId, 'retried', ['FAILED']);
  if (batch.pendingRetry) {
    throw refusal('INVALID_STATE', 'BATCH_RETRY_IN_PROGRESS', { by: batch.pendingRetry.by, at: batch.pendingRetry.at });
  }
  const exclude = [...new Set(request.excludeEndToEndIds ?? [])];
  const at = now.toISOString();
  if (failedInPlanning(batch)) {
    if (exclude.length) {
      throw new AppError('VALIDATION_FAILED', 'excludeEndToEndIds: the batch failed in planning; nothing was planned to exclude', [
        { path: 'excludeEndToEndIds', message: 'the batch failed in planning; nothing was planned to exclude' },
      ]);
    }
    const entry = { at, by: actor.sub, action: 'RETRIED', reason: `${request.reason} (planning again)` };
    const moved = await transitionBatchFrom(batchId, ['FAILED'], 'PLANNING', entry, {
      // A new planning attempt: the failed attempt's segments are done and stay as they were.
      set: { retriedBy: actor.sub, planAttempt: (batch.planAttempt ?? 0) + 1 },
      remove: ['failureReason', 'planned', 'chunks', 'skipped'],
    });
    if (!moved) await refuseBatchAction(batchId, 'retried', ['FAILED']);
    await send('payoutPlans', { kind: 'plan', batchId });
    return { id: batchId, status: 'PLANNING' as const };
  }
  const payments = new Map((await batchPaymentSummaries(batch)).map((p) => [p.endToEndId, p]));
  const details = exclude.flatMap((id, i) =>
    payments.has(id) ? [] : [{ path: `excludeEndToEndIds.${i}`, message: `${id} is not a payment of batch ${batchId}` }],
  );
  if (details.length) throw new AppError('VALIDATION_FAILED', details.map((d) => `${d.path}: ${d.message}`).join('; '), details);
  if (exclude.length === payments.size) {
    throw refusal('INVALID_STATE', 'BATCH_EXCLUDES_EVERY_PAYMENT');
  }
  const pendingRetry = { at, by: actor.sub, reason: request.reason, excludeEndToEndIds: exclude };
  const recorded = await updateBatchIn(batchId, ['FAILED'], {
    set: { pendingRetry },
    entry: {
      at,
      by: actor.sub,
      action: 'RETRY_REQUESTED',
      reason: exclude.length ? `${request.reason} (excluding ${exclude.join(', ')})` : request.reason,
    },
    condition: { expression: 'attribute_not_exists(pendingRetry)' },
  });
  if (!recorded) await refuseBatchAction(batchId, 'retried', ['FAILED']);
  return finishRetry(batchId, now);
}

/** Applies a recorded retry; repeatable (the sweeper calls it for one cut short). */
export async function finishRetry(batchId: string, now: Date) {
  const batch = await existingBatch(batchId);
  const retry = batch.pendingRetry;
  if (batch.status !== 'FAILED' || !retry) return { id: batchId, status: batch.status };
  const excluded = new Set(retry.excludeEndToEndIds);
  const all = await batchPaymentSummaries(batch);
  const leaving = all.filter((p) => excluded.has(p.endToEndId));
  // Claims first: a crash after the deletes would otherwise leave claims no payment points to.
  await releaseBatchClaims(batchId, leaving.map((p) => p.claimKey), now.toISOString());
  await deletePayments(batch, leaving.map((p) => p.endToEndId));
  const remaining = all.filter((p) => !excluded.has(p.endToEndId));
  await deleteChunkEntries(batchId);
  const planned = { count: remaining.length, totalFen: remaining.reduce((sum, p) => sum + p.amountFen, 0) };
  const moved = await transitionBatchFrom(
    batchId,
    ['FAILED'],
    'PENDING_APPROVAL',
    {
      at: now.toISOString(),
      by: retry.by,
      action: 'RETRIED',
      reason: `${planned.count} payments, ${planned.totalFen} fen to approve again; ${leaving.length} excluded`,
    },
    {
      set: { planned, chunks: chunkRanges(remaining.map((p) => p.endToEndId).sort(), chunkSizeSetting()), retriedBy: retry.by },
      remove: ['pendingRetry', 'failureReason', 'approvedBy'],
    },
  );
  return { id: batchId, status: moved ? ('PENDING_APPROVAL' as const) : (await existingBatch(batchId)).status };
}

/**
 * A whole-file rejection applied as "every payment returned": one RETURNED entry per RECORDED
 * payment of the rejected file (of its part, for a batch written in several parts; every one otherwise).
 */
export async function everyRecordedPaymentReturned(
  batch: PaymentsOf,
  reason: string,
  part?: Pick<BankFilePart, 'firstEndToEndId' | 'lastEndToEndId'>,
): Promise<StatusEntry[]> {
  const payments = await batchPaymentSummaries(batch);
  return payments
    .filter((p) => p.status === 'RECORDED' && (part === undefined || partHolds(part, p.endToEndId)))
    .map((p) => ({ endToEndId: p.endToEndId, status: 'RETURNED' as const, reason }));
}

