// Every queue-triggered function: each record parsed with its queue's schema (shared/queue/messages.ts)
// and handled on its own; a malformed message fails its record with an error naming the field;
// the failures are reported as batchItemFailures so only they are redelivered. A failure's cause
// is logged with the message id and receive count; on the queue's last allowed receive (its
// maxReceiveCount in the topology) `onLastReceive` writes the reason on the record before the
// message goes to the dead-letter queue.
import middy from '@middy/core';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { queues, type QueueName } from '../topology.ts';
import { parseQueueMessage, type QueueMessage } from './messages.ts';
import { logger } from '../observability/logger.ts';

export interface WorkerOptions<M> {
  /** Called once, on the last allowed receive of a message whose handling threw. */
  onLastReceive?: (message: M, reason: string, receiveCount: number) => Promise<void>;
  /**
   * Called on an earlier receive whose handling threw (not a superseded receive): e.g. to make the
   * message visible again in seconds instead of after the queue's visibility timeout (the record
   * is then reported failed as usual). Its own failure is logged, never thrown: the message then
   * returns after the visibility timeout, as without it.
   */
  onEarlierReceiveFailed?: (record: SQSRecord, error: unknown, receiveCount: number) => Promise<void>;
}

/** A handler for `queue`'s messages; the queue's maxReceiveCount says which receive is the last. */
export function sqsWorker<Q extends QueueName>(
  queue: Q,
  handle: (message: QueueMessage<Q>, record: SQSRecord, context: Context) => Promise<void>,
  options?: WorkerOptions<QueueMessage<Q>>,
) {
  const maxReceiveCount = queues[queue].maxReceiveCount;
  const recordHandler = async (record: SQSRecord, context: Context) => {
    const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? '1');
    let message: QueueMessage<Q> | undefined;
    try {
      let body: unknown;
      try {
        body = JSON.parse(record.body);
      } catch {
        throw new Error(`message ${record.messageId} is not JSON`);
      }
      message = parseQueueMessage(queue, body);
      await handle(message, record, context);
    } catch (error) {
      const last = receiveCount >= maxReceiveCount;
      if ((error as Error).name === 'SupersededReceiveError') {
        // Not a fault: a later receive of this message holds the work (shared/adapters/lease.ts).
        logger.warn('message left to its later receive', { queue, messageId: record.messageId, receiveCount, reason: (error as Error).message });
        throw error;
      }
      logger.error('message failed', { queue, messageId: record.messageId, receiveCount, maxReceiveCount, lastReceive: last, error: error as Error });
      if (!last && options?.onEarlierReceiveFailed) {
        await options.onEarlierReceiveFailed(record, error, receiveCount).catch((retryError: unknown) =>
          logger.warn('the failed message keeps its visibility timeout', { queue, messageId: record.messageId, error: retryError as Error }),
        );
      }
      if (last && message !== undefined && options?.onLastReceive) {
        const reason = error instanceof Error ? error.message : String(error);
        await options.onLastReceive(message, reason, receiveCount).catch((recordError: unknown) =>
          logger.error('the reason could not be written on the record', { messageId: record.messageId, error: recordError as Error }),
        );
      }
      throw error;
    }
  };
  // A processor per invocation: it holds the batch's records and failures, and the local runtime
  // (like Lambda Managed Instances) runs one function's invocations side by side in one process.
  return middy(async (event: SQSEvent, context: Context) =>
    processPartialResponse(event, (record: SQSRecord) => recordHandler(record, context), new BatchProcessor(EventType.SQS), {
      context,
    }),
  ).use(injectLambdaContext(logger));
}
