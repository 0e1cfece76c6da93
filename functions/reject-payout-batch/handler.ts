import { httpRoute } from '../../shared/http/route.ts';
import { idempotentPosts } from '../../shared/http/idempotency.ts';
import { rejectPayoutBatch } from '../../shared/api/requests/payout-operator-actions.ts';
import { rejectBatch } from '../../shared/usecases/payout-operator-actions.ts';

export const handler = httpRoute({
  ...rejectPayoutBatch,
  handle: async ({ path, body, actor }) => ({ status: 200, body: await rejectBatch(path.id, actor, body.reason, new Date()) }),
}, idempotentPosts);
