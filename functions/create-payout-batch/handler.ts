import { httpRoute } from '../../shared/http/route.ts';
import { idempotentPosts } from '../../shared/http/idempotency.ts';
import { createPayoutBatch } from '../../shared/api/requests/payouts.ts';
import { createBatch } from '../../shared/usecases/payout-commands.ts';

export const handler = httpRoute({
  ...createPayoutBatch,
  handle: async ({ body, actor }) => ({ status: 201, body: await createBatch(body, actor, new Date()) }),
}, idempotentPosts);
