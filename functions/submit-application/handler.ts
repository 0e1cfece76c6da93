import { httpRoute } from '../../shared/http/route.ts';
import { idempotentPosts } from '../../shared/http/idempotency.ts';
import { submitApplication } from '../../shared/api/requests/applications.ts';
import { submit } from '../../shared/usecases/application-commands.ts';

export const handler = httpRoute({
  ...submitApplication,
  handle: async ({ path, actor }) => ({ status: 202, body: await submit(path.id, actor, new Date()) }),
}, idempotentPosts);
