// A payout step that failed on a transient fault is received again in seconds; others keep the visibility timeout.
import { describe, expect, it, vi } from 'vitest';
import type { SQSRecord } from 'aws-lambda';

const changed: Array<{ queue: string; receiptHandle: string; seconds: number }> = [];
vi.mock('../../../shared/adapters/queue.ts', () => ({
  visibleAgainIn: async (queue: string, receiptHandle: string, seconds: number) => void changed.push({ queue, receiptHandle, seconds }),
}));
const { retrySoonOnTransientFault, transientRetrySeconds } = await import('../../../shared/usecases/payout-step-retry.ts');

const record = { messageId: 'm', receiptHandle: 'rh-1' } as SQSRecord;
const lockTimeout = Object.assign(new Error('This action timed out because it too long waiting for a lock'), { name: 'InternalServerError', $metadata: { httpStatusCode: 500, attempts: 1 } });

describe('retrySoonOnTransientFault', () => {
  it('makes a segment that met a lock timeout visible again after 5 s, then 10 s', async () => {
    await retrySoonOnTransientFault('payoutPlans')(record, lockTimeout, 1);
    await retrySoonOnTransientFault('payoutChunks')(record, lockTimeout, 2);
    expect(changed.splice(0)).toEqual([
      { queue: 'payoutPlans', receiptHandle: 'rh-1', seconds: 5 },
      { queue: 'payoutChunks', receiptHandle: 'rh-1', seconds: 10 },
    ]);
  });

  it('leaves any other failure to the visibility timeout', async () => {
    await retrySoonOnTransientFault('payoutPlans')(record, new Error('chunk 3 of pb_1: 499 payments found, 500 planned'), 1);
    await retrySoonOnTransientFault('payoutPlans')(record, Object.assign(new Error('x'), { name: 'ConditionalCheckFailedException' }), 1);
    expect(changed).toEqual([]);
  });

  it('never waits more than a minute', () => {
    expect([1, 2, 3, 4, 5, 9].map(transientRetrySeconds)).toEqual([5, 10, 20, 40, 60, 60]);
  });
});
