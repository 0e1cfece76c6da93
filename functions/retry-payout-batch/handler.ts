import { httpRoute } from '../../shared/http/route.ts';
import { idempotentPosts } from '../../shared/http/idempotency.ts';
import { retryPayoutBatch } from '../../shared/api/requests/payout-operator-actions.ts';
import { retryBatch } from '../../shared/usecases/payout-operator-actions.ts';

export const handler = httpRoute({
  ...retryPayoutBatch,
  handle: async ({ path, body, actor }) => ({ status: 200, body: await retryBatch(path.id, actor, body, new Date()) }),
}, idempotentPosts);
