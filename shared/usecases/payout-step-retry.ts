// A payout step (a planning segment, a chunk) whose receive failed on a transient DynamoDB fault
// comes back in seconds, not after its queue's visibility timeout (15 minutes for the planner's
// queue, 12 for the chunks'), which stranded segments and stalled bench:payouts at 100,000. The
// step is safe to run again at once: its writes are conditional and leased, a failed worker gave
// its lease back, and a redelivery pays no one twice (claims, PLANNED -> RECORDED conditions).
import type { SQSRecord } from 'aws-lambda';
import type { QueueName } from '../topology.ts';
import { isTransientCancellation, isTransientFault } from '../adapters/dynamo-faults.ts';
import { visibleAgainIn } from '../adapters/queue.ts';

/** Seconds until a step that failed on its `receiveCount`-th receive is received again: 5, 10, 20 … at most 60. */
export const transientRetrySeconds = (receiveCount: number): number => Math.min(60, 5 * 2 ** Math.max(0, receiveCount - 1));

/**
 * sqsWorker's onEarlierReceiveFailed for `queue`: a transient fault (dynamo-faults.ts) makes the
 * message visible again after transientRetrySeconds; any other failure keeps the visibility
 * timeout (it is no likelier to pass a moment later). Its receives still count toward the queue's
 * maxReceiveCount, so a fault that persists ends in the dead-letter queue and a FAILED batch.
 */
export const retrySoonOnTransientFault =
  (queue: QueueName) =>
  async (record: SQSRecord, error: unknown, receiveCount: number): Promise<void> => {
    if (!isTransientFault(error) && !isTransientCancellation(error)) return;
    await visibleAgainIn(queue, record.receiptHandle, transientRetrySeconds(receiveCount));
  };
