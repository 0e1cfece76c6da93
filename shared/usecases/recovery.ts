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
import { loadDefaultPolicies, policyInForce } from '../domain/policy.ts';
import { dateInChina } from '../domain/clock.ts';
import { chunkEntry, planAttemptPrefix, reportEntry, type PayoutBatch } from '../domain/payouts/batch.ts';
import { parseRegistryCsv, validateRegistryRows } from '../domain/registry.ts';
import { consumerOf, type QueueName } from '../topology.ts';
import { acquireLease, attemptOwner, leaseIsFree, releaseLease, renewLease, type Lease, type LeaseTarget } from '../adapters/lease.ts';
import { chunksDone, getBatch, progressEntries } from '../adapters/payout-store.ts';
import { send } from '../adapters/queue.ts';
import type { PayoutStepMessage } from '../queue/messages.ts';
import { payChunk } from './payout-chunks.ts';
import { finishImport, getImport, readImportFile, registeredImportIds } from '../adapters/registry-store.ts';
import {
  applyingReports,
  batchesNeedingRecovery,
  chunkLeases,
  ensureLeaseItem,
  itemExists,
  recordLastFailure,
  recordPlannedPayments,
  runningImports,
  submittedApplications,
  transitionBatchFrom,
  updateReportEntry,
} from '../adapters/recovery-store.ts';
import { logger } from '../observability/logger.ts';
import { finishRetry, releaseEndedBatchClaims } from './payout-operator-actions.ts';

/**
 * The lease owner of one receive of a queue message: its message id and receive count. A later
 * receive of the same message takes over a lease an earlier receive left behind (it died after
 * taking it, or failed to give it back) instead of finding it "held elsewhere" and dropping the
 * message, which left the work to wait for the lease to expire and the sweeper (seed 13).
 */
export function messageAttempt(record: { messageId: string; attributes?: { ApproximateReceiveCount?: string } }) {
  const receive = Number(record.attributes?.ApproximateReceiveCount ?? '1');
  return attemptOwner(`message-${record.messageId}`, Number.isInteger(receive) && receive > 0 ? receive : 1);
}

/**
 * Runs `work` under a lease on the target record, renewing it every third of `durationMs` and
 * releasing it at the end (also when `work` throws). Returns `{ ran: false }` without running when
 * another worker holds a live lease or `condition` is false (the work is done or ended); throws
 * when the target record does not exist, and SupersededReceiveError when a later receive of the
 * same message holds the lease (the caller's message must not be reported done).
 */
export async function runLeased<T>(
  target: LeaseTarget,
  options: { owner: string; attemptOf?: string; durationMs: number; condition?: { expression: string; names?: Record<string, string>; values?: Record<string, unknown> } },
  work: (lease: Lease) => Promise<T>,
): Promise<{ ran: true; result: T } | { ran: false }> {
  const acquired = await acquireLease(target, { ...options, now: new Date() });
  if (!acquired) {
    // A message for work that does not exist is an error (it goes to the DLQ), not "done".
    if (!(await itemExists(target.table, target.key))) throw new Error(`${target.table} ${JSON.stringify(target.key)} does not exist`);
    return { ran: false };
  }
  let lease = acquired.lease;
  const renewal = setInterval(() => {
    renewLease(lease, options.durationMs, new Date()).then(
      (renewed) => (lease = renewed),
      (error: unknown) => logger.warn('lease not renewed', { target: target.key, error: error as Error }),
    );
  }, Math.max(1000, options.durationMs / 3));
  renewal.unref();
  try {
    return { ran: true, result: await work(lease) };
  } finally {
    clearInterval(renewal);
    await releaseLease(lease).catch((error: unknown) => logger.warn('lease not released', { target: target.key, error: error as Error }));
  }
}

/**
 * TUODI_LOCAL_RECOVERY_SECONDS (local stacks only; never on Lambda, where AWS_LAMBDA_FUNCTION_NAME
 * is set and the variable is ignored): how long a leased step's lease lasts (renewed every third
 * of it while the worker lives) and how long work must stand still before the sweeper re-drives
 * it. A crash test sets a few seconds so a SIGKILLed stack's work is picked up within a minute;
 * unset, leases and staleness follow the function timeouts as deployed.
 */
export function localRecoveryMs(): number | undefined {
  if (process.env.AWS_LAMBDA_FUNCTION_NAME) return undefined;
  const seconds = Number(process.env.TUODI_LOCAL_RECOVERY_SECONDS);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : undefined;
}

/** How long a step's lease lasts: the consuming function's timeout, after which Lambda has stopped it anyway. */
export const leaseMsFor = (queue: QueueName) => localRecoveryMs() ?? consumerOf(queue).spec.timeoutSeconds * 1000;

