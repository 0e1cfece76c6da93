import { send, sendAll } from '../adapters/queue.ts';
import pMap from 'p-map';
import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import type { ListPayoutBatchesQuery, NewPayoutBatch } from '../api/payouts.ts';
import { maskBankAccount } from '../domain/masking.ts';
import { dateInChina } from '../domain/clock.ts';
import { AppError, refusal } from '../domain/errors.ts';
import { endToEndId } from '../domain/payouts/end-to-end-id.ts';
import { BankFileError, writePain001, writePaymentsCsv, type Payment } from '../domain/payouts/bank-files.ts';
import { finalStatusesSchema, parseStatusReport, StatusReportError, type FinalStatuses } from '../domain/payouts/status-report.ts';
import {
  chunkEntry,
  chunkRanges,
  claimKeyFor,
  planAttemptPrefix,
  planSegmentEntry,
  reportEntry,
  type PaymentRecord,
  type PaymentStatus,
  type PayoutBatch,
} from '../domain/payouts/batch.ts';
import type { Actor } from '../domain/actor.ts';
import { chunkSizeSetting } from '../adapters/resources.ts';
import { decodeNextToken, encodeNextToken, type PageBinding } from '../http/pagination.ts';
import {
  activeRecipients,
  applyBankOutcome,
  batchesPage,
  claimsByKey,
  returnsPage,
  chunkPayments,
  chunksDone,
  claimAndPlan,
  createPlanSegments,
  estimatedActiveRecipients,
  fixPlanSegmentCount,
  getBatch,
  getChunkDone,
  getProgressEntry,
  grantedGrants,
  paymentStatusCounts,
  paymentsPage,
  putChunkDone,
  putExport,
  putNewBatch,
  putPayments,
  progressEntries,
  putProgressEntry,
  readExport,
  setReconciliation,
  storedPlan,
  transitionBatch,
  uploadBankFile,
  type PayeeCandidate,
} from '../adapters/payout-store.ts';
import { presignDownload } from '../adapters/presigned-urls.ts';
import { maxCeilingFen } from '../domain/values.ts';
import { acquireLease, fencedUpdate, LeaseLostError, releaseLease, renewLease, type Lease } from '../adapters/lease.ts';
import { everyRecordedPaymentReturned } from './payout-operator-actions.ts';
import { checkReimbursementPeriod, reimbursementCandidates } from './hospital-reimbursement.ts';
import payerFile from '../../data/payer.json' with { type: 'json' };
import type { FileBody } from '../domain/actor.ts';
import { pausePoint } from '../observability/pause-point.ts';

// The payer's bank decides which pain.002 statuses are final (`finalStatuses` in data/payer.json).
const { finalStatuses: configuredFinalStatuses, ...payer } = payerFile as typeof payerFile & { finalStatuses?: unknown };
const payerFinalStatuses: FinalStatuses | undefined = configuredFinalStatuses === undefined ? undefined : finalStatusesSchema.parse(configuredFinalStatuses);

const bankFileUrlSeconds = 15 * 60;

const worker = 'tuodi:payout-worker';

async function existingBatch(batchId: string): Promise<PayoutBatch> {
  const batch = await getBatch(batchId);
  if (!batch) throw new AppError('NOT_FOUND', `payout batch ${batchId} does not exist`);
  return batch;
}

/** The maker's step: the batch is stored as PLANNING and its planning queued. */
export async function createBatch(request: NewPayoutBatch, actor: Actor, now: Date) {
  if (request.program === 'HOSPITAL_REIMBURSEMENT') checkReimbursementPeriod(request.period, now);
  const at = now.toISOString();
  const batch: PayoutBatch = {
    batchId: `pb_${randomUUID().replaceAll('-', '').slice(0, 20)}`,
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
      by: worker,
      action: 'FAILED',
      reason: 'planning could not be queued',
    }, { failureReason: 'planning could not be queued' });
    throw error;
  }
  return { id: batch.batchId, status: 'PLANNING' as const };
}

/** Recipients a planning segment holds, about: one segment message plans this many however large the registry. */
export const recipientsPerPlanSegment = 5_000;
/** At least this many segments (a small registry still plans in parallel), at most this many (one fan-out). */
export const planSegmentBounds = { min: 8, max: 1_000 } as const;

