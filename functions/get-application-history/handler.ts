import { httpRoute } from '../../shared/http/route.ts';
import { getApplicationHistory } from '../../shared/api/applications.ts';
import { applicationHistory } from '../../shared/usecases/applications.ts';

export const handler = httpRoute({
  ...getApplicationHistory,
  handle: async ({ path, query }) => ({ status: 200, body: await applicationHistory(path.id, query) }),
});
