// 首页（统计） in Chromium against the real local stack: the registry imported this month, a
// batch paid and settled, one hospital stay settled; every staff role opens the figures home page;
// each table shows the figures GET /reports/monthly and /reports/annual answer (read through the
// API here and compared cell by cell, money in yuan), each chart is drawn (a canvas of non-zero
// size), the year or the month is chosen, the Excel workbook downloads, the township breakdown
// shows the API's "<5", a month is filed and its frozen copy shown; axe clean, nothing failed.
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dateInChina } from '../../shared/domain/clock.ts';
import { registryCsvColumns } from '../../shared/domain/registry.ts';
import { formatYuan } from '../../shared/domain/yuan.ts';
import { openConsoleBrowser, screenshot, seriousViolations, signInAs, type Watch } from '../support/browser.ts';
import { validIdNumber } from '../support/id-numbers.ts';
import { eventually, startTestStack, type TestStack } from '../support/local-stack.ts';

let stack: TestStack;
let browser: Browser;
let page: Page;
let seen: Watch;
let reviewerToken: string;

const month = dateInChina(new Date()).slice(0, 7);
const year = month.slice(0, 4);
// Six people recognised this month: three 低保 (two households), two 特困, one 低保边缘.
const people = ['DIBAO', 'DIBAO', 'DIBAO', 'TEKUN', 'TEKUN', 'MARGINAL'].map((category, n) => ({
  household: `HH-S${n === 1 ? 0 : n}`,
  name: `统计${'甲乙丙丁戊己'[n]}`,
  idNumber: validIdNumber(860 + n, '19520606'),
  category,
  account: `62284800${String(860 + n).padStart(8, '0')}`,
}));

// And six 低保边缘 people in two households of 马集镇 (a category the batch does not pay): one
// township count of five or more, so the township table shows a figure beside a "<5".
const marginal = Array.from({ length: 6 }, (_, n) => ({
  household: `HH-M${n % 2}`,
  name: `边缘${'子丑寅卯辰巳'[n]}`,
  idNumber: validIdNumber(870 + n, '19600707'),
  category: 'MARGINAL',
  account: `62284800${String(870 + n).padStart(8, '0')}`,
}));

const yuanText = (fen: number) => `${formatYuan(fen)} 元`;
const categoryNames = { DIBAO: '低保', MARGINAL: '低保边缘', TEKUN: '特困' } as const;
const categories = Object.keys(categoryNames) as Array<keyof typeof categoryNames>;
const programNames: Record<string, string> = {
  PRICE_SUBSIDY: '价格临时补贴',
  ONE_TIME_LIVING: '一次性生活补贴',
  MONTHLY_BENEFIT: '月度保障金',
};
const grantNames = { TEMPORARY: '临时救助', EMERGENCY: '急难型临时救助', MEDICAL_EXPENSE: '医疗救助', EDUCATION: '教育救助' } as const;
const grantTypes = Object.keys(grantNames) as Array<keyof typeof grantNames>;

/**
 * An hour ago, but never before this China-time month began: the people are registered from the
 * month's first day, so in the month's first hour (China time) an hour ago was not yet covered.
 */
const admittedAt = () => new Date(Math.max(Date.now() - 3_600_000, Date.parse(`${month}-01T00:00:00+08:00`))).toISOString();

