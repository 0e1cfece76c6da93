import { httpRoute } from '../../shared/http/route.ts';
import { pagedBody } from '../../shared/http/pagination.ts';
import { listPayments } from '../../shared/api/requests/payout-reads.ts';
import { listBatchPayments } from '../../shared/usecases/payout-views.ts';

export const handler = httpRoute({
  ...listPayments,
  handle: async (request) => ({
    status: 200,
    body: await pagedBody(request, (startKey) => listBatchPayments(request.path.id, request.query, startKey)),
  }),
});