/**
 * Work untouched for twice its function's timeout is stale: no live worker can still be on it (its
 * lease would say so), and a message merely waiting in the queue gets a harmless duplicate. As
 * deployed this is never shorter than the function timeout; only a local stack shortens it.
 */
export const staleAfterMsFor = (queue: QueueName) => localRecoveryMs() ?? 2 * consumerOf(queue).spec.timeoutSeconds * 1000;

export const statusIs = (status: string) => ({ expression: '#leaseStatus = :leaseStatus', names: { '#leaseStatus': 'status' }, values: { ':leaseStatus': status } });

/** The payoutProgress entry that carries a chunk's lease (not `chunk#…`, which means "done"). */
export const chunkLeaseEntry = (chunk: number) => `chunklease#${String(chunk).padStart(6, '0')}`;

/**
 * Records one chunk under its lease, each payment written PLANNED → RECORDED conditionally
 * (recordPlannedPayments). A second delivery while a worker holds the chunk leaves it alone.
 */
export async function payChunkLeased(batchId: string, chunk: number, attempt: { owner: string; attemptOf?: string }) {
  const key = { batchId, entry: chunkLeaseEntry(chunk) };
  await ensureLeaseItem('payoutProgress', key);
  const run = await runLeased({ table: 'payoutProgress', key }, { ...attempt, durationMs: leaseMsFor('payoutChunks') }, () =>
    payChunk(batchId, chunk, new Date(), async (payments) => {
      await recordPlannedPayments(payments);
    }),
  );
  return run.ran ? run.result : 'recorded-elsewhere';
}

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

// ---- the last allowed receive: the reason goes on the record ----

const failureAt = (reason: string, receiveCount: number) => ({ at: new Date().toISOString(), reason, receiveCount });

/** An import whose message is dead-lettered ends FAILED, saying why and how many of its lines it did write. */
export async function importGaveUp(importId: string, reason: string, receiveCount: number): Promise<void> {
  await recordLastFailure('recipientImports', { importId }, failureAt(reason, receiveCount));
  const record = await getImport(importId);
  if (record?.status !== 'RUNNING') return;
  let written: number | undefined;
  try {
    const parsed = parseRegistryCsv(await readImportFile(record.objectKey));
    if (parsed.ok) {
      const today = dateInChina(new Date());
      const { valid } = validateRegistryRows(parsed.rows, today, policyInForce(loadDefaultPolicies(), today));
      const writers = await registeredImportIds(valid.map((v) => v.idNumber));
      written = valid.filter((v) => writers.get(v.idNumber) === importId).length;
    }
  } catch (error) {
    logger.warn('lines written by a failed import not counted', { importId, error: error as Error });
  }
  await finishImport(
    importId,
    { status: 'FAILED', imported: written ?? 0, rejected: [], rejectedCount: 0 },
    {
      at: new Date().toISOString(),
      by: 'tuodi:import-worker',
      action: 'IMPORT_FAILED',
      reason: `gave up after ${receiveCount} attempts: ${reason}; ${written ?? 'an unknown number of'} lines of this file are in the registry (importing the file again reports them as already there)`,
    },
  );
}

/**
 * A payout step whose message is dead-lettered: PLANNING or PAYING batches become FAILED with the
 * reason (finance may retry or cancel); a bank report becomes FAILED (finance may post it again).
 */
export async function payoutStepGaveUp(
  message: PayoutStepMessage,
  reason: string,
  receiveCount: number,
): Promise<void> {
  const failure = failureAt(reason, receiveCount);
  if (message.kind === 'report') {
    const entry = reportEntry(message.reportId);
    await recordLastFailure('payoutProgress', { batchId: message.batchId, entry }, failure);
    await updateReportEntry(message.batchId, entry, { status: 'FAILED', failureReason: reason }, statusIs('APPLYING'));
    return;
  }
  await recordLastFailure('payoutBatches', { batchId: message.batchId }, failure);
  const planning = message.kind === 'plan' || message.kind === 'planSegment';
  const step =
    message.kind === 'chunk' ? `chunk ${message.chunk}`
    : message.kind === 'planSegment' ? `planning segment ${message.segment}`
    : message.kind === 'plan' ? 'planning'
    : message.kind === 'files' ? 'bank files'
    : 'dispatch';
  const why = `${step} failed ${receiveCount} times: ${reason}`;
  const from = planning ? (['PLANNING'] as const) : (['PAYING'] as const);
  const moved = await transitionBatchFrom(message.batchId, from, 'FAILED', { at: failure.at, by: 'tuodi:payout-worker', action: 'FAILED', reason: why }, {
    set: { failureReason: why },
  });
  if (moved) logger.error('payout batch failed: an operator may retry or cancel it', { batchId: message.batchId, reason: why });
  else logger.warn('payout step gave up on a batch no longer in that step', { batchId: message.batchId, status: (await getBatch(message.batchId))?.status });
}
