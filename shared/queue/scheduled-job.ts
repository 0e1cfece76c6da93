// Every scheduled job: EventBridge (or `npm run job`) passes { job, asOf? }; asOf stands for today.
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import * as z from '../zod-mini.ts';
import { logger } from '../observability/logger.ts';

import { dateInChina } from '../domain/clock.ts';
import { asOfProblem } from '../domain/values.ts';

/** `asOf` within the one plausible window for a job's date (shared/domain/values.ts). */
const jobEventSchema = z.object({
  job: z.string(),
  asOf: z.optional(
    z.string().check(
      z.superRefine((asOf, ctx) => {
        const problem = asOfProblem(asOf, dateInChina(new Date()));
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    ),
  ),
});

export function scheduledJob<R>(run: (asOf: string | undefined) => Promise<R>) {
  return middy(async (event: unknown) => {
    const { job, asOf } = jobEventSchema.parse(event);
    const result = await run(asOf);
    logger.info('scheduled job finished', { job, asOf, result: result as Record<string, unknown> });
    return result;
  }).use(injectLambdaContext(logger));
}
