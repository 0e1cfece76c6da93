// Every queue-triggered function: each record parsed with its schema and handled on its own;
// the failures are reported as batchItemFailures so only they are redelivered. A failure's cause
// is logged with the message id and receive count; on the queue's last allowed receive (its
// maxReceiveCount in the topology) `onLastReceive` writes the reason on the record before the
// message goes to the dead-letter queue.
import middy from '@middy/core';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import type { z } from 'zod';
import { queues, type QueueName } from '../topology.ts';
import { logger } from '../observability/logger.ts';

export interface WorkerOptions<M> {
  /** The queue the worker consumes (its maxReceiveCount says which receive is the last). */
  queue: QueueName;
  /** Called once, on the last allowed receive of a message whose handling threw. */
  onLastReceive?: (message: M, reason: string, receiveCount: number) => Promise<void>;
}

export function sqsWorker<S extends z.ZodType>(
  messageSchema: S,
  handle: (message: z.output<S>, record: SQSRecord, context: Context) => Promise<void>,
  options?: WorkerOptions<z.output<S>>,
) {
  const recordHandler = async (record: SQSRecord, context: Context) => {
    const receiveCount = Number(record.attributes?.ApproximateReceiveCount ?? '1');
    let message: z.output<S> | undefined;
    try {
      let body: unknown;
      try {
        body = JSON.parse(record.body);
      } catch {
        throw new Error(`message ${record.messageId} is not JSON`);
      }
      message = messageSchema.parse(body);
      await handle(message, record, context);
    } catch (error) {
      const maxReceiveCount = options ? queues[options.queue].maxReceiveCount : undefined;
      const last = maxReceiveCount !== undefined && receiveCount >= maxReceiveCount;
      logger.error('message failed', { messageId: record.messageId, receiveCount, maxReceiveCount, lastReceive: last, error: error as Error });
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
