import { httpRoute } from '../../shared/http/route.ts';
import { pagedBody } from '../../shared/http/pagination.ts';
import { listApplications as listApplicationsOperation } from '../../shared/api/requests/application-reads.ts';
import { listApplications } from '../../shared/usecases/application-views.ts';

export const handler = httpRoute({
  ...listApplicationsOperation,
  handle: async (request) => ({ status: 200, body: await pagedBody(request, (startKey) => listApplications(request.query, request.actor, startKey)) }),
});
