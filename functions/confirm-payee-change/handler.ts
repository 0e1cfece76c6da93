import { httpRoute } from '../../shared/http/route.ts';
import { idempotentPosts } from '../../shared/http/idempotency.ts';
import { confirmPayeeChange } from '../../shared/api/requests/registry.ts';
import { confirmPayeeChange as confirm } from '../../shared/usecases/recipient-management.ts';

export const handler = httpRoute({
  ...confirmPayeeChange,
  handle: async ({ body, actor }) => ({ status: 200, body: await confirm(body, actor, new Date()) }),
}, idempotentPosts);
