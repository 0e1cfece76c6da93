import { scheduledJob } from '../../shared/queue/scheduled-job.ts';
import { recoverStalledWork } from '../../shared/usecases/recovery.ts';
import { countRedrives } from '../../shared/observability/metrics.ts';

// Staleness and leases follow the function timeouts (a local stack may shorten both with
// TUODI_LOCAL_RECOVERY_SECONDS: shared/usecases/recovery.ts).
export const handler = scheduledJob(async () => countRedrives(await recoverStalledWork(new Date())));
