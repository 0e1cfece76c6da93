// 首页（统计）: the bureau's figures for every staff role, from GET /reports/annual?year= or
// GET /reports/monthly?month= (contract "Reports (统计)"): households and people by category,
// people added and leaving, payouts by program, one-off aid, medical assistance, and by township
// (counts of 1 to 4 come as "<5" and show so); a month's filed copies below it. Each chart
// (ECharts, loaded after the figures) stands above a table of the same figures, its text
// alternative. Money is fen in the API and yuan here. The Excel download is the API's ?format=xlsx.
import { Alert, Button, Form, Radio, Select, Space, Spin, Table, Typography } from 'antd';
import { lazy, Suspense, useEffect, useId, useState, type ReactNode } from 'react';
import { api, type Schemas } from '../../api/client.ts';
import { saveBlob } from '../../download.ts';
import { showProblem, type Problem } from '../../errors.ts';
import { chinaTime, yuan } from '../../format.ts';
import { Panel } from '../../Panel.tsx';
import { ProblemAlert } from '../../ProblemAlert.tsx';
import { currentSession } from '../../session.ts';
import { applicationTypeText, categoryText } from '../../zh.ts';
import { programText } from '../finance/finance-zh.ts';
import { addMonths, dateInChina } from '../../../../shared/domain/clock.ts';
import type { BarFigures } from './BarFigureChart.tsx';
import { MonthlyFilings, type Filing } from './MonthlyFilings.tsx';

const BarFigureChart = lazy(() => import('./BarFigureChart.tsx'));

type Annual = Schemas['AnnualReport'];
type Monthly = Schemas['MonthlyReport'];
type Category = keyof Annual['registry']['byCategory'];
type Program = keyof Annual['payouts']['byProgram'];
type GrantType = keyof Annual['grants']['byType'];
type Choice = { kind: 'year'; year: string } | { kind: 'month'; month: string };

const categories = Object.keys(categoryText) as Category[];
const grantTypes: GrantType[] = ['TEMPORARY', 'EMERGENCY', 'MEDICAL_EXPENSE', 'EDUCATION'];
const programsOf = (byProgram: Annual['payouts']['byProgram']) => Object.keys(byProgram) as Program[];
const toYuan = (fen: number) => fen / 100;

/** The years and months one may choose: the last six years, the last 24 months (China time), newest first. */
function choices(now = new Date()) {
  const today = dateInChina(now);
  const year = Number(today.slice(0, 4));
  const years = Array.from({ length: 6 }, (_, i) => String(year - i)).map((y) => ({ value: y, label: `${y}年` }));
  const months = Array.from({ length: 24 }, (_, i) => addMonths(`${today.slice(0, 7)}-01`, -i).slice(0, 7)).map((m) => ({
    value: m,
    label: `${m.slice(0, 4)}年${m.slice(5)}月`,
  }));
  return { years, months };
}

interface Row {
  key: string;
  cells: ReactNode[];
}

/** A table of figures: the first cell of each row names it (a row header). */
function FigureTable(props: { caption: string; headers: string[]; rows: Row[] }) {
  return (
    <Table<Row>
      size="small"
      rowKey="key"
      pagination={false}
      caption={props.caption}
      dataSource={props.rows}
      columns={props.headers.map((title, i) => ({
        title,
        key: String(i),
        align: i === 0 ? 'left' : 'right',
        ...(i === 0 && { rowScope: 'row' as const }),
        render: (_: unknown, row: Row) => row.cells[i],
      }))}
    />
  );
}

/** One block of figures: its heading, the chart when there is one, and the table. */
function FigureSection(props: { title: string; chart?: BarFigures; headers: string[]; rows: Row[]; note?: ReactNode }) {
  const id = useId();
  return (
    <section aria-labelledby={id} style={{ marginTop: 24 }}>
      <Typography.Title level={2} id={id} style={{ fontSize: 16 }}>
        {props.title}
      </Typography.Title>
      {props.chart && (
        <Suspense fallback={<div style={{ height: 280 }} />}>
          <BarFigureChart title={props.title} figures={props.chart} />
        </Suspense>
      )}
      <FigureTable caption={`${props.title}（数据表）`} headers={props.headers} rows={props.rows} />
      {props.note}
    </section>
  );
}

