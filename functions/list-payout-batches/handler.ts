import { httpRoute } from '../../shared/http/route.ts';
import { pagedBody } from '../../shared/http/pagination.ts';
import { listPayoutBatches } from '../../shared/api/requests/payout-reads.ts';
import { listBatches } from '../../shared/usecases/payout-views.ts';

export const handler = httpRoute({
  ...listPayoutBatches,
  handle: async (request) => ({ status: 200, body: await pagedBody(request, (startKey) => listBatches(request.query, startKey)) }),
});
