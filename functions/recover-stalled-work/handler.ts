import { scheduledJob } from '../../shared/queue/scheduled-job.ts';
import { recoverStalledWork } from '../../shared/usecases/recovery.ts';

// TUODI_RECOVERY_STALE_SECONDS: a local stack with short visibility timeouts sets it to match.
const staleSeconds = Number(process.env.TUODI_RECOVERY_STALE_SECONDS);

export const handler = scheduledJob(async () =>
  recoverStalledWork(new Date(), Number.isFinite(staleSeconds) && staleSeconds > 0 ? { staleAfterMs: staleSeconds * 1000 } : {}),
);