function payoutSection(payouts: Annual['payouts']) {
  const programs = programsOf(payouts.byProgram);
  const personTimes = programs.reduce((sum, p) => sum + payouts.byProgram[p]!.personTimes, 0);
  return (
    <FigureSection
      title="各项目发放（银行已入账）"
      chart={{ labels: programs.map((p) => programText[p]), unit: '元', series: [{ name: '金额（元）', values: programs.map((p) => toYuan(payouts.byProgram[p]!.amountFen)) }] }}
      headers={['项目', '人次', '金额']}
      rows={[
        ...programs.map((p) => ({ key: p, cells: [programText[p], payouts.byProgram[p]!.personTimes, yuan(payouts.byProgram[p]!.amountFen)] })),
        { key: 'total', cells: ['合计', personTimes, yuan(payouts.totalFen)] },
      ]}
    />
  );
}

function grantSection(byType: Annual['grants']['byType'], total: { count: number; amountFen: number }) {
  return (
    <FigureSection
      title="一次性救助（临时、急难、医疗、教育）"
      chart={{ labels: grantTypes.map((t) => applicationTypeText[t]), unit: '元', series: [{ name: '金额（元）', values: grantTypes.map((t) => toYuan(byType[t].amountFen)) }] }}
      headers={['类型', '人次', '金额']}
      rows={[
        ...grantTypes.map((t) => ({ key: t, cells: [applicationTypeText[t], byType[t].count, yuan(byType[t].amountFen)] })),
        { key: 'total', cells: ['合计', total.count, yuan(total.amountFen)] },
      ]}
    />
  );
}

/** Households and people by township and category, as the API suppresses them ("<5" for 1 to 4): a table only, no chart of masked counts. */
function townshipSection(byTownship: Monthly['byTownship'], asOf: string) {
  return (
    <FigureSection
      title={`分镇（街道）户数与人数（截至 ${asOf}）`}
      headers={['镇（街道）', '类别', '户数', '人数']}
      rows={Object.entries(byTownship).flatMap(([township, lines]) =>
        categories.map((c) => ({ key: `${township}|${c}`, cells: [township, categoryText[c], lines[c].households, lines[c].people] })),
      )}
      note={<Typography.Paragraph type="secondary">1 至 4 户（人）显示为“&lt;5”，以免从小数字认出具体家庭。</Typography.Paragraph>}
    />
  );
}

function householdsPeopleChart(byCategory: Record<Category, { households: number; people: number }>): BarFigures {
  return {
    labels: categories.map((c) => categoryText[c]),
    unit: '户 / 人',
    series: [
      { name: '户数', values: categories.map((c) => byCategory[c].households) },
      { name: '人数', values: categories.map((c) => byCategory[c].people) },
    ],
  };
}

function AnnualFigures({ report }: { report: Annual }) {
  const { registry, medicalAssistance: medical } = report;
  return (
    <>
      <FigureSection
        title={`在册保障对象（截至 ${registry.asOf}）`}
        chart={householdsPeopleChart(registry.byCategory)}
        headers={['类别', '户数', '人数']}
        rows={categories.map((c) => ({ key: c, cells: [categoryText[c], registry.byCategory[c].households, registry.byCategory[c].people] }))}
      />
      <FigureSection
        title={`${report.year}年新认定的保障对象`}
        chart={householdsPeopleChart(registry.recognisedInYear)}
        headers={['类别', '户数', '人数']}
        rows={categories.map((c) => ({ key: c, cells: [categoryText[c], registry.recognisedInYear[c].households, registry.recognisedInYear[c].people] }))}
      />
      {townshipSection(registry.byTownship, registry.asOf)}
      {payoutSection(report.payouts)}
      {grantSection(report.grants.byType, {
        count: grantTypes.reduce((sum, t) => sum + report.grants.byType[t].count, 0),
        amountFen: report.grants.totalFen,
      })}
      <FigureSection
        title="医疗救助"
        headers={['项目', '数值']}
        rows={[
          { key: 'guaranteed', cells: ['先诊疗后付费入院（免押金）人次', medical.admissionsGuaranteed] },
          { key: 'settlements', cells: ['出院结算人次', medical.settlements] },
          { key: 'people', cells: ['救助人数', medical.people] },
          { key: 'amount', cells: ['医疗救助金额', yuan(medical.amountFen)] },
        ]}
      />
    </>
  );
}

