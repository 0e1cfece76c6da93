import { httpRoute } from '../../shared/http/route.ts';
import { pageBinding } from '../../shared/http/pagination.ts';
import { listPayments } from '../../shared/api/payouts.ts';
import { listBatchPayments } from '../../shared/usecases/payouts.ts';

export const handler = httpRoute({
  ...listPayments,
  handle: async (request) => ({
    status: 200,
    body: await listBatchPayments(request.path.id, request.query, pageBinding(request)),
  }),
});
