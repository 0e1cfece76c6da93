// The report as an Excel workbook (exceljs): one sheet per table, Chinese headers, numbers as
// numbers. Imported only by the report functions, so exceljs stays out of every other bundle.
import ExcelJS from 'exceljs';
import type { ReportTable } from './tables.ts';

export const xlsxContentType = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export async function tablesToWorkbook(title: string, generatedAt: string, tables: ReportTable[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Tuodi 托底';
  workbook.created = new Date(generatedAt);
  workbook.title = title;
  for (const table of tables) {
    const sheet = workbook.addWorksheet(table.name);
    sheet.columns = table.columns.map((c) => ({ header: c.header, width: Math.max(12, c.header.length * 2 + 4) }));
    sheet.getRow(1).font = { bold: true };
    for (const row of table.rows) {
      sheet.addRow(row.map((v, i) => (table.columns[i]?.money && typeof v === 'number' ? v / 100 : v)));
    }
    table.columns.forEach((c, i) => {
      if (c.money) sheet.getColumn(i + 1).numFmt = '#,##0.00';
    });
    sheet.addRow([]);
    sheet.addRow([`${title}；生成时间 ${generatedAt}`]);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
