// One recovery pattern for long work (imports, paying chunks, bank files, bank reports):
//
// 1. The work's state is its DynamoDB record. A worker runs a step under a lease on that record
//    (shared/adapters/lease.ts): a second delivery of the same step, or a sweeper's re-drive,
//    finds the lease live and leaves; the step's writes are conditional on the record's status
//    (and, for other items, on keys that make a repeat change nothing), so a stalled worker whose
//    lease was taken over cannot write an outcome twice.
// 2. The sweeper (`recover-stalled-work`, a scheduled job in the topology) reads the records
//    whose work is not finished and whose lease is free and re-queues the step when nothing has
//    moved for longer than the queue's visibility timeout (by then SQS itself would have
//    redelivered a message that still existed: what it re-drives was lost or crashed).
// 3. A worker that sees its message's last allowed receive writes the reason on the record, and
//    moves work an operator must decide on to a state an operator action ends (a batch to FAILED:
//    retry or cancel; an import to FAILED with what it did write).
// Planning is leased in segments by its own code (usecases/payouts.ts).
import { dateInChina } from '../domain/clock.ts';
import { chunkEntry, reportEntry, type PayoutBatch } from '../domain/payouts/batch.ts';
import type { StatusEntry } from '../domain/payouts/status-report.ts';
import { parseRegistryCsv, validateRegistryRows } from '../domain/registry.ts';
import { visibilityTimeoutSeconds, type QueueName, type TableName } from '../topology.ts';
import { acquireLease, leaseIsFree, releaseLease, renewLease, type Lease, type LeaseTarget } from '../adapters/lease.ts';
import { chunksDone, enqueue, getBatch } from '../adapters/payout-store.ts';
import { enqueueImport, finishImport, getImport, readImportFile, registeredImportIds } from '../adapters/registry-store.ts';
import {
  applyingReports,
  batchesNeedingRecovery,
  batchPaymentSummaries,
  recordLastFailure,
  runningImports,
  transitionBatchFrom,
  updateReportEntry,
} from '../adapters/recovery-store.ts';
import { logger } from '../observability/logger.ts';
import { finishRetry, releaseEndedBatchClaims } from './payout-operator-actions.ts';

/**
 * Runs `work` under a lease on the target record, renewing it every third of `durationMs` and
 * releasing it at the end (also when `work` throws). Returns `{ ran: false }` without running when
 * another worker holds a live lease or `condition` is false (the work is done or ended).
 */