async function seed() {
  const reviewer = reviewerToken;
  const lines = [
    ...people.map((p) => [p.household, p.name, p.idNumber, p.category, '真州镇', '90000', `${month}-01`, '江苏银行', p.account].join(',')),
    ...marginal.map((p) => [p.household, p.name, p.idNumber, p.category, '马集镇', '90000', `${month}-01`, '江苏银行', p.account].join(',')),
  ];
  const created = await stack.call('POST', '/recipients/imports', { token: reviewer, rawBody: [registryCsvColumns.join(','), ...lines].join('\n'), contentType: 'text/csv' });
  await eventually(async () => {
    const r = await stack.call('GET', `/recipients/imports/${created.body.importId}`, { token: reviewer });
    return r.body.status === 'COMPLETED' && r.body.imported === people.length + marginal.length ? true : undefined;
  });
  // A PRICE_SUBSIDY batch for 低保 and 特困, paid and settled by the bank.
  const maker = await stack.token('finance', 'fig-maker');
  const batch = await stack.call('POST', '/payout-batches', {
    token: maker,
    body: { program: 'PRICE_SUBSIDY', period: month, title: `${month} 价格临时补贴`, categories: ['DIBAO', 'TEKUN'], perPersonFen: 4_550 },
  });
  const id = batch.body.id as string;
  const inStatus = (status: string) =>
    eventually(async () => {
      const r = await stack.call('GET', `/payout-batches/${id}`, { token: maker });
      return r.body.status === status ? r.body : undefined;
    });
  await inStatus('PENDING_APPROVAL');
  await stack.call('POST', `/payout-batches/${id}/approve`, { token: await stack.token('finance', 'fig-checker') });
  await inStatus('PAID_OUT');
  const payments = (await stack.call('GET', `/payout-batches/${id}/payments?limit=100`, { token: maker })).body.items as Array<{ endToEndId: string }>;
  await stack.call('POST', `/payout-batches/${id}/bank-results`, {
    token: maker,
    rawBody: ['endToEndId,status,reason', ...payments.map((p) => `${p.endToEndId},ACSC,`)].join('\n'),
    contentType: 'text/csv',
  });
  await inStatus('RECONCILED');
  // One 低保 stay: admitted without a deposit, discharged and settled.
  const hospital = await stack.token('hospital', 'fig-his', 'H-YZ-PEOPLES');
  const wait = { Prefer: 'wait=5' };
  const admission = await stack.call('POST', '/hospital-notices', {
    token: hospital,
    headers: wait,
    body: { noticeNo: 'ZYFIG1', kind: 'ADMISSION', patient: { idNumber: people[0]!.idNumber, name: people[0]!.name }, admittedAt: admittedAt() },
  });
  // Decided within the wait (200) or later (202); anything else is the seed's fault, said at once.
  expect([200, 202], JSON.stringify(admission.body)).toContain(admission.status);
  let admissionSeen: unknown;
  await eventually(
    async () => {
      const r = await stack.call('GET', `/hospital-notices/${admission.body.id}`, { token: hospital });
      admissionSeen = r.body;
      return r.body.status === 'GUARANTEED' ? true : undefined;
    },
    undefined,
    () => `the admission GUARANTEED; last seen ${JSON.stringify(admissionSeen)}`,
  );
  const discharge = await stack.call('POST', '/hospital-notices', {
    token: hospital,
    headers: wait,
    body: { noticeNo: 'CYFIG1', kind: 'DISCHARGE', admissionNoticeNo: 'ZYFIG1', dischargedAt: new Date().toISOString(), totalCostFen: 1_000_000, insurancePaidFen: 600_000, criticalIllnessPaidFen: 100_000, nonCoveredFen: 20_000 },
  });
  await eventually(async () => {
    const r = await stack.call('GET', `/hospital-notices/${discharge.body.id}`, { token: hospital });
    return r.body.status === 'SETTLED' ? true : undefined;
  });
  await stack.streamsDrained();
}

