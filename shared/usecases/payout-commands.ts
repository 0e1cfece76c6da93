// Payout batches (commands): the maker creates a batch, the checker approves it. Workers do the rest
// (payout-planning.ts, payout-chunks.ts, payout-files.ts); the bank's answer comes back through payout-bank-reports.ts.
import { send } from '../adapters/queue.ts';
import { newId } from '../domain/ids.ts';
import type { NewPayoutBatch } from '../api/payouts.ts';
import { refusal } from '../domain/errors.ts';
import { type PayoutBatch } from '../domain/payouts/batch.ts';
import type { Actor } from '../domain/actor.ts';
import { putNewBatch, transitionBatch } from '../adapters/payout-store.ts';
import { checkReimbursementPeriod } from './hospital-reimbursement.ts';
import { payoutWorker } from '../domain/payouts/batch.ts';
import { existingBatch } from './payout-views.ts';

/** The maker's step: the batch is stored as PLANNING and its planning queued. */
export async function createBatch(request: NewPayoutBatch, actor: Actor, now: Date) {
  if (request.program === 'HOSPITAL_REIMBURSEMENT') checkReimbursementPeriod(request.period, now);
  const at = now.toISOString();
  const batch: PayoutBatch = {
    batchId: newId('pb'),
    program: request.program,
    period: request.period,
    title: request.title,
    categories: request.categories ?? [],
    perPersonFen: request.perPersonFen,
    status: 'PLANNING',
    createdBy: actor.sub,
    createdAt: at,
    history: [{ at, by: actor.sub, action: 'CREATED', reason: request.title }],
  };
  await putNewBatch(batch);
  try {
    await send('payoutPlans', { kind: 'plan', batchId: batch.batchId });
  } catch (error) {
    await transitionBatch(batch.batchId, 'PLANNING', 'FAILED', {
      at: new Date().toISOString(),
      by: payoutWorker,
      action: 'FAILED',
      reason: 'planning could not be queued',
    }, { failureReason: 'planning could not be queued' });
    throw error;
  }
  return { id: batch.batchId, status: 'PLANNING' as const };
}

/** The checker's step: never the creator; of concurrent approvals exactly one starts the batch. */
export async function approveBatch(batchId: string, actor: Actor, now: Date) {
  const batch = await existingBatch(batchId);
  if (batch.createdBy === actor.sub || batch.retriedBy === actor.sub) {
    throw refusal('FORBIDDEN', 'BATCH_MAKER_MAY_NOT_APPROVE');
  }
  const at = now.toISOString();
  const approved = await transitionBatch(
    batchId,
    'PENDING_APPROVAL',
    'PAYING',
    { at, by: actor.sub, action: 'APPROVED', reason: `approved ${batch.planned?.count ?? 0} payments` },
    { approvedBy: actor.sub },
  );
  if (!approved) {
    const current = await existingBatch(batchId);
    // The same approver retrying (say, after the dispatch failed to queue) picks it up again.
    const retry = current.status === 'PAYING' && current.approvedBy === actor.sub;
    if (!retry) {
      throw refusal('INVALID_STATE', 'BATCH_STATUS_FORBIDS', { batchId, status: current.status, allowed: 'PENDING_APPROVAL', action: 'approved' });
    }
  }
  await send('payoutChunks', { kind: 'dispatch', batchId });
  return { id: batchId, status: 'PAYING' as const };
}