export async function runLeased<T>(
  target: LeaseTarget,
  options: { owner: string; durationMs: number; condition?: { expression: string; names?: Record<string, string>; values?: Record<string, unknown> } },
  work: (lease: Lease) => Promise<T>,
): Promise<{ ran: true; result: T } | { ran: false }> {
  const acquired = await acquireLease(target, { ...options, now: new Date() });
  if (!acquired) return { ran: false };
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

/** How long a step's lease lasts: the function's timeout, after which Lambda has stopped it anyway. */
export const leaseMsFor = (queue: QueueName) => (visibilityTimeoutSeconds(queue) * 1000) / 6;

export const statusIs = (status: string) => ({ expression: '#leaseStatus = :leaseStatus', names: { '#leaseStatus': 'status' }, values: { ':leaseStatus': status } });

/** A whole-file rejection applied as "every payment returned": one RETURNED entry per RECORDED payment. */
export async function everyRecordedPaymentReturned(batchId: string, reason: string): Promise<StatusEntry[]> {
  const payments = await batchPaymentSummaries(batchId);
  return payments
    .filter((p) => p.status === 'RECORDED')
    .map((p) => ({ endToEndId: p.endToEndId, status: 'RETURNED' as const, reason }));
}

export interface SweepOptions {
  /** Re-drive work untouched for longer than this; default: each queue's visibility timeout. */
  staleAfterMs?: number;
}

export interface SweepResult {
  imports: number;
  chunks: number;
  bankFiles: number;
  bankReports: number;
  retriesFinished: number;
  claimReleases: number;
}

/** The sweeper: re-queues stalled steps whose lease is free, and finishes half-applied operator actions. */
export async function recoverStalledWork(now: Date, options: SweepOptions = {}): Promise<SweepResult> {
  const result: SweepResult = { imports: 0, chunks: 0, bankFiles: 0, bankReports: 0, retriesFinished: 0, claimReleases: 0 };
  const staleBefore = (queue: QueueName) => now.getTime() - (options.staleAfterMs ?? visibilityTimeoutSeconds(queue) * 1000);
  const untouchedSince = (at: string | undefined, queue: QueueName) => at !== undefined && Date.parse(at) <= staleBefore(queue);

  for (const record of await runningImports()) {
    const lastMove = Math.max(Date.parse(record.createdAt), (record.leaseExpiresAt ?? 0) - leaseMsFor('recipientImports'));
    if (leaseIsFree(record, now) && lastMove <= staleBefore('recipientImports')) {
      await enqueueImport(record.importId);
      result.imports++;
    }
  }

  for (const batch of await batchesNeedingRecovery()) {
    const lastAt = batch.history.at(-1)?.at;
    if (batch.status === 'PAYING') await redrivePaying(batch, now, staleBefore, result);
    else if (batch.status === 'FAILED' && batch.pendingRetry && untouchedSince(batch.pendingRetry.at, 'payoutChunks')) {
      await finishRetry(batch.batchId, now);
      result.retriesFinished++;
    } else if ((batch.status === 'REJECTED' || batch.status === 'CANCELLED') && untouchedSince(lastAt, 'payoutChunks')) {
      await releaseEndedBatchClaims(batch.batchId, now);
      result.claimReleases++;
    } else if (batch.status === 'PAID_OUT') {
      for (const report of await applyingReports(batch.batchId)) {
        const lastMove = (report.returnAll as { at: string } | undefined)?.at ?? (report.receivedAt as string);
        if (leaseIsFree(report, now) && untouchedSince(lastMove, 'bankResults')) {
          await enqueue({ kind: 'report', batchId: batch.batchId, reportId: report.reportId as string });
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
      await enqueue({ kind: 'files', batchId: batch.batchId });
      result.bankFiles++;
    }
    return;
  }
  if (lastMove > staleBefore('payoutChunks')) return;
  const recorded = new Set(done.map((d) => d.entry));
  for (let chunk = 0; chunk < chunks.length; chunk++) {
    if (recorded.has(chunkEntry(chunk))) continue;
    await enqueue({ kind: 'chunk', batchId: batch.batchId, chunk });
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
      const { valid } = validateRegistryRows(parsed.rows, dateInChina(new Date()));
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
  message: { kind: 'plan' | 'dispatch' | 'chunk' | 'files' | 'report'; batchId: string; chunk?: number; reportId?: string },
  reason: string,
  receiveCount: number,
): Promise<void> {
  const failure = failureAt(reason, receiveCount);
  if (message.kind === 'report') {
    const entry = reportEntry(message.reportId!);
    await recordLastFailure('payoutProgress', { batchId: message.batchId, entry }, failure);
    await updateReportEntry(message.batchId, entry, { status: 'FAILED', failureReason: reason }, statusIs('APPLYING'));
    return;
  }
  await recordLastFailure('payoutBatches', { batchId: message.batchId }, failure);
  const step = message.kind === 'chunk' ? `chunk ${message.chunk}` : message.kind === 'plan' ? 'planning' : message.kind === 'files' ? 'bank files' : 'dispatch';
  const why = `${step} failed ${receiveCount} times: ${reason}`;
  const from = message.kind === 'plan' ? (['PLANNING'] as const) : (['PAYING'] as const);
  const moved = await transitionBatchFrom(message.batchId, from, 'FAILED', { at: failure.at, by: 'tuodi:payout-worker', action: 'FAILED', reason: why }, {
    set: { failureReason: why },
  });
  if (moved) logger.error('payout batch failed: an operator may retry or cancel it', { batchId: message.batchId, reason: why });
  else logger.warn('payout step gave up on a batch no longer in that step', { batchId: message.batchId, status: (await getBatch(message.batchId))?.status });
}

/** Any other record: the reason is written on it, and its own sweeper re-drives it. */
export async function recordGaveUp(table: Extract<TableName, 'hospitalNotices' | 'applications'>, key: Record<string, unknown>, reason: string, receiveCount: number) {
  await recordLastFailure(table, key, failureAt(reason, receiveCount));
}
