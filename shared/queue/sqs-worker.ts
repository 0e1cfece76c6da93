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
  return middy(async (event: SQSEvent, context: Context) =>
    processPartialResponse(event, recordHandler, processor, { context }),
  ).use(injectLambdaContext(logger));
}
