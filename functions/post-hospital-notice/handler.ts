import { httpRoute } from '../../shared/http/route.ts';
import { postHospitalNotice } from '../../shared/api/hospital-notices.ts';
import { receiveNotice } from '../../shared/usecases/hospital-notices.ts';

export const handler = httpRoute({
  ...postHospitalNotice,
  handle: async ({ body, actor }) => ({ status: 202, body: await receiveNotice(body, actor, new Date()) }),
});
