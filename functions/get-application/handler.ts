import { httpRoute } from '../../shared/http/route.ts';
import { getApplication } from '../../shared/api/requests/application-reads.ts';
import { viewApplication } from '../../shared/usecases/application-views.ts';

export const handler = httpRoute({
  ...getApplication,
  handle: async ({ path, actor }) => ({ status: 200, body: await viewApplication(path.id, actor) }),
});
