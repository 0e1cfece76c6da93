import { httpRoute } from '../../shared/http/route.ts';
import { getMonthlyReport } from '../../shared/api/requests/reports.ts';
import { monthlyTables } from '../../shared/reports/tables.ts';
import { reportResult } from '../../shared/reports/respond.ts';
import { monthlyReport } from '../../shared/usecases/figures.ts';

export const handler = httpRoute({
  ...getMonthlyReport,
  handle: async ({ query }) => {
    const report = await monthlyReport(query.month, new Date());
    return reportResult(report, query.format, `${query.month} 社会服务统计月报（社会救助）`, `统计月报-${query.month}`, () => monthlyTables(report));
  },
});
