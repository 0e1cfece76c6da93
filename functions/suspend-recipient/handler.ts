import { httpRoute } from '../../shared/http/route.ts';
import { idempotentPosts } from '../../shared/http/idempotency.ts';
import { suspendRecipient } from '../../shared/api/requests/registry.ts';
import { changeStatus } from '../../shared/usecases/recipient-management.ts';

export const handler = httpRoute({
  ...suspendRecipient,
  handle: async ({ body, actor }) => ({ status: 200, body: await changeStatus('SUSPEND', body, actor, new Date()) }),
}, idempotentPosts);
