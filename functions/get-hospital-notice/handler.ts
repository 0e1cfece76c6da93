import { httpRoute } from '../../shared/http/route.ts';
import { getHospitalNotice } from '../../shared/api/requests/hospital-notice-reads.ts';
import { viewNotice } from '../../shared/usecases/hospital-notices.ts';

export const handler = httpRoute({
  ...getHospitalNotice,
  handle: async ({ path, actor }) => ({ status: 200, body: await viewNotice(path.id, actor) }),
});
