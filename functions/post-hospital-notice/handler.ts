import { httpRoute } from '../../shared/http/route.ts';
import { idempotentPosts } from '../../shared/http/idempotency.ts';
import { postHospitalNotice } from '../../shared/api/hospital-notices.ts';
import { postNotice, preferredWaitSeconds } from '../../shared/usecases/hospital-notices.ts';

export const handler = httpRoute({
  ...postHospitalNotice,
  handle: async ({ body, actor, event }) =>
    postNotice(body, actor, new Date(), preferredWaitSeconds(event.headers?.prefer ?? event.headers?.Prefer)),
}, idempotentPosts);
