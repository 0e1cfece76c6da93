import { httpRoute } from '../../shared/http/route.ts';
import { idempotentPosts } from '../../shared/http/idempotency.ts';
import { requestPayeeChange } from '../../shared/api/requests/registry.ts';
import { requestPayeeChange as request } from '../../shared/usecases/recipient-management.ts';

export const handler = httpRoute({
  ...requestPayeeChange,
  handle: async ({ body, actor }) => ({ status: 201, body: await request(body, actor, new Date()) }),
}, idempotentPosts);
