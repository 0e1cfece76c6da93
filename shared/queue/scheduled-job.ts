// Every scheduled job: EventBridge (or `npm run job`) passes { job, asOf? }; asOf stands for today.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import * as z from 'zod';
import { logger } from '../observability/logger.ts';

const jobEventSchema = z.object({ job: z.string(), asOf: z.iso.date().optional() });

export function scheduledJob<R>(run: (asOf: string | undefined) => Promise<R>) {
  return middy(async (event: unknown) => {
    const { job, asOf } = jobEventSchema.parse(event);
    const result = await run(asOf);
    logger.info('scheduled job finished', { job, asOf, result: result as Record<string, unknown> });
    return result;
  }).use(injectLambdaContext(logger));
}
