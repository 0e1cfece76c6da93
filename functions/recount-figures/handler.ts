// Recounts the year of asOf (China time today by default) from the source records, with code
// independent of the stream-maintained counters, and reports every difference.
import { dateInChina } from '../../shared/domain/clock.ts';
import { logger } from '../../shared/observability/logger.ts';
import { scheduledJob } from '../../shared/queue/scheduled-job.ts';
import { recountYear } from '../../shared/usecases/figures.ts';

export const handler = scheduledJob(async (asOf) => {
  const now = new Date();
  const result = await recountYear((asOf ?? dateInChina(now)).slice(0, 4), now);
  for (const difference of result.differences) logger.warn('figures differ from the recount', { difference });
  return result;
});
