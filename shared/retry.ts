// The one retry policy of optimistic writes: a write that lost a race reads again and retries after
// a pause with "full jitter" (AWS Architecture Blog, "Exponential Backoff and Jitter"): a random
// wait up to an exponentially growing ceiling, so writers that collided spread out instead of
// colliding again in step. The loops that retry stay where their logic is (what to read again);
// only the pause is shared.

/** The ceiling of the pause before retry `attempt` (0-based): `baseMs · 2^attempt`, at most `capMs`. */
export const retryCeilingMs = (attempt: number, baseMs: number, capMs: number): number => Math.min(capMs, baseMs * 2 ** attempt);

/**
 * Waits a random time in [0, ceiling) before retry `attempt` of a write that lost a race.
 * `baseMs` and `capMs` size it to the write: a batch call DynamoDB throttled waits longer than a
 * counter another writer just moved.
 */
export function pauseBeforeRetry(attempt: number, { baseMs = 10, capMs = 500 }: { baseMs?: number; capMs?: number } = {}): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * retryCeilingMs(attempt, baseMs, capMs)));
}
