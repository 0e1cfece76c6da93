import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  END_TO_END_ID_MAX_LENGTH,
  END_TO_END_ID_PATTERN,
  endToEndId,
  programInitials,
  type EndToEndIdInput,
} from '../../../shared/domain/payouts/end-to-end-id.ts';

const programs = ['PRICE_SUBSIDY', 'ONE_TIME_LIVING', 'MONTHLY_BENEFIT', 'ONE_OFF_GRANTS'] as const;

const period = fc
  .tuple(fc.integer({ min: 1900, max: 9999 }), fc.integer({ min: 1, max: 12 }))
  .map(([y, m]) => `${y}-${String(m).padStart(2, '0')}`);

const input: fc.Arbitrary<EndToEndIdInput> = fc.record({
  batchId: fc.string({ minLength: 1, unit: 'binary' }),
  program: fc.oneof(fc.constantFrom(...programs), fc.string({ minLength: 1, unit: 'binary' })),
  period,
  recipientId: fc.string({ minLength: 1, unit: 'binary' }),
});

describe('endToEndId', () => {
  it('is pinned: the derivation must never change for existing payments', () => {
    // Computed independently (Python hashlib + base64.b32encode of the same JSON tuple).
    expect(
      endToEndId({ batchId: 'batch-2022-11-0001', program: 'MONTHLY_BENEFIT', period: '2022-11', recipientId: 'rec-000042' }),
    ).toBe('MB202211-S4RH5I5OOEJKUP7HDUQSAAH5');
  });

  it('is ISO 20022 Max35Text of [A-Z0-9-] with a readable program+period prefix', () => {
    fc.assert(
      fc.property(input, (i) => {
        const id = endToEndId(i);
        expect(id.length).toBeLessThanOrEqual(END_TO_END_ID_MAX_LENGTH);
        expect(id).toMatch(END_TO_END_ID_PATTERN);
        expect(id).toMatch(/^[A-Za-z0-9-]+$/);
        expect(id.startsWith(`${programInitials(i.program)}${i.period.replace('-', '')}-`)).toBe(true);
        expect(id).toMatch(/-[A-Z2-7]{24}$/);
      }),
    );
  });

  it('is deterministic: the same inputs give the same id, whatever else was computed in between', () => {
    fc.assert(
      fc.property(input, input, (a, b) => {
        const first = endToEndId(a);
        endToEndId(b);
        expect(endToEndId({ ...a })).toBe(first);
      }),
    );
  });

  it('changes when any one input changes', () => {
    const fields = ['batchId', 'program', 'period', 'recipientId'] as const;
    fc.assert(
      fc.property(input, input, fc.constantFrom(...fields), (a, b, field) => {
        fc.pre(a[field] !== b[field]);
        expect(endToEndId({ ...a, [field]: b[field] })).not.toBe(endToEndId(a));
      }),
    );
  });

  it('does not confuse inputs whose concatenation is the same', () => {
    const base = { program: 'MONTHLY_BENEFIT', period: '2022-11' };
    expect(endToEndId({ ...base, batchId: 'x', recipientId: 'y,z' })).not.toBe(
      endToEndId({ ...base, batchId: 'x,y', recipientId: 'z' }),
    );
    expect(endToEndId({ ...base, batchId: 'ab', recipientId: 'c' })).not.toBe(
      endToEndId({ ...base, batchId: 'a', recipientId: 'bc' }),
    );
  });

  it('uses the initials of the program', () => {
    expect(programs.map(programInitials)).toEqual(['PS', 'OTL', 'MB', 'OOG']);
    expect(programInitials('a_b_c_d_e_f')).toBe('ABCD');
    expect(programInitials('临时救助')).toBe('X');
  });

  it('refuses a period that is not YYYY-MM and empty ids', () => {
    const ok = { batchId: 'b', program: 'MONTHLY_BENEFIT', period: '2022-11', recipientId: 'r' };
    for (const bad of ['2022-13', '2022-1', '202211', '2022-11-01', '']) {
      expect(() => endToEndId({ ...ok, period: bad })).toThrow(RangeError);
    }
    expect(() => endToEndId({ ...ok, batchId: '' })).toThrow(TypeError);
    expect(() => endToEndId({ ...ok, recipientId: '' })).toThrow(TypeError);
    expect(() => endToEndId({ ...ok, program: '' })).toThrow(TypeError);
  });
});
