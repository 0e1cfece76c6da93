import { httpRoute } from '../../shared/http/route.ts';
import { getPayoutBatch } from '../../shared/api/requests/payout-reads.ts';
import { viewBatch } from '../../shared/usecases/payout-views.ts';

export const handler = httpRoute({
  ...getPayoutBatch,
  handle: async ({ path }) => ({ status: 200, body: await viewBatch(path.id) }),
});
