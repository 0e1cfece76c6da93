import type { Context } from 'aws-lambda';
import { httpRoute } from '../../shared/http/route.ts';
import { idempotentPosts } from '../../shared/http/idempotency.ts';
import { postHospitalNotice } from '../../shared/api/requests/hospital-notices.ts';
import { postNotice, preferredWaitSeconds } from '../../shared/usecases/hospital-notices.ts';

/** How long before the function's deadline the POST answers (the response must still get out). */
const answerMarginMs = 1000;

const answerByOf = (context: Context): number | undefined => {
  const remaining = context.getRemainingTimeInMillis?.();
  return remaining === undefined ? undefined : Date.now() + remaining - answerMarginMs;
};

export const handler = httpRoute({
  ...postHospitalNotice,
  // Answer a second before the function's deadline: 202 once the notice is stored, else a 500
  // that says to post it again (middy's own early answer could not tell the two apart).
  handle: async ({ body, actor, event, context }) =>
    postNotice(body, actor, new Date(), preferredWaitSeconds(event.headers?.prefer ?? event.headers?.Prefer), answerByOf(context)),
}, idempotentPosts);
