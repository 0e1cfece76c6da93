import { httpRoute } from '../../shared/http/route.ts';
import { pagedBody } from '../../shared/http/pagination.ts';
import { listReviewsDue as listReviewsDueOperation } from '../../shared/api/requests/registry.ts';
import { listReviewsDue } from '../../shared/usecases/recipient-management.ts';

export const handler = httpRoute({
  ...listReviewsDueOperation,
  handle: async (request) => ({ status: 200, body: await pagedBody(request, (startKey) => listReviewsDue(request.query, request.actor, startKey)) }),
});
