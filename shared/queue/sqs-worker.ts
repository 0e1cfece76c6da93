// Every queue-triggered function: each record parsed with its schema and handled on its own;
// the failures are reported as batchItemFailures so only they are redelivered.
import middy from '@middy/core';
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import type { z } from 'zod';
import { logger } from '../observability/logger.ts';

export function sqsWorker<S extends z.ZodType>(messageSchema: S, handle: (message: z.output<S>, record: SQSRecord) => Promise<void>) {
  const processor = new BatchProcessor(EventType.SQS);
  const recordHandler = async (record: SQSRecord) => {
    let body: unknown;
    try {
      body = JSON.parse(record.body);
    } catch {
      throw new Error(`message ${record.messageId} is not JSON`);
    }
    await handle(messageSchema.parse(body), record);
  };
  // A failed record's cause is logged here, or nowhere: the batch response carries only its id.
  const loggedRecordHandler = async (record: SQSRecord) => {
    try {
      await recordHandler(record);
    } catch (error) {
      logger.error('record failed', {
        messageId: record.messageId,
        receiveCount: Number(record.attributes.ApproximateReceiveCount),
        error: error as Error,
      });
      throw error;
    }
  };
  return middy(async (event: SQSEvent, context: Context) =>
    processPartialResponse(event, loggedRecordHandler, processor, { context }),
  ).use(injectLambdaContext(logger));
}
