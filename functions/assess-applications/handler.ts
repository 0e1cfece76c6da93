import { sqsWorker } from '../../shared/queue/sqs-worker.ts';
import { assessApplication } from '../../shared/usecases/application-workers.ts';
import { recordGaveUp } from '../../shared/usecases/work-failures.ts';
import { logger } from '../../shared/observability/logger.ts';

export const handler = sqsWorker('applicationAssessments', async ({ id }) => {
  const outcome = await assessApplication(id, new Date());
  logger.info('application assessment', { applicationId: id, outcome });
}, {
  onLastReceive: ({ id }, reason, count) => recordGaveUp('applications', { id }, reason, count),
});
