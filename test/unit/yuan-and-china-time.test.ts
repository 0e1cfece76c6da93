import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dateInChina, instantInChina } from '../../shared/domain/clock.ts';
import { formatYuan, parseYuan } from '../../shared/domain/yuan.ts';

describe('parseYuan: yuan text to integer fen from the decimal digits', () => {
  it.each([
    ['900', 90_000],
    ['900.5', 90_050],
    ['900.50', 90_050],
    ['0.29', 29], // parseFloat('0.29') * 100 is 28.999999999999996
    ['4.35', 435], // 4.35 * 100 is 434.99999999999994
    ['1,234.56', 123_456],
    [' 12 ', 1_200],
    ['１２３．４５', 12_345],
    ['0', 0],
    ['007.1', 710],
    ['90071992547409.91', 9_007_199_254_740_991],
  ])('%s yuan is %d fen', (text, fen) => {
    expect(parseYuan(text)).toEqual({ fen });
  });

  it.each([
    ['', 'YUAN_EMPTY'],
    ['  ', 'YUAN_EMPTY'],
    ['-1', 'YUAN_FORMAT'],
    ['1e3', 'YUAN_FORMAT'],
    ['abc', 'YUAN_FORMAT'],
    ['.5', 'YUAN_FORMAT'],
    ['1.2.3', 'YUAN_FORMAT'],
    ['1.005', 'YUAN_TOO_MANY_DECIMALS'],
    ['90071992547409.92', 'YUAN_TOO_LARGE'],
  ])('%j is refused with %s', (text, problem) => {
    expect(parseYuan(text)).toEqual({ problem });
  });

  it('formatYuan and parseYuan are inverse for every non-negative safe fen amount', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (fen) => {
        expect(parseYuan(formatYuan(fen))).toEqual({ fen });
      }),
    );
  });
});

describe('China time whatever the machine zone', () => {
  it('shows an instant as Asia/Shanghai wall clock', () => {
    expect(instantInChina('2026-11-29T16:30:00Z')).toBe('2026-11-30 00:30');
    expect(instantInChina('2026-11-29T09:05:00+08:00')).toBe('2026-11-29 09:05');
    expect(instantInChina(new Date(Date.UTC(2026, 0, 1, 0, 0)))).toBe('2026-01-01 08:00');
    expect(dateInChina(new Date('2026-11-29T16:30:00Z'))).toBe('2026-11-30');
  });

  it("agrees with Intl's Asia/Shanghai on every instant: the fixed UTC+8 from 1992, the zone's summer time before", () => {
    const zone = { timeZone: 'Asia/Shanghai', hourCycle: 'h23' } as const;
    const intlDate = new Intl.DateTimeFormat('en-CA', { ...zone, year: 'numeric', month: '2-digit', day: '2-digit' });
    const intlMinute = new Intl.DateTimeFormat('en-CA', { ...zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
    const intlInstant = (date: Date) => {
      const parts = Object.fromEntries(intlMinute.formatToParts(date).map((p) => [p.type, p.value]));
      return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
    };
    // The edges: summer time's last switch (1991-09-15), the fixed offset's first instant, midnight in China.
    const edges = ['1991-07-01T00:00:00Z', '1991-09-14T15:59:00Z', '1991-12-31T15:59:00Z', '1991-12-31T16:00:00Z', '2026-11-29T15:59:59.999Z', '2026-11-29T16:00:00Z'];
    for (const instant of edges.map((text) => new Date(text))) {
      expect(dateInChina(instant)).toBe(intlDate.format(instant));
      expect(instantInChina(instant)).toBe(intlInstant(instant));
    }
    fc.assert(
      fc.property(fc.date({ min: new Date('1980-01-01T00:00:00Z'), max: new Date('2200-01-01T00:00:00Z'), noInvalidDate: true }), (instant) => {
        expect(dateInChina(instant)).toBe(intlDate.format(instant));
        expect(instantInChina(instant)).toBe(intlInstant(instant));
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses what is not an instant', () => {
    expect(() => instantInChina('yesterday')).toThrow(RangeError);
  });
});
