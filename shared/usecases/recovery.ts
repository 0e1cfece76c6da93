// One recovery pattern for long work (imports, assessments, planning, paying chunks, bank files,
// bank reports):
//
// 1. The work's state is its DynamoDB record. A worker runs a step under a lease on that record
//    (shared/adapters/lease.ts): a second delivery of the same step, or a sweeper's re-drive,
//    finds the lease live and leaves; the step's writes are conditional on the record's status
//    (and, for other items, on keys that make a repeat change nothing), so a stalled worker whose
//    lease was taken over cannot write an outcome twice.
// 2. The sweeper (`recover-stalled-work`, a scheduled job in the topology) reads the records
//    whose work is not finished and whose lease is free and re-queues the step when nothing has
//    moved for twice the step's function timeout (a message lost with a crashed process, or a
//    worker that died). A message still waiting in the queue then runs twice: harmless, see 1.
// 3. A worker that sees its message's last allowed receive writes the reason on the record, and
//    moves work an operator must decide on to a state an operator action ends (a batch to FAILED:
//    retry or cancel; an import to FAILED with what it did write).
// Planning is leased in segments by its own code (usecases/payout-planning.ts); the sweeper only re-sends
// the plan message of a batch left PLANNING.
import { chunkEntry, planAttemptPrefix, type PayoutBatch } from '../domain/payouts/batch.ts';
import type { QueueName } from '../topology.ts';
import { leaseIsFree } from '../adapters/lease.ts';
import { chunksDone, progressEntries } from '../adapters/payout-store.ts';
import { send } from '../adapters/queue.ts';
import {
  applyingReports,
  batchesNeedingRecovery,
  chunkLeases,
  runningImports,
} from '../adapters/recovery-store.ts';
import { finishRetry, releaseEndedBatchClaims } from './payout-operator-actions.ts';
import { submittedApplications } from '../adapters/application-store.ts';
import { chunkLeaseEntry, leaseMsFor, staleAfterMsFor } from './leased-work.ts';

// The leased steps' parts, where the workers and tests have always found them.
export {
  chunkLeaseEntry,
  leaseMsFor,
  localRecoveryMs,
  messageAttempt,
  payChunkLeased,
  payoutStepGaveUp,
  runLeased,
  staleAfterMsFor,
  statusIs,
} from './leased-work.ts';

export interface SweepOptions {
  /** Re-drive work untouched for longer than this; default: staleAfterMsFor its queue. */
  staleAfterMs?: number;
}

export interface SweepResult {
  imports: number;
  applications: number;
  plans: number;
  chunks: number;
  bankFiles: number;
  bankReports: number;
  retriesFinished: number;
  claimReleases: number;
}

/**
 * The sweeper: re-queues stalled steps whose lease is free (imports, application assessments,
 * planning, paying chunks, bank files, bank reports) and finishes operator actions cut short.
 * Returns what it re-queued.
 */
