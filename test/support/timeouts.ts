// One knob for every deadline in the suite: TUODI_TEST_TIMEOUT_SCALE multiplies the waits of
// eventually() and vitest's test and hook timeouts, so a slow or loaded machine can be given more
// time without editing tests. Deadlines only bound how long a broken test takes to fail: a
// passing test never waits for one.

/** The factor from TUODI_TEST_TIMEOUT_SCALE (a positive number, default 1). */
export function timeoutScale(): number {
  const raw = process.env.TUODI_TEST_TIMEOUT_SCALE;
  if (raw === undefined || raw === '') return 1;
  const scale = Number(raw);
  if (!Number.isFinite(scale) || scale <= 0) {
    throw new Error(`TUODI_TEST_TIMEOUT_SCALE must be a positive number, not ${JSON.stringify(raw)}`);
  }
  return scale;
}

/** ms times the scale, rounded to whole milliseconds. */
export function scaled(ms: number): number {
  return Math.round(ms * timeoutScale());
}

/** Unscaled base deadlines (ms). eventually() waits longer than any condition takes when healthy. */
export const baseTimeouts = {
  eventually: 90_000,
  test: 300_000,
  hook: 300_000,
} as const;
