// Leased steps of queue workers: who a receive is (messageAttempt), running a step under a lease
// on its record (runLeased), how long leases last, and what a step's last allowed receive writes
// on a payout batch (payoutStepGaveUp). Apart from recovery.ts (the sweeper) so that the planner
// and the pay worker bundle none of the sweeper's imports (the registry's files, S3). See
// recovery.ts for the recovery pattern these serve.
import type { QueueName } from '../topology.ts';
import { consumerTimeoutSeconds } from '../consumer-timeouts.ts';
import { reportEntry } from '../domain/payouts/batch.ts';
import { acquireLease, attemptOwner, releaseLease, renewLease, type Lease, type LeaseTarget } from '../adapters/lease.ts';
import { getBatch } from '../adapters/payout-store.ts';
import type { PayoutStepMessage } from '../queue/messages.ts';
import { payChunk } from './payout-chunks.ts';
import { ensureLeaseItem, itemExists, recordLastFailure, recordPlannedPayments, transitionBatchFrom, updateReportEntry } from '../adapters/recovery-store.ts';
import { logger } from '../observability/logger.ts';

/** What a step's last allowed receive records on its record (`lastFailure`). */
export const failureAt = (reason: string, receiveCount: number) => ({ at: new Date().toISOString(), reason, receiveCount });

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

/** How long a step's lease lasts: the consuming function's timeout (consumerTimeoutSeconds, which its topology entry takes), after which Lambda has stopped it anyway. */
export const leaseMsFor = (queue: QueueName) => localRecoveryMs() ?? consumerTimeoutSeconds[queue] * 1000;

/**
 * Work untouched for twice its function's timeout is stale: no live worker can still be on it (its
 * lease would say so), and a message merely waiting in the queue gets a harmless duplicate. As
 * deployed this is never shorter than the function timeout; only a local stack shortens it.
 */
export const staleAfterMsFor = (queue: QueueName) => localRecoveryMs() ?? 2 * consumerTimeoutSeconds[queue] * 1000;

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
