import { httpRoute } from '../../shared/http/route.ts';
import { idempotentPosts } from '../../shared/http/idempotency.ts';
import { decideApplication } from '../../shared/api/requests/applications.ts';
import { decide } from '../../shared/usecases/application-commands.ts';

export const handler = httpRoute({
  ...decideApplication,
  handle: async ({ path, body, actor }) => ({ status: 200, body: await decide(path.id, body, actor, new Date()) }),
}, idempotentPosts);
