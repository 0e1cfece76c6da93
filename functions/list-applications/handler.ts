import { httpRoute } from '../../shared/http/route.ts';
import { pageBinding } from '../../shared/http/pagination.ts';
import { listApplications as listApplicationsOperation } from '../../shared/api/applications.ts';
import { listApplications } from '../../shared/usecases/applications.ts';

export const handler = httpRoute({
  ...listApplicationsOperation,
  handle: async (request) => ({ status: 200, body: await listApplications(request.query, request.actor, pageBinding(request)) }),
});
