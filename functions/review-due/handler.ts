import { dateInChina } from '../../shared/domain/clock.ts';
import { scheduledJob } from '../../shared/queue/scheduled-job.ts';
import { openDueReviews } from '../../shared/usecases/recipient-management.ts';

export const handler = scheduledJob(async (asOf) => {
  const now = new Date();
  return openDueReviews(asOf ?? dateInChina(now), now);
});
