import { httpRoute } from '../../shared/http/route.ts';
import { postBankResults } from '../../shared/api/payouts.ts';
import { receiveBankReport } from '../../shared/usecases/payouts.ts';

export const handler = httpRoute({
  ...postBankResults,
  handle: async ({ path, body, actor, event }) => ({
    status: 202,
    body: await receiveBankReport(path.id, body, event.headers['content-type'] ?? '', actor, new Date()),
  }),
});
