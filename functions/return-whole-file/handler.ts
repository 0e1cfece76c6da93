import { httpRoute } from '../../shared/http/route.ts';
import { idempotentPosts } from '../../shared/http/idempotency.ts';
import { returnWholeFile } from '../../shared/api/requests/payout-operator-actions.ts';
import { returnWholeFile as applyWholeFileReturn } from '../../shared/usecases/payout-bank-reports.ts';

export const handler = httpRoute({
  ...returnWholeFile,
  handle: async ({ path, body, actor }) => ({
    status: 202,
    body: await applyWholeFileReturn(path.id, path.reportId, actor, body.reason, new Date()),
  }),
}, idempotentPosts);