/**
 * How many segments a batch's planning fans out to: grants and hospital reimbursement one (they are
 * few); registry programs one per recipientsPerPlanSegment of the estimated candidates, within
 * planSegmentBounds, so the time a segment takes stays about the same as the registry grows.
 */
export function planSegmentCount(program: PayoutBatch['program'], estimatedCandidates = 0): number {
  if (program === 'ONE_OFF_GRANTS' || program === 'HOSPITAL_REIMBURSEMENT') return 1;
  const wanted = Math.ceil(estimatedCandidates / recipientsPerPlanSegment);
  return Math.min(planSegmentBounds.max, Math.max(planSegmentBounds.min, wanted));
}

/** The batch's segment count: fixed once by the first planner that asks (older batches: the program's default). */
async function segmentCountOf(batch: PayoutBatch): Promise<number> {
  if (batch.planSegments !== undefined) return batch.planSegments;
  const isRegistry = batch.program !== 'ONE_OFF_GRANTS' && batch.program !== 'HOSPITAL_REIMBURSEMENT';
  const estimate = isRegistry ? await estimatedActiveRecipients(batch.categories) : 0;
  const fixed = await fixPlanSegmentCount(batch.batchId, planSegmentCount(batch.program, estimate));
  // Undefined only when the batch left PLANNING without a count (a batch planned before counts were stored).
  return fixed ?? planSegmentCount(batch.program);
}

async function candidatesFor(batch: PayoutBatch, segment: number, segments: number): Promise<PayeeCandidate[]> {
  if (batch.program === 'ONE_OFF_GRANTS') return grantedGrants();
  // Hospitals are few: one segment selects them all.
  if (batch.program === 'HOSPITAL_REIMBURSEMENT') return segment === 0 ? reimbursementCandidates(batch.period) : [];
  const recipients = await activeRecipients(batch.categories, segment, segments);
  return recipients.map((r) => ({
    ...r,
    amountFen: batch.program === 'MONTHLY_BENEFIT' ? r.monthlyBenefitFen : batch.perPersonFen!,
  }));
}

export interface PlanOptions {
  /** Who plans (unique per invocation): the lease owner. */
  owner?: string;
  /** The owner is an attempt of this (recovery.ts messageAttempt): it takes over segments an earlier attempt left held. */
  attemptOf?: string;
  /** How long a segment's lease lasts between renewals. */
  leaseMs?: number;
  /**
   * Milliseconds this planner has left (on Lambda: context.getRemainingTimeInMillis). When they
   * fall under the hand-over margin (handoverMarginMs of what it had at the start) the planner
   * starts no further transaction, gives up the segments it holds unfinished (their leases
   * released, so the next planner takes them at once) and stops waiting for segments others hold;
   * then it queues a new plan message and returns 'handed-over'. So a planner hands over before
   * Lambda stops it rather than being killed mid-write. Default: 5 minutes from the call.
   */
  timeLeftMs?: () => number;
  /** Only these segments (a fan-out message names one); all by default. */
  segments?: number[];
}

/** Planning transactions one segment keeps in flight (each 25 claim + payment pairs). */
const transactionsInFlightPerSegment = 4;

interface SegmentOutcome {
  selected: number;
  noBankAccount: number;
  overCeiling: number;
  heldElsewhere: number;
}


/**
 * Plans one segment under its lease: selects, claims and creates its payments, then marks the
 * segment done with its counts. Every write is fenced by the lease, so a planner whose lease lapsed
 * writes nothing after its successor took over (LeaseLostError).
 */
