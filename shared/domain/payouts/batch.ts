// Payout batches: programs, states, and the keys that make "paid at most once" structural.
import type { HistoryEntry, RecipientCategory } from '../registry.ts';
import type { BankFilePart } from './bank-file-parts.ts';

export const payoutPrograms = [
  'PRICE_SUBSIDY',
  'ONE_TIME_LIVING',
  'MONTHLY_BENEFIT',
  'ONE_OFF_GRANTS',
  'HOSPITAL_REIMBURSEMENT',
] as const;
/** Programs that pay no recipients, so take no `categories`. */
export const programsWithoutCategories = ['ONE_OFF_GRANTS', 'HOSPITAL_REIMBURSEMENT'] as const;
export type PayoutProgram = (typeof payoutPrograms)[number];
/** Programs that pay everyone selected the same amount, given with the batch. */
export const programsWithPerPersonAmount = ['PRICE_SUBSIDY', 'ONE_TIME_LIVING'] as const satisfies readonly PayoutProgram[];

export const batchStatuses = [
  'PLANNING',
  'PENDING_APPROVAL',
  'PAYING',
  'PAID_OUT',
  'RECONCILED',
  'FAILED',
  // Ended by an operator (shared/usecases/payout-operator-actions.ts), claims released.
  'REJECTED',
  'CANCELLED',
] as const;
export type BatchStatus = (typeof batchStatuses)[number];

export const paymentStatuses = ['PLANNED', 'RECORDED', 'SETTLED', 'RETURNED'] as const;
export type PaymentStatus = (typeof paymentStatuses)[number];

/** Payments a chunk message records: small enough for one invocation, large enough to keep messages few. */
export const paymentsPerChunk = 500;

export interface ChunkRange {
  first: string;
  last: string;
  count: number;
}

export interface PayoutBatch {
  batchId: string;
  /** Planning attempt (0 first; a retry after a planning failure plans again as the next). */
  planAttempt?: number;
  /** How many segments planning fans out to, fixed by the first planner (older batches: the program's default). */
  planSegments?: number;
  /**
   * How many write shards the batch's payments are spread over (partition keys `batchId#0` …),
   * fixed with planSegments by the first planner; absent (older batches): one.
   */
  paymentShards?: number;
  program: PayoutProgram;
  period: string;
  title: string;
  categories: RecipientCategory[];
  perPersonFen?: number;
  status: BatchStatus;
  createdBy: string;
  createdAt: string;
  approvedBy?: string;
  planned?: { count: number; totalFen: number };
  /** Consecutive ranges of endToEndIds, one per chunk message. */
  chunks?: ChunkRange[];
  skipped?: { alreadyPlannedOrPaid: number; noBankAccount: number; overCeiling?: number };
  /** The one CSV and pain.001 of a batch written as one part (absent when it took several: see fileParts). */
  files?: { csvKey: string; pain001Key: string };
  /** Every part of the bank files, in order (one for a batch within the payer bank's per-file limit); absent on batches paid out before parts existed. */
  fileParts?: BankFilePart[];
  reconciliation?: { settled: number; returned: number; pending: number };
  failureReason?: string;
  /** Who asked for the last retry: like the maker, they may not approve it. */
  retriedBy?: string;
  /** A retry recorded but not yet fully applied (the sweeper finishes it after a crash). */
  pendingRetry?: { at: string; by: string; reason: string; excludeEndToEndIds: string[] };
  /** When a REJECTED or CANCELLED batch's claims were all released. */
  claimsReleasedAt?: string;
  history: HistoryEntry[];
}

export interface PaymentRecord {
  /** The payments table's partition key: `batchId#shard` (paymentKey). */
  batchShard: string;
  batchId: string;
  endToEndId: string;
  recipientId: string;
  /**
   * The payee's registry category when planned (what the batch selected them under): 统计 counts
   * the payment's money in it. Absent on grants, hospital reimbursements and older payments.
   */
  category?: RecipientCategory;
  claimKey: string;
  creditorName: string;
  bankName: string;
  bankAccount: string;
  amountFen: number;
  status: PaymentStatus;
  recordedAt?: string;
  settledAt?: string;
  returnedAt?: string;
  returnReason?: string;
}

