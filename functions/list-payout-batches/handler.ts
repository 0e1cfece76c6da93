import { httpRoute } from '../../shared/http/route.ts';
import { pageBinding } from '../../shared/http/pagination.ts';
import { listPayoutBatches } from '../../shared/api/payouts.ts';
import { listBatches } from '../../shared/usecases/payouts.ts';

export const handler = httpRoute({
  ...listPayoutBatches,
  handle: async (request) => ({ status: 200, body: await listBatches(request.query, pageBinding(request)) }),
});
