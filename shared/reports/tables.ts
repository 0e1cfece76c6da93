// A report as tables with Chinese headers: the workbook has one sheet per table, the CSV one
// line per figure. Money is a number of yuan in the workbook (exact: fen / 100, two decimals)
// and integer fen in the CSV, as everywhere in the API.
import type { AnnualFigures, MonthlyFigures, Suppressed } from '../domain/figures.ts';

export type Cell = string | number;
export interface ReportTable {
  /** Sheet name (at most 31 characters). */
  name: string;
  /** How many leading columns label a row; the rest are figures. */
  labels: number;
  columns: Array<{ header: string; money?: boolean }>;
  rows: Cell[][];
}

export const categoryLabels = { DIBAO: '城乡低保', MARGINAL: '低保边缘家庭', TEKUN: '特困人员' } as const;
export const programLabels = { PRICE_SUBSIDY: '价格临时补贴', ONE_TIME_LIVING: '一次性生活补贴', MONTHLY_BENEFIT: '低保金等按月救助金' } as const;
export const grantLabels = { TEMPORARY: '临时救助', EMERGENCY: '急难救助', MEDICAL_EXPENSE: '因病支出型救助', EDUCATION: '教育救助' } as const;

const categories = Object.keys(categoryLabels) as Array<keyof typeof categoryLabels>;

function townshipTable(byTownship: Record<string, Record<keyof typeof categoryLabels, { households: Suppressed; people: Suppressed }>>): ReportTable {
  return {
    name: '分镇街',
    labels: 2,
    columns: [{ header: '镇（街道）' }, { header: '类别' }, { header: '户数' }, { header: '人数' }],
    rows: Object.entries(byTownship).flatMap(([township, lines]) =>
      categories.map((c) => [township, categoryLabels[c], lines[c].households, lines[c].people]),
    ),
  };
}

function payoutTable(byProgram: AnnualFigures['payouts']['byProgram']): ReportTable {
  return {
    name: '补贴发放',
    labels: 1,
    columns: [{ header: '项目' }, { header: '人次' }, { header: '金额（元）', money: true }],
    rows: (Object.keys(programLabels) as Array<keyof typeof programLabels>).map((p) => [programLabels[p], byProgram[p].personTimes, byProgram[p].amountFen]),
  };
}

function grantTable(byType: AnnualFigures['grants']['byType']): ReportTable {
  return {
    name: '临时救助等',
    labels: 1,
    columns: [{ header: '救助类型' }, { header: '人次' }, { header: '金额（元）', money: true }],
    rows: (Object.keys(grantLabels) as Array<keyof typeof grantLabels>).map((t) => [grantLabels[t], byType[t].count, byType[t].amountFen]),
  };
}

export function annualTables(report: AnnualFigures): ReportTable[] {
  const r = report.registry;
  return [
    {
      name: '在册对象',
    labels: 1,
      columns: [{ header: '类别' }, { header: `户数（${r.asOf}）` }, { header: `人数（${r.asOf}）` }],
      rows: categories.map((c) => [categoryLabels[c], r.byCategory[c].households, r.byCategory[c].people]),
    },
    {
      name: '年内认定',
    labels: 1,
      columns: [{ header: '类别' }, { header: '户数' }, { header: '人数' }],
      rows: categories.map((c) => [categoryLabels[c], r.recognisedInYear[c].households, r.recognisedInYear[c].people]),
    },
    payoutTable(report.payouts.byProgram),
    grantTable(report.grants.byType),
    {
      name: '医疗救助',
      labels: 0,
      columns: [{ header: '先诊疗后付费担保入院（人次）' }, { header: '结算（人次）' }, { header: '救助人数' }, { header: '救助金额（元）', money: true }],
      rows: [[report.medicalAssistance.admissionsGuaranteed, report.medicalAssistance.settlements, report.medicalAssistance.people, report.medicalAssistance.amountFen]],
    },
    townshipTable(r.byTownship),
  ];
}

export function monthlyTables(report: MonthlyFigures): ReportTable[] {
  return [
    {
      name: '社会救助',
    labels: 1,
      columns: [
        { header: '类别' },
        { header: '月末户数' },
        { header: '月末人数' },
        { header: '本月新增人数' },
        { header: '本月减少人数' },
        { header: '本月新增户数' },
        { header: '本月减少户数' },
        { header: '本月支出（元）', money: true },
      ],
      rows: categories.map((c) => {
        const l = report.categories[c];
        return [categoryLabels[c], l.households, l.people, l.peopleAdded, l.peopleLeft, l.householdsAdded, l.householdsLeft, l.spendingFen];
      }),
    },
    payoutTable(report.payouts.byProgram),
    grantTable(report.oneOffAssistance.byType),
    {
      name: '医疗救助',
      labels: 0,
      columns: [{ header: '先诊疗后付费担保入院（人次）' }, { header: '救助人次' }, { header: '救助金额（元）', money: true }],
      rows: [[report.medicalAssistance.admissionsGuaranteed, report.medicalAssistance.personTimes, report.medicalAssistance.amountFen]],
    },
    townshipTable(report.byTownship),
  ];
}

const csvCell = (v: Cell) => (typeof v === 'number' ? String(v) : /[",\r\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

/** One line per figure: 表,项目,指标,数值; money in fen (the header says so). */
export function tablesToCsv(tables: ReportTable[]): string {
  const lines = ['表,项目,指标,数值'];
  for (const t of tables) {
    const first = t.labels;
    for (const row of t.rows) {
      const item = row.slice(0, first).join(' ') || t.name;
      t.columns.slice(first).forEach((c, j) => {
        const header = c.money ? c.header.replace('（元）', '（分）') : c.header;
        lines.push([t.name, item, header, row[first + j]!].map(csvCell).join(','));
      });
    }
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
