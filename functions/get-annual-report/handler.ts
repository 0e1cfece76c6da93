import { httpRoute } from '../../shared/http/route.ts';
import { getAnnualReport } from '../../shared/api/requests/reports.ts';
import { annualTables } from '../../shared/reports/tables.ts';
import { reportResult } from '../../shared/reports/respond.ts';
import { annualReport } from '../../shared/usecases/figures.ts';

export const handler = httpRoute({
  ...getAnnualReport,
  handle: async ({ query }) => {
    const report = await annualReport(query.year, new Date());
    return reportResult(report, query.format, `${query.year}年社会救助统计`, `统计-${query.year}`, () => annualTables(report));
  },
});
