import { httpRoute } from '../../shared/http/route.ts';
import { listHospitalNotices } from '../../shared/api/hospital-notices.ts';
import { pageBinding } from '../../shared/http/pagination.ts';
import { listDay } from '../../shared/usecases/hospital-notices.ts';

export const handler = httpRoute({
  ...listHospitalNotices,
  handle: async (request) => ({ status: 200, body: await listDay(request.query, request.actor, pageBinding(request)) }),
});