async function planSegment(
  batch: PayoutBatch,
  segment: number,
  held: Lease,
  leaseMs: number,
  at: string,
  outOfTime: () => boolean,
  segments: number,
): Promise<'done' | 'handed-over'> {
  let lease = held;
  const started = Date.now();
  const candidates = (await candidatesFor(batch, segment, segments)).filter((c) => c.amountFen > 0);
  // Records older than the edges' ceilings are not paid blind: no single payment above the largest ceiling.
  const payable = candidates.filter((c) => c.bankName && c.bankAccount && c.amountFen <= maxCeilingFen);
  const payments: PaymentRecord[] = payable.map((c) => ({
    batchId: batch.batchId,
    endToEndId: endToEndId({ batchId: batch.batchId, program: batch.program, period: batch.period, recipientId: c.payeeId }),
    recipientId: c.payeeId,
    ...(c.category && { category: c.category }),
    claimKey: claimKeyFor(batch.program, batch.period, c.payeeId),
    creditorName: c.name,
    bankName: c.bankName!,
    bankAccount: c.bankAccount!,
    amountFen: c.amountFen,
    status: 'PLANNED',
  }));
  const outcome: SegmentOutcome = {
    selected: candidates.length,
    noBankAccount: candidates.filter((c) => !(c.bankName && c.bankAccount)).length,
    overCeiling: candidates.filter((c) => c.bankName && c.bankAccount && c.amountFen > maxCeilingFen).length,
    heldElsewhere: 0,
  };
  // Renewed between slices so a long segment keeps its lease; the fence guards every slice's writes.
  const slice = 500;
  for (let i = 0; i < payments.length; i += slice) {
    if (lease.expiresAt - Date.now() < leaseMs / 2) lease = await renewLease(lease, leaseMs, new Date());
    const claimed = await claimAndPlan(payments.slice(i, i + slice), at, lease, transactionsInFlightPerSegment, outOfTime);
    outcome.heldElsewhere += claimed.heldElsewhere;
    await pausePoint('plan-segment-claimed', { batchId: batch.batchId, segment });
    if (claimed.stopped) {
      // What it wrote stays: the next planner finds those payments in the batch and writes the rest.
      await releaseLease(lease);
      return 'handed-over';
    }
  }
  // planMs: how long the segment took (bench/payouts.ts prints it; flat as the registry grows).
  await fencedUpdate(lease, { set: { ...outcome, planDoneAt: at, planMs: Date.now() - started } }, { release: true });
  return 'done';
}

/**
 * How long before its end a planner hands over, given the time it had at the start: a tenth of
 * it, at least 5 s and at most 60 s, far more than one planning transaction, the lease release
 * and the hand-over message take.
 */
export function handoverMarginMs(timeAtStartMs: number): number {
  return Math.min(60_000, Math.max(5_000, timeAtStartMs / 10));
}

/**
 * The plan message's step (the fan-out): fixes the batch's segment count, creates each segment's
 * progress entry and queues one planSegment message per segment not yet done; when every segment
 * is done already (a late copy), finishes the plan instead. Safe to repeat: a segment planned or
 * being planned is never planned twice (planBatch's leases), and the plan is derived once.
 */
export async function fanOutPlanning(batchId: string, now: Date): Promise<string> {
  const batch = await getBatch(batchId);
  if (!batch) throw new Error(`payout batch ${batchId} does not exist`);
  if (batch.status !== 'PLANNING') return 'already-planned';
  const count = await segmentCountOf(batch);
  const all = Array.from({ length: count }, (_, i) => i);
  await createPlanSegments(batchId, all, batch.planAttempt);
  const done = new Set(
    (await progressEntries(batchId, planAttemptPrefix(batch.planAttempt))).filter((s) => s.planDoneAt).map((s) => s.entry),
  );
  const pending = all.filter((segment) => !done.has(planSegmentEntry(segment, batch.planAttempt)));
  if (pending.length === 0) return finishPlanning({ ...batch, planSegments: count }, now.toISOString());
  await sendAll('payoutPlans', pending.map((segment) => ({ kind: 'planSegment' as const, batchId, segment })));
  return `fanned-out:${pending.length}`;
}

/**
 * Plans the given segments of the batch (all by default; a planSegment message names one), each
 * under a lease; the last planner to finish a segment derives the plan (count, total, chunks) from
 * the payments as stored and asks for approval. Safe under duplicates: a second planner of a
 * segment waits while another holds it, takes it over once that lease lapsed, and writes nothing
 * already written; the status moves PLANNING → PENDING_APPROVAL once. Near its deadline it hands
 * its unfinished segments over as new planSegment messages.
 */