function MonthlyFigures({ report }: { report: Monthly }) {
  const { categories: byCategory, medicalAssistance: medical } = report;
  return (
    <>
      <FigureSection
        title={`月末在册保障对象（截至 ${report.asOf}）`}
        chart={householdsPeopleChart(byCategory)}
        headers={['类别', '户数', '人数', '当月支出']}
        rows={categories.map((c) => ({ key: c, cells: [categoryText[c], byCategory[c].households, byCategory[c].people, yuan(byCategory[c].spendingFen)] }))}
        note={
          report.mixedCategorySpendingFen > 0 && (
            <Typography.Paragraph style={{ marginTop: 8 }}>另有未记录收款人类别的多类别批次支出 {yuan(report.mixedCategorySpendingFen)}</Typography.Paragraph>
          )
        }
      />
      <FigureSection
        title="本月新增与退出"
        chart={{
          labels: categories.map((c) => categoryText[c]),
          unit: '人',
          series: [
            { name: '新增人数', values: categories.map((c) => byCategory[c].peopleAdded) },
            { name: '退出人数', values: categories.map((c) => byCategory[c].peopleLeft) },
          ],
        }}
        headers={['类别', '新增户数', '新增人数', '退出户数', '退出人数']}
        rows={categories.map((c) => ({
          key: c,
          cells: [categoryText[c], byCategory[c].householdsAdded, byCategory[c].peopleAdded, byCategory[c].householdsLeft, byCategory[c].peopleLeft],
        }))}
      />
      {townshipSection(report.byTownship, report.asOf)}
      {payoutSection(report.payouts)}
      {grantSection(report.oneOffAssistance.byType, { count: report.oneOffAssistance.personTimes, amountFen: report.oneOffAssistance.amountFen })}
      <FigureSection
        title="医疗救助"
        headers={['项目', '数值']}
        rows={[
          { key: 'guaranteed', cells: ['先诊疗后付费入院（免押金）人次', medical.admissionsGuaranteed] },
          { key: 'personTimes', cells: ['出院结算人次', medical.personTimes] },
          { key: 'amount', cells: ['医疗救助金额', yuan(medical.amountFen)] },
        ]}
      />
    </>
  );
}

function coverageText(coverage: Annual['coverage']): string {
  return coverage.registryRecordedFrom === null
    ? '系统中尚无名册记录，以下数字不完整。'
    : `名册自 ${coverage.registryRecordedFrom} 起在本系统记录：此前的数字只含当时已在册（认定日期更早）的对象。`;
}