/**
 * A recipient is paid at most once per program and period, across batches; a one-off grant is
 * paid once, whatever the period.
 */
export function claimKeyFor(program: PayoutProgram, period: string, payeeId: string): string {
  return program === 'ONE_OFF_GRANTS' ? `${program}#${payeeId}` : `${program}#${period}#${payeeId}`;
}

/**
 * Most write shards one batch's payments are spread over. DynamoDB caps each partition key at
 * 1,000 write units/s; 40 keys reach 40,000/s, an on-demand table's default maximum once warm
 * (README "A province: 1,000,000 recipients on AWS").
 */
export const maxPaymentShards = 40;
/**
 * Payments per write shard: a batch gets one shard per this many estimated payments, so a shard
 * takes 25,000 × (2 planning + 1 paying) write units, 75 s at 1,000/s, whatever the batch's size up
 * to 1,000,000; a batch under 25,000 keeps one shard (its readers make one query, as before shards).
 */
export const paymentsPerShard = 25_000;

/** The shard count for a batch of about `estimatedPayments`: from 1 to maxPaymentShards. */
export function paymentShardCount(estimatedPayments: number, perShard = paymentsPerShard): number {
  return Math.min(maxPaymentShards, Math.max(1, Math.ceil(estimatedPayments / perShard)));
}

/**
 * The shard of a payment: FNV-1a (32-bit) of its endToEndId, modulo the batch's shard count. The
 * endToEndId ends in a hash already; hashing the whole id spreads ids whatever their prefix.
 */
export function paymentShardOf(endToEndId: string, shards: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < endToEndId.length; i++) hash = Math.imul(hash ^ endToEndId.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % shards;
}

/** A batch as its payments' readers need it: its id and its shard count (absent: one). */
export type PaymentsOf = Pick<PayoutBatch, 'batchId' | 'paymentShards'>;

export const paymentShardKey = (batchId: string, shard: number) => `${batchId}#${shard}`;

/** Every partition key of the batch's payments, shard 0 first. */
export const paymentShardKeys = (batch: PaymentsOf): string[] =>
  Array.from({ length: batch.paymentShards ?? 1 }, (_, shard) => paymentShardKey(batch.batchId, shard));

/** The payments table key of one payment of the batch. */
export function paymentKey(batch: PaymentsOf, endToEndId: string): { batchShard: string; endToEndId: string } {
  return { batchShard: paymentShardKey(batch.batchId, paymentShardOf(endToEndId, batch.paymentShards ?? 1)), endToEndId };
}

/** Splits the batch's endToEndIds, sorted, into consecutive ranges of at most `size`. */
export function chunkRanges(sortedEndToEndIds: readonly string[], size = paymentsPerChunk): ChunkRange[] {
  const ranges: ChunkRange[] = [];
  for (let i = 0; i < sortedEndToEndIds.length; i += size) {
    const slice = sortedEndToEndIds.slice(i, i + size);
    ranges.push({ first: slice[0]!, last: slice.at(-1)!, count: slice.length });
  }
  return ranges;
}

/** The chunk's progress entry key, zero-padded so entries sort in chunk order. */
export const chunkEntry = (chunk: number) => `chunk#${String(chunk).padStart(6, '0')}`;
export const reportEntry = (reportId: string) => `report#${reportId}`;
/** A planning segment's progress entry: its lease and, once done, its counts. */
/** Progress-entry prefix of one planning attempt's segments: a retry of a batch that failed in planning plans anew. */
export const planAttemptPrefix = (attempt = 0) => `plan#${String(attempt).padStart(3, '0')}#`;
export const planSegmentEntry = (segment: number, attempt = 0) => `${planAttemptPrefix(attempt)}${String(segment).padStart(4, '0')}`;

/** Who the payout pipeline's automatic steps (planning, paying, bank files, reconciliation) are recorded as. */
export const payoutWorker = 'tuodi:payout-worker';
