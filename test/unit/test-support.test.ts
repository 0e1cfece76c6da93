// The suite's own waiting helpers: deadlines scale with TUODI_TEST_TIMEOUT_SCALE, failures say
// what was awaited, and no caller can shorten the deadline below the suite's default.
import { afterEach, describe, expect, it } from 'vitest';
import { eventually } from '../support/local-stack.ts';
import { baseTimeouts, scaled, timeoutScale } from '../support/timeouts.ts';

const original = process.env.TUODI_TEST_TIMEOUT_SCALE;
afterEach(() => {
  if (original === undefined) delete process.env.TUODI_TEST_TIMEOUT_SCALE;
  else process.env.TUODI_TEST_TIMEOUT_SCALE = original;
});

describe('TUODI_TEST_TIMEOUT_SCALE', () => {
  it('multiplies deadlines, and is 1 when unset', () => {
    delete process.env.TUODI_TEST_TIMEOUT_SCALE;
    expect(scaled(1_000)).toBe(1_000);
    process.env.TUODI_TEST_TIMEOUT_SCALE = '2.5';
    expect(scaled(1_000)).toBe(2_500);
  });

  it.each(['0', '-1', 'slow'])('refuses %s', (value) => {
    process.env.TUODI_TEST_TIMEOUT_SCALE = value;
    expect(() => timeoutScale()).toThrow(/TUODI_TEST_TIMEOUT_SCALE must be a positive number/);
  });
});

describe('eventually', () => {
  it('returns the first value that is not undefined', async () => {
    let calls = 0;
    expect(await eventually(async () => (++calls === 3 ? 'ready' : undefined))).toBe('ready');
    expect(calls).toBe(3);
  });

  it('gives up after the scaled default, never sooner, naming what it waited for', async () => {
    // 90 s times 0.002: 180 ms, although the caller asked for 1 ms.
    process.env.TUODI_TEST_TIMEOUT_SCALE = '0.002';
    const started = Date.now();
    await expect(eventually(async () => undefined, 1, 'the batch to be paid out')).rejects.toThrow(
      /timed out after 0\.18 s waiting for the batch to be paid out \(TUODI_TEST_TIMEOUT_SCALE/,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(baseTimeouts.eventually * 0.002);
  });

  it('describes the wait by its check when not told, or by a function at the time it gives up', async () => {
    process.env.TUODI_TEST_TIMEOUT_SCALE = '0.001';
    await expect(eventually(async () => (Math.PI > 4 ? 'never' : undefined))).rejects.toThrow(/Math\.PI > 4/);
    let left = 3;
    await expect(eventually(async () => undefined, undefined, () => `${--left} imports left`)).rejects.toThrow(/2 imports left/);
  });

  it('fails at once when the check throws', async () => {
    await expect(eventually(async () => Promise.reject(new Error('no such table')))).rejects.toThrow('no such table');
  });
});
