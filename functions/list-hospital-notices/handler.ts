import { httpRoute } from '../../shared/http/route.ts';
import { listHospitalNotices } from '../../shared/api/requests/hospital-notice-reads.ts';
import { pagedBody } from '../../shared/http/pagination.ts';
import { listDay } from '../../shared/usecases/hospital-notices.ts';

export const handler = httpRoute({
  ...listHospitalNotices,
  handle: async (request) => ({ status: 200, body: await pagedBody(request, (startKey) => listDay(request.query, request.actor, startKey)) }),
});