beforeAll(async () => {
  stack = await startTestStack();
  reviewerToken = await stack.token('reviewer', 'fig-reader');
  await seed();
  ({ browser, page, seen } = await openConsoleBrowser());
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const monthly = async () => (await stack.call('GET', `/reports/monthly?month=${month}`, { token: reviewerToken })).body;
const annual = async () => (await stack.call('GET', `/reports/annual?year=${year}`, { token: reviewerToken })).body;

/** The cells of a figures table, row by row, as the page shows them. */
async function tableRows(title: string): Promise<string[][]> {
  const table = page.locator('table').filter({ has: page.locator('caption', { hasText: `${title}（数据表）` }) });
  await table.locator('tbody tr.ant-table-row').first().waitFor();
  return table.locator('tbody tr.ant-table-row').evaluateAll((rows) => rows.map((r) => Array.from((r as any).cells as ArrayLike<{ textContent: string }>, (c) => c.textContent.trim())));
}

const payoutRows = (payouts: { byProgram: Record<string, { amountFen: number; personTimes: number }>; totalFen: number }) => [
  ...Object.entries(payouts.byProgram).map(([p, line]) => [programNames[p]!, String(line.personTimes), yuanText(line.amountFen)]),
  ['合计', String(Object.values(payouts.byProgram).reduce((s, l) => s + l.personTimes, 0)), yuanText(payouts.totalFen)],
];
const grantRows = (byType: Record<string, { count: number; amountFen: number }>, count: number, amountFen: number) => [
  ...grantTypes.map((t) => [grantNames[t], String(byType[t]!.count), yuanText(byType[t]!.amountFen)]),
  ['合计', String(count), yuanText(amountFen)],
];

/** The township table's rows: township, category, households, people, as the API has them ("<5" for 1 to 4). */
const townshipRows = (byTownship: Record<string, Record<string, { households: number | string; people: number | string }>>) =>
  Object.entries(byTownship).flatMap(([township, lines]) => categories.map((c) => [township, categoryNames[c], String(lines[c]!.households), String(lines[c]!.people)]));

/** Every chart of the page is drawn: a canvas with a width and a height, inside an image named for assistive technology. */
async function chartsDrawn(expected: number) {
  const charts = page.locator('[role=img][aria-label$="（图表，数据见下表）"]');
  await charts.nth(expected - 1).locator('canvas').waitFor();
  expect(await charts.count()).toBe(expected);
  for (let i = 0; i < expected; i++) {
    const box = await charts.nth(i).locator('canvas').boundingBox();
    expect(box?.width).toBeGreaterThan(0);
    expect(box?.height).toBeGreaterThan(0);
  }
}

describe('the figures home page (首页（统计）) for every staff role', () => {
  it("shows a finance officer this month's figures equal to GET /reports/monthly, with the charts drawn", async () => {
    await signInAs(page, stack.url, 'finance', 'fig-viewer');
    await page.getByRole('menuitem', { name: '首页（统计）' }).click();
    await page.getByRole('heading', { name: '首页（统计）' }).waitFor();
    const report = await monthly();
    // The seeded figures are there (so the comparison below compares something).
    expect(report.categories.DIBAO).toMatchObject({ households: 2, people: 3, peopleAdded: 3, spendingFen: 13_650 });
    expect(report.payouts.byProgram.PRICE_SUBSIDY).toEqual({ personTimes: 5, amountFen: 22_750 });
    expect(report.medicalAssistance.personTimes).toBe(1);
    expect(await tableRows(`月末在册保障对象（截至 ${report.asOf}）`)).toEqual(
      categories.map((c) => [categoryNames[c], String(report.categories[c].households), String(report.categories[c].people), yuanText(report.categories[c].spendingFen)]),
    );
    expect(await tableRows('本月新增与退出')).toEqual(
      categories.map((c) => {
        const line = report.categories[c];
        return [categoryNames[c], ...[line.householdsAdded, line.peopleAdded, line.householdsLeft, line.peopleLeft].map(String)];
      }),
    );
    expect(await tableRows('各项目发放（银行已入账）')).toEqual(payoutRows(report.payouts));
    expect(await tableRows('一次性救助（临时、急难、医疗、教育）')).toEqual(grantRows(report.oneOffAssistance.byType, report.oneOffAssistance.personTimes, report.oneOffAssistance.amountFen));
    expect(await tableRows('医疗救助')).toEqual([
      ['先诊疗后付费入院（免押金）人次', String(report.medicalAssistance.admissionsGuaranteed)],
      ['出院结算人次', String(report.medicalAssistance.personTimes)],
      ['医疗救助金额', yuanText(report.medicalAssistance.amountFen)],
    ]);
    // Six people in one township: every count is from 1 to 4, so the API and the page say "<5".
    expect(report.byTownship['真州镇']).toEqual({ DIBAO: { households: '<5', people: '<5' }, MARGINAL: { households: '<5', people: '<5' }, TEKUN: { households: '<5', people: '<5' } });
    expect(report.byTownship['马集镇']!.MARGINAL).toEqual({ households: '<5', people: 6 });
    expect(await tableRows(`分镇（街道）户数与人数（截至 ${report.asOf}）`)).toEqual(townshipRows(report.byTownship));
    await chartsDrawn(4);
    expect(await seriousViolations(page, 'figures, month')).toEqual([]);
    await screenshot(page, 'figures-01-month');
  });

  it('downloads the month as an Excel workbook from the API', async () => {
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载 Excel' }).click()]);
    expect(download.suggestedFilename()).toBe(`统计月报-${month}.xlsx`);
    const bytes = readFileSync((await download.path())!);
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK'); // an .xlsx is a zip
  });

  it("files the month as finance and shows the filed copy's figures, equal to GET …/filings", async () => {
    await page.getByLabel('报送说明').fill('月报报送（测试）');
    await page.getByRole('button', { name: '报送本月月报' }).click();
    const filings = page.locator('table').filter({ has: page.locator('caption', { hasText: '已报送的月报' }) });
    await filings.locator('tbody tr.ant-table-row').first().waitFor();
    const { items } = (await stack.call('GET', `/reports/monthly/${month}/filings`, { token: reviewerToken })).body as {
      items: Array<{ filedBy: string; reason?: string; report: any }>;
    };
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ filedBy: 'fig-viewer', reason: '月报报送（测试）' });
    const row = await filings.locator('tbody tr.ant-table-row').first().locator('th, td').allTextContents();
    expect(row.slice(1, 3)).toEqual(['fig-viewer', '月报报送（测试）']);
    await page.getByRole('button', { name: /^查看 .* 报送的副本$/ }).click();
    await page.getByText('报送时的数字，此后的变动不在其中').waitFor();
    const filed = items[0]!.report;
    expect(await tableRows('各项目发放（银行已入账）')).toEqual(payoutRows(filed.payouts));
    expect(await tableRows(`分镇（街道）户数与人数（截至 ${filed.asOf}）`)).toEqual(townshipRows(filed.byTownship));
    expect(await seriousViolations(page, 'figures, a filed copy')).toEqual([]);
    await screenshot(page, 'figures-01b-filed-copy');
    await page.getByRole('button', { name: '返回实时数字' }).click();
    await page.getByText('报送时的数字，此后的变动不在其中').waitFor({ state: 'detached' });
  });

  it("lets a reviewer choose the year: the year's figures equal GET /reports/annual", async () => {
    await signInAs(page, stack.url, 'reviewer', 'fig-reviewer');
    await page.getByRole('menuitem', { name: '首页（统计）' }).click();
    await page.getByRole('heading', { name: '本月新增与退出' }).waitFor();
    // By keyboard: the period's radio group takes the arrow keys.
    await page.getByRole('radio', { name: '月度' }).focus();
    await page.keyboard.press('ArrowRight');
    await page.getByRole('heading', { name: `${year}年新认定的保障对象` }).waitFor();
    expect(await page.getByRole('radio', { name: '年度' }).isChecked()).toBe(true);
    const report = await annual();
    expect(report.registry.recognisedInYear.TEKUN).toEqual({ households: 2, people: 2 });
    expect(await tableRows(`在册保障对象（截至 ${report.registry.asOf}）`)).toEqual(
      categories.map((c) => [categoryNames[c], String(report.registry.byCategory[c].households), String(report.registry.byCategory[c].people)]),
    );
    expect(await tableRows(`${year}年新认定的保障对象`)).toEqual(
      categories.map((c) => [categoryNames[c], String(report.registry.recognisedInYear[c].households), String(report.registry.recognisedInYear[c].people)]),
    );
    expect(await tableRows(`分镇（街道）户数与人数（截至 ${report.registry.asOf}）`)).toEqual(townshipRows(report.registry.byTownship));
    expect(await tableRows('各项目发放（银行已入账）')).toEqual(payoutRows(report.payouts));
    const grantCount = grantTypes.reduce((s, t) => s + report.grants.byType[t].count, 0);
    expect(await tableRows('一次性救助（临时、急难、医疗、教育）')).toEqual(grantRows(report.grants.byType, grantCount, report.grants.totalFen));
    expect(await tableRows('医疗救助')).toEqual([
      ['先诊疗后付费入院（免押金）人次', String(report.medicalAssistance.admissionsGuaranteed)],
      ['出院结算人次', String(report.medicalAssistance.settlements)],
      ['救助人数', String(report.medicalAssistance.people)],
      ['医疗救助金额', yuanText(report.medicalAssistance.amountFen)],
    ]);
    await chartsDrawn(4);
    expect(await seriousViolations(page, 'figures, year')).toEqual([]);
    await screenshot(page, 'figures-02-year');
  });

  it('is on the caseworker menu too', async () => {
    await signInAs(page, stack.url, 'caseworker', 'fig-caseworker');
    await page.getByRole('menuitem', { name: '首页（统计）' }).click();
    const report = await monthly();
    expect(await tableRows('各项目发放（银行已入账）')).toEqual(payoutRows(report.payouts));
    // Staff may read the filed copies; only reviewers and finance file.
    await page.getByRole('button', { name: /^查看 .* 报送的副本$/ }).waitFor();
    expect(await page.getByRole('button', { name: '报送本月月报' }).count()).toBe(0);
  });

  it('saw no page errors, failed requests, 5xx or 4xx on the way', () => {
    expect(seen).toEqual({ pageErrors: [], failedRequests: [], serverErrors: [], clientErrors: [] });
  });
});
