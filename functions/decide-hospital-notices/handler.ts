import { sqsWorker } from '../../shared/queue/sqs-worker.ts';
import { decideNotice } from '../../shared/usecases/hospital-notices.ts';
import { decideReadsTogether } from '../../shared/adapters/notice-reads-together.ts';
import { recordGaveUp } from '../../shared/usecases/work-failures.ts';
import { logger } from '../../shared/observability/logger.ts';

export const handler = sqsWorker('hospitalNotices', async ({ id }) => {
  const outcome = await decideNotice(id, new Date(), decideReadsTogether);
  logger.info('hospital notice decided', { noticeId: id, outcome });
}, {
  onLastReceive: ({ id }, reason, count) => recordGaveUp('hospitalNotices', { id }, reason, count),
});
