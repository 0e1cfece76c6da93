// Payout batches (worker): planning fans out as one message per segment of the registry, each
// planned under its lease; the last segment to finish derives the plan once.
import { sendAll } from '../adapters/queue.ts';
import { randomUUID } from 'node:crypto';
import { endToEndId } from '../domain/payouts/end-to-end-id.ts';
import {
  chunkRanges,
  claimKeyFor,
  paymentKey,
  paymentShardCount,
  planAttemptPrefix,
  planSegmentEntry,
  type PaymentRecord,
  type PayoutBatch,
} from '../domain/payouts/batch.ts';
import { chunkSizeSetting, paymentShardsSetting } from '../adapters/resources.ts';
import {
  activeRecipients,
  claimAndPlan,
  createPlanSegments,
  estimatedActiveRecipients,
  fixPlanSegmentCount,
  getBatch,
  getProgressEntry,
  grantedGrants,
  progressEntries,
  storedPlan,
  transitionBatch,
  type PayeeCandidate,
} from '../adapters/payout-store.ts';
import { maxCeilingFen } from '../domain/values.ts';
import { acquireLease, fencedUpdate, LeaseLostError, releaseLease, renewLease, type Lease } from '../adapters/lease.ts';
import { reimbursementCandidates } from './hospital-reimbursement.ts';
import { pausePoint } from '../observability/pause-point.ts';
import { payoutWorker } from '../domain/payouts/batch.ts';

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

/**
 * The batch's segment count and payment write shards: fixed together once by the first planner
 * that asks, from the same estimate (grants and reimbursements: one shard). Older batches: the
 * program's default segments and one shard. Returns the batch with both set.
 */
async function withPlanCounts(batch: PayoutBatch): Promise<PayoutBatch & { planSegments: number }> {
  if (batch.planSegments !== undefined) return { ...batch, planSegments: batch.planSegments };
  const isRegistry = batch.program !== 'ONE_OFF_GRANTS' && batch.program !== 'HOSPITAL_REIMBURSEMENT';
  const estimate = isRegistry ? await estimatedActiveRecipients(batch.categories) : 0;
  const fixed = await fixPlanSegmentCount(batch.batchId, {
    planSegments: planSegmentCount(batch.program, estimate),
    paymentShards: paymentShardsSetting() ?? paymentShardCount(estimate),
  });
  // Undefined only when the batch left PLANNING without a count (a batch planned before counts were stored).
  return { ...batch, ...(fixed ?? { planSegments: planSegmentCount(batch.program) }) };
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
export const transactionsInFlightPerSegment = 4;

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
    ...paymentKey(batch, endToEndId({ batchId: batch.batchId, program: batch.program, period: batch.period, recipientId: c.payeeId })),
    batchId: batch.batchId,
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
  const counted = await withPlanCounts(batch);
  const count = counted.planSegments;
  const all = Array.from({ length: count }, (_, i) => i);
  await createPlanSegments(batchId, all, batch.planAttempt);
  const done = new Set(
    (await progressEntries(batchId, planAttemptPrefix(batch.planAttempt))).filter((s) => s.planDoneAt).map((s) => s.entry),
  );
  const pending = all.filter((segment) => !done.has(planSegmentEntry(segment, batch.planAttempt)));
  if (pending.length === 0) return finishPlanning(counted, now.toISOString());
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
  const stored = await getBatch(batchId);
  if (!stored) throw new Error(`payout batch ${batchId} does not exist`);
  if (stored.status !== 'PLANNING') return 'already-planned';
  // Every payment this planner writes goes under the batch's fixed shard count.
  const batch = await withPlanCounts(stored);
  const owner = options.owner ?? `planner-${randomUUID()}`;
  const leaseMs = options.leaseMs ?? 30_000;
  const started = Date.now();
  const timeLeftMs = options.timeLeftMs ?? (() => started + 5 * 60_000 - Date.now());
  const margin = handoverMarginMs(timeLeftMs());
  const outOfTime = () => timeLeftMs() < margin;
  const at = now.toISOString();
  const count = batch.planSegments;
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
  return finishPlanning(batch, at);
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
  const { endToEndIds, totalFen } = await storedPlan(batch);
  if (endToEndIds.length === 0 || !Number.isSafeInteger(totalFen)) {
    const reason =
      endToEndIds.length === 0
        ? `nothing to pay: ${selected} selected, ${skipped.alreadyPlannedOrPaid} already planned or paid for ${batch.program} ${batch.period}, ${skipped.noBankAccount} without a bank account`
        : `the total of ${endToEndIds.length} payments is not a safe integer number of fen`;
    await transitionBatch(batchId, 'PLANNING', 'FAILED', { at, by: payoutWorker, action: 'FAILED', reason }, {
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
      by: payoutWorker,
      action: 'PLANNED',
      reason: `${endToEndIds.length} payments, ${totalFen} fen; ${skipped.alreadyPlannedOrPaid} already planned or paid, ${skipped.noBankAccount} without a bank account`,
    },
    { planned: { count: endToEndIds.length, totalFen }, chunks: chunkRanges(endToEndIds, chunkSizeSetting()), skipped },
  );
  return moved ? 'PENDING_APPROVAL' : 'already-planned';
}
