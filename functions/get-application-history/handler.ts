import { httpRoute } from '../../shared/http/route.ts';
import { pageBinding } from '../../shared/http/pagination.ts';
import { getApplicationHistory } from '../../shared/api/applications.ts';
import { applicationHistory } from '../../shared/usecases/applications.ts';

export const handler = httpRoute({
  ...getApplicationHistory,
  handle: async (request) => ({
    status: 200,
    body: await applicationHistory(request.path.id, request.actor, request.query, pageBinding(request)),
  }),
});
