import { httpRoute } from '../../shared/http/route.ts';
import { idempotentPosts } from '../../shared/http/idempotency.ts';
import { postBankResults } from '../../shared/api/requests/payouts.ts';
import { receiveBankReport } from '../../shared/usecases/payout-bank-reports.ts';

export const handler = httpRoute({
  ...postBankResults,
  handle: async ({ path, body, actor }) => ({
    status: 202,
    body: await receiveBankReport(path.id, body, actor, new Date()),
  }),
}, idempotentPosts);
