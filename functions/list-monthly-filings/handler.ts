import { httpRoute } from '../../shared/http/route.ts';
import { listMonthlyFilings } from '../../shared/api/requests/reports.ts';
import { monthlyFilings } from '../../shared/usecases/figures.ts';

export const handler = httpRoute({
  ...listMonthlyFilings,
  handle: async ({ path }) => ({ status: 200, body: { items: await monthlyFilings(path.month) } }),
});