export async function recoverStalledWork(now: Date, options: SweepOptions = {}): Promise<SweepResult> {
  const result: SweepResult = { imports: 0, applications: 0, plans: 0, chunks: 0, bankFiles: 0, bankReports: 0, retriesFinished: 0, claimReleases: 0 };
  const staleBefore = (queue: QueueName) => now.getTime() - (options.staleAfterMs ?? staleAfterMsFor(queue));
  const untouchedSince = (at: string | undefined, queue: QueueName) => at !== undefined && Date.parse(at) <= staleBefore(queue);

  for (const record of await runningImports()) {
    const lastMove = Math.max(Date.parse(record.createdAt), (record.leaseExpiresAt ?? 0) - leaseMsFor('recipientImports'));
    if (leaseIsFree(record, now) && lastMove <= staleBefore('recipientImports')) {
      await send('recipientImports', { importId: record.importId });
      result.imports++;
    }
  }

  // An application SUBMITTED but never assessed: its message was lost between the write and the
  // send, or dead-lettered. The assessment is a conditional SUBMITTED → UNDER_REVIEW, so a copy
  // of a message still queued changes nothing. One that keeps failing is re-sent each sweep
  // after the staleness, as requeue-pending-notices does for hospital notices; its
  // `lastFailure` says why.
  for (const application of await submittedApplications()) {
    const lastMove = Math.max(Date.parse(application.submittedAt), Date.parse(application.lastFailure?.at ?? '') || 0);
    if (lastMove <= staleBefore('applicationAssessments')) {
      await send('applicationAssessments', { id: application.id });
      result.applications++;
    }
  }

  for (const batch of await batchesNeedingRecovery()) {
    const lastAt = batch.history.at(-1)?.at;
    if (batch.status === 'PLANNING' && untouchedSince(lastAt, 'payoutPlans')) {
      // Planning is safe to repeat (its own claims pass); this only re-sends a lost plan message,
      // and not while a planner holds a segment (it is alive, or its lease has yet to lapse).
      const segments = await progressEntries(batch.batchId, planAttemptPrefix(batch.planAttempt));
      if (segments.every((segment) => leaseIsFree(segment, now, 'plan'))) {
        await send('payoutPlans', { kind: 'plan', batchId: batch.batchId });
        result.plans++;
      }
    } else if (batch.status === 'PAYING') await redrivePaying(batch, now, staleBefore, result);
    else if (batch.status === 'FAILED' && batch.pendingRetry && untouchedSince(batch.pendingRetry.at, 'payoutChunks')) {
      await finishRetry(batch.batchId, now);
      result.retriesFinished++;
    } else if ((batch.status === 'REJECTED' || batch.status === 'CANCELLED') && untouchedSince(lastAt, 'payoutChunks')) {
      await releaseEndedBatchClaims(batch, now);
      result.claimReleases++;
    } else if (batch.status === 'PAID_OUT') {
      for (const report of await applyingReports(batch.batchId)) {
        const lastMove = (report.returnAll as { at: string } | undefined)?.at ?? (report.receivedAt as string);
        if (leaseIsFree(report, now) && untouchedSince(lastMove, 'bankResults')) {
          await send('bankResults', { kind: 'report', batchId: batch.batchId, reportId: report.reportId as string });
          result.bankReports++;
        }
      }
    }
  }
  return result;
}

/** A PAYING batch: the chunks not recorded yet, or the bank files once every chunk is. */
async function redrivePaying(batch: PayoutBatch, now: Date, staleBefore: (queue: QueueName) => number, result: SweepResult) {
  if (!leaseIsFree(batch as unknown as Record<string, unknown>, now, 'files')) return;
  const done = await chunksDone(batch.batchId);
  const lastMove = Math.max(
    ...batch.history.map((h) => Date.parse(h.at)),
    ...done.map((d) => Date.parse(d.at)),
    ((batch as unknown as { filesExpiresAt?: number }).filesExpiresAt ?? 0) - leaseMsFor('payoutFiles'),
  );
  const chunks = batch.chunks ?? [];
  if (done.length === chunks.length) {
    if (lastMove <= staleBefore('payoutFiles')) {
      await send('payoutFiles', { kind: 'files', batchId: batch.batchId });
      result.bankFiles++;
    }
    return;
  }
  if (lastMove > staleBefore('payoutChunks')) return;
  const recorded = new Set(done.map((d) => d.entry));
  const held = new Set((await chunkLeases(batch.batchId)).filter((l) => !leaseIsFree(l, now)).map((l) => l.entry));
  for (let chunk = 0; chunk < chunks.length; chunk++) {
    if (recorded.has(chunkEntry(chunk)) || held.has(chunkLeaseEntry(chunk))) continue;
    await send('payoutChunks', { kind: 'chunk', batchId: batch.batchId, chunk });
    result.chunks++;
  }
}
