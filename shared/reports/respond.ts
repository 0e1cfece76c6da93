// A report as the route answers it: JSON, or the same figures as a workbook or a CSV.
import type { RouteResult } from '../http/route.ts';
import { tablesToCsv, type ReportTable } from './tables.ts';
import { tablesToWorkbook, xlsxContentType } from './workbook.ts';

export async function reportResult(
  report: { generatedAt: string },
  format: 'json' | 'xlsx' | 'csv',
  title: string,
  fileStem: string,
  tables: () => ReportTable[],
): Promise<RouteResult> {
  if (format === 'json') return { status: 200, body: report };
  if (format === 'csv') {
    return { status: 200, body: null, file: { contentType: 'text/csv; charset=utf-8', fileName: `${fileStem}.csv`, bytes: Buffer.from(tablesToCsv(tables()), 'utf8') } };
  }
  const bytes = await tablesToWorkbook(title, report.generatedAt, tables());
  return { status: 200, body: null, file: { contentType: xlsxContentType, fileName: `${fileStem}.xlsx`, bytes } };
}
