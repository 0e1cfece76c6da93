import { httpRoute } from '../../shared/http/route.ts';
import { idempotentPosts } from '../../shared/http/idempotency.ts';
import { addApplicationDocument } from '../../shared/api/requests/applications.ts';
import { addDocument } from '../../shared/usecases/application-commands.ts';

export const handler = httpRoute({
  ...addApplicationDocument,
  handle: async ({ path, body, actor }) => ({ status: 201, body: await addDocument(path.id, body, actor, new Date()) }),
}, idempotentPosts);
