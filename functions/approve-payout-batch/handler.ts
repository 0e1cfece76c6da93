import { httpRoute } from '../../shared/http/route.ts';
import { idempotentPosts } from '../../shared/http/idempotency.ts';
import { approvePayoutBatch } from '../../shared/api/requests/payouts.ts';
import { approveBatch } from '../../shared/usecases/payout-commands.ts';

export const handler = httpRoute({
  ...approvePayoutBatch,
  handle: async ({ path, actor }) => ({ status: 202, body: await approveBatch(path.id, actor, new Date()) }),
}, idempotentPosts);
