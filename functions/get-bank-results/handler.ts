import { httpRoute } from '../../shared/http/route.ts';
import { getBankResults } from '../../shared/api/requests/payout-reads.ts';
import { viewBankReport } from '../../shared/usecases/bank-report-views.ts';

export const handler = httpRoute({
  ...getBankResults,
  handle: async ({ path }) => ({ status: 200, body: await viewBankReport(path.id, path.reportId) }),
});
