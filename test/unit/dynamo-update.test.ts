// The one update-expression builder (issue 13, part 3): counters go through `add` (DynamoDB ADD),
// beside SET and REMOVE, with placeholders of their own so a condition's names never collide.
import { describe, expect, it } from 'vitest';
import { updateParams } from '../../shared/adapters/dynamo-update.ts';

describe('updateParams', () => {
  it('adds to counters with ADD beside SET and REMOVE, each under its own placeholders', () => {
    const params = updateParams('figures', { pk: 'stock', sk: '2026-11#s3' }, {
      set: { updatedAt: '2026-11-30T08:00:00.000Z' },
      add: { recipients: 2, amountFen: -500, unchanged: undefined as unknown as number },
      remove: ['stale'],
      condition: { expression: 'attribute_not_exists(used) OR used < :limit', values: { ':limit': 10 } },
    });
    expect(params.UpdateExpression).toBe('SET #s0 = :s0 ADD #d0 :d0, #d1 :d1 REMOVE #r0');
    expect(params.ExpressionAttributeNames).toEqual({ '#s0': 'updatedAt', '#d0': 'recipients', '#d1': 'amountFen', '#r0': 'stale' });
    expect(params.ExpressionAttributeValues).toEqual({ ':limit': 10, ':s0': '2026-11-30T08:00:00.000Z', ':d0': 2, ':d1': -500 });
    expect(params.ConditionExpression).toBe('(attribute_not_exists(used) OR used < :limit)');
  });

  it('writes an ADD alone for a counter-only update', () => {
    const params = updateParams('hospitalNotices', { id: 'rate_h1_2026-11-30T08:00' }, { add: { used: 1 } });
    expect(params.UpdateExpression).toBe('ADD #d0 :d0');
    expect(params.ExpressionAttributeValues).toEqual({ ':d0': 1 });
  });
});
