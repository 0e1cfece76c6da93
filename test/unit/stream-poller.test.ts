// The local stream poller's parallelization factor: batches split by item, as Lambda keeps order
// per partition key; the figures consumer depends on one item's records arriving in order.
import { describe, expect, it } from 'vitest';
import type { DynamoDBRecord } from 'aws-lambda';
import { splitByItem } from '../../local/stream-poller.ts';

const record = (item: number, seq: number): DynamoDBRecord => ({
  eventName: 'MODIFY',
  dynamodb: { Keys: { batchId: { S: 'pb_1' }, endToEndId: { S: `E${item}` } }, SequenceNumber: String(seq).padStart(21, '0') },
});

describe('splitByItem', () => {
  it("puts all of one item's records in one batch, in their order, and loses none", () => {
    const records = Array.from({ length: 400 }, (_, seq) => record(seq % 37, seq));
    const batches = splitByItem(records, 4);
    expect(batches.length).toBeGreaterThan(1);
    expect(batches.length).toBeLessThanOrEqual(4);
    expect(batches.flat().map((r) => r.dynamodb!.SequenceNumber).sort()).toEqual(records.map((r) => r.dynamodb!.SequenceNumber).sort());
    for (let item = 0; item < 37; item++) {
      const holding = batches.filter((b) => b.some((r) => r.dynamodb!.Keys!.endToEndId!.S === `E${item}`));
      expect(holding).toHaveLength(1);
      const seqs = holding[0]!.filter((r) => r.dynamodb!.Keys!.endToEndId!.S === `E${item}`).map((r) => Number(r.dynamodb!.SequenceNumber));
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    }
  });

  it('keeps a batch whole with a factor of 1', () => {
    const records = Array.from({ length: 10 }, (_, seq) => record(seq, seq));
    expect(splitByItem(records, 1)).toEqual([records]);
  });
});