export function Figures() {
  const { years, months } = choices();
  const [choice, setChoice] = useState<Choice>({ kind: 'month', month: months[0]!.value });
  const [report, setReport] = useState<{ choice: Choice; annual?: Annual; monthly?: Monthly }>();
  const [problem, setProblem] = useState<Problem>();
  const [downloading, setDownloading] = useState(false);
  /** A filed copy shown in place of the live figures. */
  const [viewing, setViewing] = useState<Filing>();
  const role = currentSession()?.role;

  useEffect(() => {
    let current = true;
    setProblem(undefined);
    void (async () => {
      const { data, error, response } =
        choice.kind === 'year'
          ? await api.GET('/reports/annual', { params: { query: { year: choice.year } } }).then((r) => ({ ...r, data: r.data && { annual: r.data } }))
          : await api.GET('/reports/monthly', { params: { query: { month: choice.month } } }).then((r) => ({ ...r, data: r.data && { monthly: r.data } }));
      if (!current) return;
      if (!data) return setProblem(showProblem(error, response.status));
      setReport({ choice, ...data });
    })();
    return () => {
      current = false;
    };
  }, [choice]);
  useEffect(() => setViewing(undefined), [choice]);

  const download = async () => {
    setDownloading(true);
    setProblem(undefined);
    const { data, error, response } =
      choice.kind === 'year'
        ? await api.GET('/reports/annual', { params: { query: { year: choice.year, format: 'xlsx' } }, parseAs: 'blob' })
        : await api.GET('/reports/monthly', { params: { query: { month: choice.month, format: 'xlsx' } }, parseAs: 'blob' });
    setDownloading(false);
    if (!data) return setProblem(showProblem(error, response.status));
    saveBlob(data as Blob, choice.kind === 'year' ? `统计年报-${choice.year}.xlsx` : `统计月报-${choice.month}.xlsx`);
  };

  const shown = report && report.choice === choice ? report : undefined;
  const coverage = viewing?.report.coverage ?? shown?.annual?.coverage ?? shown?.monthly?.coverage;
  const generatedAt = viewing?.report.generatedAt ?? shown?.annual?.generatedAt ?? shown?.monthly?.generatedAt;
  return (
    <Panel
      title="首页（统计）"
      extra={
        <Button onClick={() => void download()} loading={downloading}>
          下载 Excel
        </Button>
      }
    >
      <Form layout="inline">
        <Form.Item label="统计周期">
          <Radio.Group
            optionType="button"
            aria-label="统计周期"
            value={choice.kind}
            onChange={(e) => setChoice(e.target.value === 'year' ? { kind: 'year', year: years[0]!.value } : { kind: 'month', month: months[0]!.value })}
            options={[
              { value: 'month', label: '月度' },
              { value: 'year', label: '年度' },
            ]}
          />
        </Form.Item>
        {choice.kind === 'year' ? (
          <Form.Item label="年份">
            <Select aria-label="年份" style={{ width: 120 }} value={choice.year} onChange={(year) => setChoice({ kind: 'year', year })} options={years} />
          </Form.Item>
        ) : (
          <Form.Item label="月份">
            <Select aria-label="月份" style={{ width: 140 }} value={choice.month} onChange={(month) => setChoice({ kind: 'month', month })} options={months} />
          </Form.Item>
        )}
      </Form>
      <ProblemAlert problem={problem} />
      {!shown && !problem && <Spin style={{ display: 'block', marginTop: 24 }} aria-label="正在读取统计数字" />}
      {shown && (
        <Space direction="vertical" style={{ width: '100%', marginTop: 16 }}>
          <Typography.Text type="secondary">数字截至 {chinaTime(generatedAt)}（按事件持续更新）。金额为银行已入账的发放，按所属期计入。</Typography.Text>
          {coverage && !coverage.complete && <Alert type="warning" title={coverageText(coverage)} />}
        </Space>
      )}
      {shown?.annual && <AnnualFigures report={shown.annual} />}
      {viewing && (
        <Alert
          type="info"
          style={{ marginTop: 16 }}
          title={`正在查看 ${viewing.filedBy} 于 ${chinaTime(viewing.filedAt)} 报送的副本：报送时的数字，此后的变动不在其中。`}
          action={<Button onClick={() => setViewing(undefined)}>返回实时数字</Button>}
        />
      )}
      {shown?.monthly && <MonthlyFigures report={viewing?.report ?? shown.monthly} />}
      {choice.kind === 'month' && (
        <MonthlyFilings month={choice.month} canFile={role === 'reviewer' || role === 'finance'} onView={setViewing} />
      )}
    </Panel>
  );
}
