import { httpRoute } from '../../shared/http/route.ts';
import { idempotentPosts } from '../../shared/http/idempotency.ts';
import { fileMonthlyReport } from '../../shared/api/requests/reports.ts';
import { fileMonthlyReport as fileReport } from '../../shared/usecases/figures.ts';

export const handler = httpRoute({
  ...fileMonthlyReport,
  handle: async ({ path, body, actor }) => ({ status: 201, body: await fileReport(path.month, actor.sub, body.reason, new Date()) }),
}, idempotentPosts);
