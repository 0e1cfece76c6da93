import { httpRoute } from '../../shared/http/route.ts';
import { listPayments } from '../../shared/api/payouts.ts';
import { listBatchPayments } from '../../shared/usecases/payouts.ts';

export const handler = httpRoute({
  ...listPayments,
  handle: async ({ path, query }) => ({ status: 200, body: await listBatchPayments(path.id, query) }),
});
