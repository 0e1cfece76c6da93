import { describe, expect, it } from 'vitest';
import { serviceInstantProblem } from '../../shared/domain/hospital-notices.ts';
import { assistanceTotals, preferredWaitSeconds } from '../../shared/usecases/hospital-notices.ts';
import type { NoticeRecord } from '../../shared/domain/hospital-notices.ts';

describe('Prefer: wait (RFC 7240)', () => {
  it.each([
    [undefined, undefined],
    ['wait=3', 3],
    ['respond-async, wait=2', 2],
    ['WAIT = "4"', 4],
    ['wait=600', 5],
    ['wait=0', 0],
    ['handling=lenient', undefined],
    ['wait=-1', undefined],
    ['wait=abc', undefined],
  ])('%s → %s seconds', (header, seconds) => {
    expect(preferredWaitSeconds(header)).toBe(seconds);
  });
});

describe('dates of service', () => {
  const now = new Date('2026-11-29T08:00:00Z');
  it('accepts the past and a few minutes of clock skew, refuses the future', () => {
    expect(serviceInstantProblem('2025-12-01T09:00:00+08:00', now)).toBeUndefined();
    expect(serviceInstantProblem('2026-11-29T16:04:00+08:00', now)).toBeUndefined();
    expect(serviceInstantProblem('2026-11-29T16:06:00+08:00', now)).toMatch(/future/);
    expect(serviceInstantProblem('2027-01-02T09:00:00+08:00', now)).toMatch(/future/);
  });
});

describe('a hospital\'s totals', () => {
  const discharge = (status: string, fen: number) =>
    ({ kind: 'DISCHARGE', status, settlement: { medicalAssistanceFen: fen } }) as unknown as NoticeRecord;
  const reversal = (status: string, fen: number) => ({ kind: 'REVERSAL', status, reversedAssistanceFen: fen }) as unknown as NoticeRecord;
  it('adds settled discharges (reversed ones too) and takes applied reversals off', () => {
    expect(
      assistanceTotals([
        discharge('SETTLED', 495_000),
        discharge('REVERSED', 8_000_000),
        reversal('APPLIED', 8_000_000),
        reversal('REJECTED', 0),
        { kind: 'DISCHARGE', status: 'REJECTED' } as unknown as NoticeRecord,
        { kind: 'ADMISSION', status: 'GUARANTEED' } as unknown as NoticeRecord,
      ]),
    ).toEqual({ settled: 2, reversed: 1, medicalAssistanceFen: 495_000 });
  });
});