export async function planBatch(batchId: string, now: Date, options: PlanOptions = {}): Promise<string> {
  const batch = await getBatch(batchId);
  if (!batch) throw new Error(`payout batch ${batchId} does not exist`);
  if (batch.status !== 'PLANNING') return 'already-planned';
  const owner = options.owner ?? `planner-${randomUUID()}`;
  const leaseMs = options.leaseMs ?? 30_000;
  const started = Date.now();
  const timeLeftMs = options.timeLeftMs ?? (() => started + 5 * 60_000 - Date.now());
  const margin = handoverMarginMs(timeLeftMs());
  const outOfTime = () => timeLeftMs() < margin;
  const at = now.toISOString();
  const count = await segmentCountOf(batch);
  const segments = (options.segments ?? Array.from({ length: count }, (_, i) => i)).filter((s) => s < count);
  await createPlanSegments(batchId, segments, batch.planAttempt);
  const outcomes = await Promise.all(
    segments.map(async (segment): Promise<'done' | 'handed-over'> => {
      const key = { batchId, entry: planSegmentEntry(segment, batch.planAttempt) };
      for (;;) {
        if (outOfTime()) return 'handed-over';
        const acquired = await acquireLease(
          { table: 'payoutProgress', key, name: 'plan' },
          { owner, attemptOf: options.attemptOf, durationMs: leaseMs, now: new Date(), condition: { expression: 'attribute_not_exists(planDoneAt)' } },
        );
        if (acquired) {
          try {
            return await planSegment(batch, segment, acquired.lease, leaseMs, at, outOfTime, count);
          } catch (error) {
            if (error instanceof LeaseLostError) continue; // someone took over: wait for them like any holder
            // A failed planner frees its segment for the retry at once (a crashed one's lease expires).
            await releaseLease(acquired.lease).catch(() => undefined);
            throw error;
          }
        }
        if ((await getProgressEntry(batchId, key.entry))?.planDoneAt) return 'done';
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }),
  );
  const handedOver = segments.filter((_, i) => outcomes[i] === 'handed-over');
  if (handedOver.length > 0) {
    // New messages rather than a failed one: handing over spends none of the queue's receives.
    await sendAll('payoutPlans', handedOver.map((segment) => ({ kind: 'planSegment' as const, batchId, segment })));
    return 'handed-over';
  }
  // Every planner writes its segment's end before reading the others' (consistently), so the
  // last to finish sees all done; finishing twice is harmless (the status moves once).
  return finishPlanning({ ...batch, planSegments: count }, at);
}

/** Once every segment is done: the plan from the stored payments, and PLANNING → PENDING_APPROVAL (or FAILED) once. */
async function finishPlanning(batch: PayoutBatch, at: string): Promise<string> {
  const { batchId } = batch;
  const segments = await progressEntries(batchId, planAttemptPrefix(batch.planAttempt));
  const done = segments.filter((s) => s.planDoneAt);
  if (done.length < (batch.planSegments ?? planSegmentCount(batch.program))) return 'segments-pending';
  const sum = (field: keyof SegmentOutcome) => done.reduce((total, s) => total + ((s[field] as number) ?? 0), 0);
  const skipped = { alreadyPlannedOrPaid: sum('heldElsewhere'), noBankAccount: sum('noBankAccount'), overCeiling: sum('overCeiling') };
  const selected = sum('selected');
  const { endToEndIds, totalFen } = await storedPlan(batchId);
  if (endToEndIds.length === 0 || !Number.isSafeInteger(totalFen)) {
    const reason =
      endToEndIds.length === 0
        ? `nothing to pay: ${selected} selected, ${skipped.alreadyPlannedOrPaid} already planned or paid for ${batch.program} ${batch.period}, ${skipped.noBankAccount} without a bank account`
        : `the total of ${endToEndIds.length} payments is not a safe integer number of fen`;
    await transitionBatch(batchId, 'PLANNING', 'FAILED', { at, by: worker, action: 'FAILED', reason }, {
      planned: { count: 0, totalFen: 0 },
      skipped,
      failureReason: reason,
    });
    return 'FAILED';
  }
  const moved = await transitionBatch(
    batchId,
    'PLANNING',
    'PENDING_APPROVAL',
    {
      at,
      by: worker,
      action: 'PLANNED',
      reason: `${endToEndIds.length} payments, ${totalFen} fen; ${skipped.alreadyPlannedOrPaid} already planned or paid, ${skipped.noBankAccount} without a bank account`,
    },
    { planned: { count: endToEndIds.length, totalFen }, chunks: chunkRanges(endToEndIds, chunkSizeSetting()), skipped },
  );
  return moved ? 'PENDING_APPROVAL' : 'already-planned';
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

export async function dispatchChunks(batchId: string): Promise<void> {
  const batch = await getBatch(batchId);
  if (batch?.status !== 'PAYING') return;
  await sendAll('payoutChunks', batch.chunks!.map((_, chunk) => ({ kind: 'chunk' as const, batchId, chunk })));
}

/**
 * Records one chunk's payments. A redelivered chunk records nothing twice (each payment is
 * written from PLANNED to RECORDED by its stable key), and a chunk whose worker died halfway
 * is finished by the redelivery. The last chunk to finish queues the bank files.
 */
export async function payChunk(
  batchId: string,
  chunk: number,
  now: Date,
  write: (payments: PaymentRecord[]) => Promise<void> = putPayments,
): Promise<string> {
  const batch = await getBatch(batchId);
  if (!batch) throw new Error(`payout batch ${batchId} does not exist`);
  if (batch.status !== 'PAYING') return 'not-paying';
  const range = batch.chunks?.[chunk];
  if (!range) throw new Error(`batch ${batchId} has no chunk ${chunk}`);
  if (!(await getChunkDone(batchId, chunk))) {
    const payments = await chunkPayments(batchId, range);
    if (payments.length !== range.count) {
      throw new Error(`chunk ${chunk} of ${batchId}: ${payments.length} payments found, ${range.count} planned`);
    }
    const at = now.toISOString();
    await write(payments.filter((p) => p.status === 'PLANNED').map((p) => ({ ...p, status: 'RECORDED', recordedAt: at })));
    await pausePoint('payout-chunk-recorded', { batchId, chunk });
    await putChunkDone({
      batchId,
      entry: chunkEntry(chunk),
      recordedCount: payments.length,
      recordedFen: payments.reduce((sum, p) => sum + p.amountFen, 0),
      at,
    });
  }
  // Checked on every delivery, so a worker that died after marking its chunk still gets the files queued.
  if ((await chunksDone(batchId)).length === batch.chunks!.length) await send('payoutFiles', { kind: 'files', batchId });
  return 'recorded';
}

/** Chunk ranges read ahead while this one is written out. */
const rangesReadAhead = 4;

/**
 * The batch's recorded payments in endToEndId order, read range by range (a few ranges ahead):
 * memory is bounded by the read-ahead, not the batch, and small key-range queries stay fast
 * where paging through one large partition does not (DynamoDB Local slows with every page).
 */
export async function* bankFilePayments(batch: PayoutBatch): AsyncGenerator<Payment> {
  const ranges = batch.chunks ?? [];
  const reads: Array<Promise<PaymentRecord[]>> = [];
  let next = 0;
  const readAhead = () => {
    while (reads.length < rangesReadAhead && next < ranges.length) {
      const read = chunkPayments(batch.batchId, ranges[next++]!);
      read.catch(() => undefined); // awaited below; a reader that stops early leaves no unhandled rejection
      reads.push(read);
    }
  };
  readAhead();
  while (reads.length > 0) {
    const payments = await reads.shift()!;
    readAhead();
    for (const p of payments) {
      if (p.status === 'PLANNED') continue;
      yield {
        endToEndId: p.endToEndId,
        recipientId: p.recipientId,
        creditorName: p.creditorName,
        bankName: p.bankName,
        bankAccount: p.bankAccount,
        amountFen: p.amountFen,
      };
    }
  }
}

export function bankFileKeys(batchId: string) {
  return { csvKey: `payouts/${batchId}/payments.csv`, pain001Key: `payouts/${batchId}/pain.001.xml` };
}

/**
 * Both files at once, each streamed from DynamoDB through its writer into S3: the waits overlap
 * and memory does not grow with the batch. Throws BankFileError when the stream disagrees with the plan.
 */
export async function uploadBankFiles(batch: PayoutBatch, keys: { csvKey: string; pain001Key: string }, now: Date): Promise<void> {
  const expected = batch.planned!;
  const header = {
    messageId: batch.batchId,
    createdAt: now,
    executionDate: dateInChina(now),
    count: expected.count,
    totalFen: expected.totalFen,
    ...payer,
  };
  await Promise.all([
    uploadBankFile(keys.csvKey, Readable.from(writePaymentsCsv(bankFilePayments(batch), { expected, bom: true })), 'text/csv; charset=utf-8'),
    uploadBankFile(keys.pain001Key, Readable.from(writePain001(header, bankFilePayments(batch))), 'application/xml'),
  ]);
}

/**
 * Streams the recorded payments into the CSV and pain.001 files. The writers check the stream
 * against the plan's count and total: PAID_OUT only when they agree, FAILED with the reason otherwise.
 */
export async function writeBankFiles(batchId: string, now: Date): Promise<string> {
  const batch = await getBatch(batchId);
  if (!batch) throw new Error(`payout batch ${batchId} does not exist`);
  if (batch.status !== 'PAYING') return 'not-paying';
  const done = await chunksDone(batchId);
  if (done.length !== batch.chunks!.length) throw new Error(`batch ${batchId}: ${done.length} of ${batch.chunks!.length} chunks done`);
  const expected = batch.planned!;
  const keys = bankFileKeys(batchId);
  const at = now.toISOString();
  try {
    await uploadBankFiles(batch, keys, now);
  } catch (error) {
    if (!(error instanceof BankFileError)) throw error;
    const reason = `bank files not written: ${error.message}`;
    await transitionBatch(batchId, 'PAYING', 'FAILED', { at, by: worker, action: 'FAILED', reason }, { failureReason: reason });
    return 'FAILED';
  }
  await transitionBatch(
    batchId,
    'PAYING',
    'PAID_OUT',
    { at, by: worker, action: 'PAID_OUT', reason: `${expected.count} payments, ${expected.totalFen} fen; bank files written` },
    { files: keys, reconciliation: { settled: 0, returned: 0, pending: expected.count } },
  );
  return 'PAID_OUT';
}

export async function viewBatch(batchId: string) {
  const batch = await existingBatch(batchId);
  const done = await chunksDone(batchId);
  const recorded = done.reduce((sum, d) => sum + d.recordedCount, 0);
  const failed = batch.status === 'FAILED' && batch.planned ? batch.planned.count - recorded : 0;
  return {
    id: batch.batchId,
    program: batch.program,
    period: batch.period,
    title: batch.title,
    categories: batch.categories,
    perPersonFen: batch.perPersonFen ?? null,
    status: batch.status,
    planned: batch.planned ?? null,
    progress: { recorded, failed },
    files: batch.files
      ? {
          csvUrl: await presignDownload('bankFiles', batch.files.csvKey, bankFileUrlSeconds),
          pain001Url: await presignDownload('bankFiles', batch.files.pain001Key, bankFileUrlSeconds),
        }
      : null,
    skipped: batch.skipped ?? null,
    reconciliation: batch.reconciliation ?? null,
    failureReason: batch.failureReason ?? null,
    createdBy: batch.createdBy,
    approvedBy: batch.approvedBy ?? null,
    retriedBy: batch.retriedBy ?? null,
    history: batch.history,
  };
}

/**
 * GET /payout-batches/{id}/payments. With status RETURNED, the returns from the sparse index
 * `returnsByBatch`, each with where its claim stands now: the return released it
 * (applyBankOutcome); a later batch of the same program and period takes it over (HELD under its
 * batchId): PLANNED_AGAIN; released (by this return, or by the later batch's own return or end): READY.
 */
export async function listBatchPayments(
  batchId: string,
  query: { status?: PaymentStatus; limit: number; nextToken?: string },
  binding: PageBinding,
) {
  await existingBatch(batchId);
  const startKey = await decodeNextToken(query.nextToken, binding);
  const returns = query.status === 'RETURNED';
  const page = returns ? await returnsPage(batchId, query.limit, startKey) : await paymentsPage(batchId, query.status, query.limit, startKey);
  const claims = returns ? await claimsByKey(page.items.map((p) => p.claimKey)) : new Map();
  const nextOf = (p: PaymentRecord) => {
    const claim = claims.get(p.claimKey);
    const takenBy = claim && claim.claimStatus === 'HELD' && claim.batchId !== batchId ? claim.batchId : undefined;
    return takenBy ? { state: 'PLANNED_AGAIN' as const, batchId: takenBy } : { state: 'READY' as const, batchId: null };
  };
  return {
    items: page.items.map((p) => ({
      endToEndId: p.endToEndId,
      recipientId: p.recipientId,
      name: p.creditorName,
      bankName: p.bankName,
      bankAccountMasked: maskBankAccount(p.bankAccount),
      amountFen: p.amountFen,
      status: p.status,
      ...(p.returnReason && { returnReason: p.returnReason }),
      ...(p.status === 'RETURNED' && { returnedAt: p.returnedAt, ...(returns && { next: nextOf(p) }) }),
    })),
    nextToken: await encodeNextToken(page.lastKey, binding),
  };
}

/** GET /payout-batches: summaries, newest period first (see batchesPage for the indexes). */
export async function listBatches(query: ListPayoutBatchesQuery, binding: PageBinding) {
  const page = await batchesPage(
    { status: query.status, program: query.program, period: query.period },
    query.limit,
    await decodeNextToken(query.nextToken, binding),
  );
  return {
    items: page.items.map((batch) => ({
      id: batch.batchId,
      program: batch.program,
      period: batch.period,
      title: batch.title,
      status: batch.status,
      planned: batch.planned ?? null,
      reconciliation: batch.reconciliation ?? null,
      createdBy: batch.createdBy,
      createdAt: batch.createdAt,
      approvedBy: batch.approvedBy ?? null,
    })),
    nextToken: await encodeNextToken(page.lastKey, binding),
  };
}

interface BankReport {
  batchId: string;
  entry: string;
  reportId: string;
  objectKey: string;
  status: 'APPLYING' | 'APPLIED' | 'FAILED';
  format: 'pain.002' | 'csv';
  entries: number;
  problems: Array<{ where: string; message: string }>;
  /** The encoding the report's bytes were read in. */
  encoding?: string;
  receivedAt: string;
  receivedBy: string;
  settled?: number;
  returned?: number;
  alreadyApplied?: number;
  unknownEndToEndIds?: string[];
  unknownCount?: number;
  conflicts?: number;
  /** Set by the operator action that applies a whole-file rejection as every payment returned. */
  returnAll?: { at: string; by: string; reason: string };
  /** A pain.002 rejecting the whole file: nothing applies by itself (see payout-operator-actions returnWholeFile). */
  wholeFileRejection?: boolean;
}

/** Checks the report is pain.002 or CSV, stores it and queues its application. */
export async function receiveBankReport(batchId: string, file: FileBody, actor: Actor, now: Date) {
  const contentType = file.contentType;
  const batch = await existingBatch(batchId);
  if (batch.status !== 'PAID_OUT' && batch.status !== 'RECONCILED') {
    throw refusal('INVALID_STATE', 'BATCH_STATUS_FORBIDS', { batchId, status: batch.status, allowed: 'PAID_OUT', action: 'given bank results' });
  }
  let report;
  try {
    report = parseStatusReport(file.bytes, { contentType, finalStatuses: payerFinalStatuses });
  } catch (error) {
    if (!(error instanceof StatusReportError)) throw error;
    throw new AppError('VALIDATION_FAILED', `body: ${error.message}`, [{ path: 'body', message: error.message }]);
  }
  const reportId = randomUUID();
  const record: BankReport = {
    batchId,
    entry: reportEntry(reportId),
    reportId,
    objectKey: `payouts/${batchId}/bank-results/${reportId}`,
    status: 'APPLYING',
    format: report.format,
    entries: report.entries.length,
    problems: report.problems.slice(0, 1000),
    ...(report.encoding && { encoding: report.encoding }),
    receivedAt: now.toISOString(),
    receivedBy: actor.sub,
    wholeFileRejection: report.wholeFileRejected === true,
  };
  // Stored as the text it was read as (UTF-8), so applying it later reads exactly what was checked here.
  await putExport(record.objectKey, report.text, `${report.format === 'csv' ? 'text/csv' : 'application/xml'}; charset=utf-8`);
  await putProgressEntry(record as unknown as Record<string, unknown> & { batchId: string; entry: string });
  await send('bankResults', { kind: 'report', batchId, reportId });
  return { reportId, status: 'APPLYING' as const, entries: report.entries.length };
}

/** Applies a stored report; repeating it changes nothing more. */
export async function applyBankReport(batchId: string, reportId: string, now: Date): Promise<string> {
  const record = (await getProgressEntry(batchId, reportEntry(reportId))) as BankReport | undefined;
  if (!record) throw new Error(`report ${reportId} of ${batchId} does not exist`);
  if (record.status === 'APPLIED') return 'already-applied';
  const entries = record.returnAll
    ? await everyRecordedPaymentReturned(batchId, record.returnAll.reason)
    : parseStatusReport(await readExport(record.objectKey), { finalStatuses: payerFinalStatuses }).entries;
  const at = now.toISOString();
  const tally = { applied: { SETTLED: 0, RETURNED: 0 }, already: 0, conflicts: 0, unknown: [] as string[] };
  await pMap(
    entries,
    async (entry) => {
      const result = await applyBankOutcome(batchId, entry.endToEndId, { status: entry.status, reason: [entry.reasonCode, entry.reason].filter(Boolean).join(' ') || undefined }, at);
      if (result === 'applied') tally.applied[entry.status]++;
      else if (result === 'already') tally.already++;
      else if (result === 'unknown') tally.unknown.push(entry.endToEndId);
      else tally.conflicts++;
    },
    { concurrency: 16 },
  );
  const counts = await paymentStatusCounts(batchId);
  const reconciliation = { settled: counts.SETTLED, returned: counts.RETURNED, pending: counts.RECORDED };
  await setReconciliation(batchId, reconciliation);
  if (reconciliation.pending === 0) {
    await transitionBatch(batchId, 'PAID_OUT', 'RECONCILED', {
      at,
      by: worker,
      action: 'RECONCILED',
      reason: `${counts.SETTLED} settled, ${counts.RETURNED} returned, none pending`,
    });
  }
  await putProgressEntry({
    ...record,
    status: 'APPLIED',
    settled: tally.applied.SETTLED,
    returned: tally.applied.RETURNED,
    alreadyApplied: tally.already,
    unknownEndToEndIds: tally.unknown.slice(0, 1000),
    unknownCount: tally.unknown.length,
    problems: [
      ...record.problems,
      ...(tally.conflicts ? [{ where: 'report', message: `${tally.conflicts} outcomes contradict an earlier report and were not applied` }] : []),
    ],
  } as unknown as Record<string, unknown> & { batchId: string; entry: string });
  return 'APPLIED';
}

export async function viewBankReport(batchId: string, reportId: string) {
  const record = (await getProgressEntry(batchId, reportEntry(reportId))) as BankReport | undefined;
  if (!record) throw new AppError('NOT_FOUND', `report ${reportId} of batch ${batchId} does not exist`);
  return {
    reportId: record.reportId,
    status: record.status,
    format: record.format,
    entries: record.entries,
    settled: record.settled ?? null,
    returned: record.returned ?? null,
    alreadyApplied: record.alreadyApplied ?? null,
    unknownEndToEndIds: record.unknownEndToEndIds ?? [],
    unknownCount: record.unknownCount ?? null,
    problems: record.problems,
    encoding: record.encoding ?? null,
    receivedAt: record.receivedAt,
    receivedBy: record.receivedBy,
    wholeFileRejection: record.wholeFileRejection ?? false,
    returnAll: record.returnAll ?? null,
  };
}
