import { httpRoute } from '../../shared/http/route.ts';
import { pageBinding } from '../../shared/http/pagination.ts';
import { listPayoutReturns } from '../../shared/api/payouts.ts';
import { listBatchReturns } from '../../shared/usecases/payouts.ts';

export const handler = httpRoute({
  ...listPayoutReturns,
  handle: async (request) => ({ status: 200, body: await listBatchReturns(request.path.id, request.query, pageBinding(request)) }),
});
