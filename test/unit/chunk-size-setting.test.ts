import { afterEach, describe, expect, it } from 'vitest';
import { chunkSizeSetting } from '../../shared/adapters/resources.ts';
import { paymentsPerChunk } from '../../shared/domain/payouts/batch.ts';

describe('payments per chunk (TUODI_PAYMENTS_PER_CHUNK)', () => {
  afterEach(() => {
    delete process.env.TUODI_PAYMENTS_PER_CHUNK;
  });

  it('is the deployed 500 unless a local stack sets a smaller one', () => {
    expect(chunkSizeSetting()).toBe(paymentsPerChunk);
    process.env.TUODI_PAYMENTS_PER_CHUNK = '50';
    expect(chunkSizeSetting()).toBe(50);
  });

  it.each(['0', '-5', '2.5', '501', 'fifty'])('refuses %s rather than pay in chunks nobody chose', (value) => {
    process.env.TUODI_PAYMENTS_PER_CHUNK = value;
    expect(() => chunkSizeSetting()).toThrow(/TUODI_PAYMENTS_PER_CHUNK must be an integer from 1 to 500/);
  });
});
