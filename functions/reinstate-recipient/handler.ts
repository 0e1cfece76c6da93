import { httpRoute } from '../../shared/http/route.ts';
import { idempotentPosts } from '../../shared/http/idempotency.ts';
import { reinstateRecipient } from '../../shared/api/requests/registry.ts';
import { changeStatus } from '../../shared/usecases/recipient-management.ts';

export const handler = httpRoute({
  ...reinstateRecipient,
  handle: async ({ body, actor }) => ({ status: 200, body: await changeStatus('REINSTATE', body, actor, new Date()) }),
}, idempotentPosts);
