import { dateInChina } from '../../shared/domain/clock.ts';
import { scheduledJob } from '../../shared/queue/scheduled-job.ts';
import { enrollDue } from '../../shared/usecases/application-workers.ts';

export const handler = scheduledJob(async (asOf) => {
  const now = new Date();
  return enrollDue(asOf ?? dateInChina(now), now);
});
