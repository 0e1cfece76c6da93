import { httpRoute } from '../../shared/http/route.ts';
import { pagedBody } from '../../shared/http/pagination.ts';
import { getApplicationHistory } from '../../shared/api/requests/application-reads.ts';
import { applicationHistory } from '../../shared/usecases/application-views.ts';

export const handler = httpRoute({
  ...getApplicationHistory,
  handle: async (request) => ({
    status: 200,
    body: await pagedBody(request, (startKey) => applicationHistory(request.path.id, request.actor, request.query, startKey)),
  }),
});
