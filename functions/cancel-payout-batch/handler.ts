import { httpRoute } from '../../shared/http/route.ts';
import { idempotentPosts } from '../../shared/http/idempotency.ts';
import { cancelPayoutBatch } from '../../shared/api/requests/payout-operator-actions.ts';
import { cancelBatch } from '../../shared/usecases/payout-operator-actions.ts';

export const handler = httpRoute({
  ...cancelPayoutBatch,
  handle: async ({ path, body, actor }) => ({ status: 200, body: await cancelBatch(path.id, actor, body.reason, new Date()) }),
}, idempotentPosts);
