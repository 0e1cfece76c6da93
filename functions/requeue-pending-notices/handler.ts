import { scheduledJob } from '../../shared/queue/scheduled-job.ts';
import { requeuePendingNotices } from '../../shared/usecases/hospital-notices.ts';

export const handler = scheduledJob(async () => ({ requeued: await requeuePendingNotices(new Date()) }));
