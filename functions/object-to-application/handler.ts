import { httpRoute } from '../../shared/http/route.ts';
import { idempotentPosts } from '../../shared/http/idempotency.ts';
import { objectToApplication } from '../../shared/api/requests/applications.ts';
import { object } from '../../shared/usecases/application-commands.ts';

export const handler = httpRoute({
  ...objectToApplication,
  handle: async ({ path, body, actor }) => ({ status: 201, body: await object(path.id, body.text, actor, new Date()) }),
}, idempotentPosts);
