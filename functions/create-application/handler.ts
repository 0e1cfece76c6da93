import { httpRoute } from '../../shared/http/route.ts';
import { idempotentPosts } from '../../shared/http/idempotency.ts';
import { createApplication } from '../../shared/api/requests/applications.ts';
import { fileApplication } from '../../shared/usecases/application-commands.ts';

export const handler = httpRoute({
  ...createApplication,
  handle: async ({ body, actor }) => ({ status: 201, body: await fileApplication(body, actor, new Date()) }),
}, idempotentPosts);
