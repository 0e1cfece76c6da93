import { describe, expect, it } from 'vitest';
import { endToEndId } from '../../../shared/domain/payouts/end-to-end-id.ts';
import {
  maxPaymentShards,
  paymentKey,
  paymentShardCount,
  paymentShardKeys,
  paymentShardOf,
  paymentsPerShard,
} from '../../../shared/domain/payouts/batch.ts';

describe('payment write shards', () => {
  it('keeps a small batch on one shard and gives a province batch 40', () => {
    expect(paymentShardCount(0)).toBe(1);
    expect(paymentShardCount(paymentsPerShard)).toBe(1);
    expect(paymentShardCount(paymentsPerShard + 1)).toBe(2);
    expect(paymentShardCount(100_000)).toBe(4);
    expect(paymentShardCount(1_000_000)).toBe(maxPaymentShards);
    expect(paymentShardCount(5_000_000)).toBe(maxPaymentShards);
  });

  it('puts a payment always under the same shard, and a batch without a count under shard 0', () => {
    const id = endToEndId({ batchId: 'pb_1', program: 'MONTHLY_BENEFIT', period: '2026-05', recipientId: 'r1' });
    expect(paymentKey({ batchId: 'pb_1' }, id)).toEqual({ batchShard: 'pb_1#0', endToEndId: id });
    const shard = paymentShardOf(id, 40);
    expect(paymentKey({ batchId: 'pb_1', paymentShards: 40 }, id)).toEqual({ batchShard: `pb_1#${shard}`, endToEndId: id });
    expect(paymentShardOf(id, 40)).toBe(shard);
    expect(paymentShardKeys({ batchId: 'pb_1', paymentShards: 3 })).toEqual(['pb_1#0', 'pb_1#1', 'pb_1#2']);
    expect(paymentShardKeys({ batchId: 'pb_1' })).toEqual(['pb_1#0']);
  });

  it('spreads a batch evenly: no shard of 40 holds more than 1.2 times its share of 100,000 payments', () => {
    const counts = new Array<number>(40).fill(0);
    for (let n = 0; n < 100_000; n++) {
      counts[paymentShardOf(endToEndId({ batchId: 'pb_spread', program: 'MONTHLY_BENEFIT', period: '2026-05', recipientId: `rcp_${n}` }), 40)]!++;
    }
    expect(Math.max(...counts)).toBeLessThan(1.2 * (100_000 / 40));
    expect(Math.min(...counts)).toBeGreaterThan(0.8 * (100_000 / 40));
  });
});
