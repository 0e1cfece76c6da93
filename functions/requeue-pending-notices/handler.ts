import { scheduledJob } from '../../shared/queue/scheduled-job.ts';
import { requeuePendingNotices } from '../../shared/usecases/hospital-notices.ts';
import { countBusinessEvent } from '../../shared/observability/metrics.ts';

export const handler = scheduledJob(async () => {
  const requeued = await requeuePendingNotices(new Date());
  countBusinessEvent('SweepRedrives', 'hospitalNotices', requeued);
  return { requeued };
});
