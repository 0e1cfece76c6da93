// Transient DynamoDB faults and the one bounded retry of them. The SDK retries a fault itself (up
// to maxAttempts, 4 for DynamoDB) but only while its client's retry quota lasts: 500 tokens, 5
// spent per retry, refunded by successes (@smithy/core retry, StandardRetryStrategy). Under a burst
// of faults the quota runs out and the SDK stops retrying at once ($metadata.attempts 1), so one
// fault would fail a whole planning segment, payment chunk, bank report or import slice and strand
// its message for a visibility timeout. The writes retried here are all conditional or idempotent
// puts, so a retry of a write that did commit is refused by its own condition, never applied twice.
import { cancellationCodes } from './dynamo-update.ts';
import { pauseBeforeRetry } from '../retry.ts';

/** Errors DynamoDB (or the way to it) answers when the same request may succeed a moment later. */
const transientNames = new Set([
  'InternalServerError',
  'ServiceUnavailable',
  'ThrottlingException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'TransactionInProgressException',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

/** Cancellation reasons that say "not now" rather than "no": another transaction held an item, or throttling. */
const transientReasons = new Set(['TransactionConflict', 'ThrottlingError', 'ProvisionedThroughputExceeded']);

/**
 * True for a fault worth retrying as is: a server error (5xx), throttling, a timeout, or a network
 * reset. A TransactionCanceledException is not one (its reasons say what to retry: see
 * isTransientCancellation); a ConditionalCheckFailed or a validation error never is.
 */
export function isTransientFault(error: unknown): boolean {
  const e = error as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  if (e?.name === 'TransactionCanceledException') return false;
  if (transientNames.has(e?.name ?? '')) return true;
  if ((e?.$metadata?.httpStatusCode ?? 0) >= 500) return true;
  return e?.code === 'ECONNRESET' || e?.code === 'EPIPE' || e?.code === 'ETIMEDOUT';
}

/**
 * True for a cancelled transaction whose every reason is None or a transient one (at least one):
 * nothing in it was refused by a condition, so the same transaction may be sent again.
 */
export function isTransientCancellation(error: unknown): boolean {
  const codes = cancellationCodes(error);
  return codes !== null && codes.some((c) => transientReasons.has(c)) && codes.every((c) => c === 'None' || transientReasons.has(c));
}

/** Tries a call makes at most, and the pauses between them (full jitter, ms). */
export interface TransientRetry {
  attempts?: number;
  baseMs?: number;
  capMs?: number;
  /** Also retry transient cancellations (isTransientCancellation); off where the caller reads the reasons itself. */
  cancellations?: boolean;
}

/** Retries made in this process so far, by the fault's name (bench/payouts.ts prints them). */
const retriesByFault = new Map<string, number>();
export const transientRetriesSoFar = (): Record<string, number> => Object.fromEntries(retriesByFault);

/**
 * Runs `call`, retrying it while it fails with a transient fault (isTransientFault), at most
 * `attempts` times in all (default 6) with a full-jitter pause of up to `baseMs`·2^k (default 50 ms,
 * at most `capMs`, default 2 s); the last fault, or any other error, is thrown as is. Only for calls
 * safe to repeat: reads, puts of a whole item, and writes whose condition refuses a second apply.
 */
export async function retryTransient<T>(call: () => Promise<T>, retry: TransientRetry = {}): Promise<T> {
  const { attempts = 6, baseMs = 50, capMs = 2_000, cancellations = false } = retry;
  for (let attempt = 0; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const transient = isTransientFault(error) || (cancellations && isTransientCancellation(error));
      if (!transient || attempt + 1 >= attempts) throw error;
      const name = (error as Error).name;
      retriesByFault.set(name, (retriesByFault.get(name) ?? 0) + 1);
      await pauseBeforeRetry(attempt, { baseMs, capMs });
    }
  }
}
