import { httpRoute } from '../../shared/http/route.ts';
import { listHospitalNotices } from '../../shared/api/hospital-notices.ts';
import { listDay } from '../../shared/usecases/hospital-notices.ts';

export const handler = httpRoute({
  ...listHospitalNotices,
  handle: async ({ query, actor }) => ({ status: 200, body: await listDay(query, actor) }),
});
