import { httpRoute } from '../../shared/http/route.ts';
import { idempotentPosts } from '../../shared/http/idempotency.ts';
import { postPreSettlement } from '../../shared/api/requests/hospital-notices.ts';
import { preSettle } from '../../shared/usecases/hospital-notices.ts';

export const handler = httpRoute({
  ...postPreSettlement,
  handle: async ({ body, actor }) => ({ status: 200, body: await preSettle(body, actor, new Date()) }),
}, idempotentPosts);
