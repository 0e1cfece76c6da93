import { describe, expect, it } from 'vitest';
import { standingAt } from '../../shared/domain/registry-history.ts';
import type { Recipient } from '../../shared/domain/registry.ts';

const base: Recipient = {
  idNumber: '11010519491231002X',
  recipientId: 'r1',
  householdId: 'HH-1',
  name: '王婧',
  category: 'DIBAO',
  township: '真州镇',
  monthlyBenefitFen: 90000,
  since: '2026-03-01',
  status: 'ACTIVE',
  history: [{ at: '2026-03-02T02:00:00.000Z', by: 'r', action: 'IMPORTED', reason: 'import', status: 'ACTIVE', category: 'DIBAO', since: '2026-03-01' }],
};
const at = (instant: string) => new Date(instant);

describe('a recipient standing on the date of service', () => {
  it('is nobody before the enrolment date, and active from its first minute (China time)', () => {
    expect(standingAt(base, at('2025-12-01T09:00:00+08:00'))).toBeUndefined();
    expect(standingAt(base, at('2026-02-28T23:59:00+08:00'))).toBeUndefined();
    expect(standingAt(base, at('2026-03-01T00:00:00+08:00'))).toEqual({ status: 'ACTIVE', category: 'DIBAO', since: '2026-03-01' });
  });

  it('follows suspensions, reinstatements and a termination at the instants they were recorded', () => {
    const r: Recipient = {
      ...base,
      status: 'TERMINATED',
      history: [
        ...base.history,
        { at: '2026-05-01T02:00:00.000Z', by: 'r', action: 'SUSPENDED', reason: 'check', status: 'SUSPENDED' },
        { at: '2026-06-01T02:00:00.000Z', by: 'r', action: 'REINSTATED', reason: 'ok', status: 'ACTIVE' },
        { at: '2026-11-29T02:00:00.000Z', by: 'r', action: 'TERMINATED', reason: 'income' },
      ],
    };
    expect(standingAt(r, at('2026-04-30T12:00:00+08:00'))?.status).toBe('ACTIVE');
    expect(standingAt(r, at('2026-05-15T12:00:00+08:00'))?.status).toBe('SUSPENDED');
    expect(standingAt(r, at('2026-07-01T12:00:00+08:00'))?.status).toBe('ACTIVE');
    // Terminated today: still active on a past admission date.
    expect(standingAt(r, at('2026-11-20T09:00:00+08:00'))).toMatchObject({ status: 'ACTIVE', category: 'DIBAO' });
    expect(standingAt(r, at('2026-11-29T12:00:00+08:00'))?.status).toBe('TERMINATED');
  });

  it('uses the category of the enrolment in force: a re-enrolment in another category counts from its own date', () => {
    const r: Recipient = {
      ...base,
      category: 'MARGINAL',
      since: '2026-09-01',
      history: [
        ...base.history,
        { at: '2026-07-01T02:00:00.000Z', by: 'r', action: 'TERMINATED', reason: 'income', status: 'TERMINATED' },
        { at: '2026-09-01T02:00:00.000Z', by: 'j', action: 'ENROLLED', reason: 'app', status: 'ACTIVE', category: 'MARGINAL', since: '2026-09-01' },
      ],
    };
    expect(standingAt(r, at('2026-04-01T12:00:00+08:00'))).toMatchObject({ status: 'ACTIVE', category: 'DIBAO' });
    expect(standingAt(r, at('2026-08-01T12:00:00+08:00'))).toMatchObject({ status: 'TERMINATED' });
    expect(standingAt(r, at('2026-10-01T12:00:00+08:00'))).toMatchObject({ status: 'ACTIVE', category: 'MARGINAL' });
  });

  it('treats a status changed without a history entry (older data) as holding throughout', () => {
    expect(standingAt({ ...base, status: 'SUSPENDED' }, at('2026-04-01T12:00:00+08:00'))).toBeUndefined();
  });

  it('reads records written before entries carried status and category', () => {
    const legacy: Recipient = { ...base, history: [{ at: '2026-03-02T02:00:00.000Z', by: 'r', action: 'IMPORTED', reason: 'import' }] };
    expect(standingAt(legacy, at('2026-04-01T12:00:00+08:00'))).toEqual({ status: 'ACTIVE', category: 'DIBAO', since: '2026-03-01' });
    expect(standingAt({ ...base, history: [] }, at('2026-04-01T12:00:00+08:00'))?.category).toBe('DIBAO');
  });
});
