// 住院登记与结算, the desk of a designated hospital without its own information system, in
// Chromium against the real local stack: a hospital clerk signs in and sees only the desk; admits
// a 低保 patient (the answer at the desk: no deposit), runs the trial settlement, settles the
// discharge, then reverses the discharge and the admission from the day's list. Every figure shown
// is compared with what the API answers for the same notice.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registryCsvColumns } from '../../shared/domain/registry.ts';
import { formatYuan } from '../../shared/domain/yuan.ts';
import { openConsoleBrowser, screenshot, seriousViolations, signInAs, type Watch } from '../support/browser.ts';
import { validIdNumber } from '../support/id-numbers.ts';
import { eventually, startTestStack, type TestStack } from '../support/local-stack.ts';

let stack: TestStack;
let browser: Browser;
let page: Page;
let seen: Watch;
let hospitalToken: string;

const patient = { name: '柏玉珍', idNumber: validIdNumber(880, '19480808') };
const yuanText = (fen: number) => `${formatYuan(fen)} 元`;
const amounts = { totalCostFen: 2_000_000, insurancePaidFen: 1_200_000, criticalIllnessPaidFen: 200_000, nonCoveredFen: 50_000 };
let admissionNo = '';
let dischargeNo = '';

beforeAll(async () => {
  stack = await startTestStack();
  const reviewer = await stack.token('reviewer', 'desk-reviewer');
  hospitalToken = await stack.token('hospital', 'desk-api', 'H-YZ-PEOPLES');
  const line = ['HH-DESK', patient.name, patient.idNumber, 'DIBAO', '真州镇', '90000', '2022-03-01', '江苏银行', '6228480088000001'].join(',');
  const created = await stack.call('POST', '/recipients/imports', { token: reviewer, rawBody: [registryCsvColumns.join(','), line].join('\n'), contentType: 'text/csv' });
  await eventually(async () => {
    const r = await stack.call('GET', `/recipients/imports/${created.body.importId}`, { token: reviewer });
    return r.body.status === 'COMPLETED' && r.body.imported === 1 ? true : undefined;
  });
  ({ browser, page, seen } = await openConsoleBrowser());
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** The calling hospital's notices of today, as the API lists them. */
async function apiDay() {
  const date = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  return (await stack.call('GET', `/hospital-notices?date=${date}`, { token: hospitalToken })).body as {
    items: Array<{ noticeNo: string; kind: string; status: string; settlement: { medicalAssistanceFen: number } | null }>;
    totals: { settled: number; reversed: number; medicalAssistanceFen: number };
  };
}
const apiNotice = async (noticeNo: string) => (await apiDay()).items.find((n) => n.noticeNo === noticeNo);

/** The cells of the settlement table titled `caption`, label → value. */
async function settlementShown(caption: string): Promise<Record<string, string>> {
  const table = page.locator('table').filter({ has: page.locator('caption', { hasText: caption }) });
  await table.waitFor();
  const rows = await table.locator('tr').evaluateAll((trs) => trs.map((tr) => Array.from((tr as any).cells as ArrayLike<{ textContent: string }>, (c) => c.textContent.trim())));
  return Object.fromEntries(rows.map(([label, value]) => [label, value]));
}
const settlementExpected = (s: { outOfPocketFen: number; medicalAssistanceFen: number; patientPaysFen: number; annualUsedFen: number; annualCapFen: number }) => ({
  '个人自付（总费用减医保、大病保险）': yuanText(s.outOfPocketFen),
  医疗救助支付: yuanText(s.medicalAssistanceFen),
  患者应付: yuanText(s.patientPaysFen),
  '本年度已用 / 年度封顶': `${yuanText(s.annualUsedFen)} / ${yuanText(s.annualCapFen)}`,
});
const dayList = () => page.locator('table').filter({ has: page.locator('caption', { hasText: '今日单据（按收到时间）' }) });
const rowOf = (noticeNo: string) => dayList().locator('tr').filter({ hasText: noticeNo });

describe('the hospital desk: admit, pre-settle, settle and reverse one stay', () => {
  it('signs a hospital clerk in to the desk, and the desk only', async () => {
    await signInAs(page, stack.url, 'hospital', 'desk-clerk', 'H-YZ-PEOPLES');
    await page.getByRole('heading', { name: '住院登记与结算（仪征市人民医院）' }).waitFor();
    expect(await page.getByRole('menuitem').allTextContents()).toEqual(['住院登记与结算']);
    // A staff screen's address leads back to the desk.
    await page.goto(`${stack.url}/console/payouts`);
    await page.getByRole('heading', { name: '住院登记与结算（仪征市人民医院）' }).waitFor();
    expect(new URL(page.url()).pathname).toBe('/console/hospital-desk');
    expect(await seriousViolations(page, 'desk')).toEqual([]);
  });

  it('admits a 低保 patient with the answer at the desk: no deposit', async () => {
    admissionNo = await page.getByLabel('入院单号', { exact: true }).first().inputValue();
    expect(admissionNo).toMatch(/^ZY\d{12}[A-Z]{4}$/);
    await page.getByLabel('患者姓名').fill(patient.name);
    await page.getByLabel('身份证号码').fill(patient.idNumber);
    await page.getByLabel('诊断（可不填）').fill('肺炎');
    await page.getByRole('button', { name: '核验并登记入院' }).click();
    await page.getByRole('status').filter({ hasText: `${admissionNo}：低保对象，可先诊疗、后付费，免交押金入院` }).waitFor();
    expect(await apiNotice(admissionNo)).toMatchObject({ kind: 'ADMISSION', status: 'GUARANTEED' });
    await rowOf(admissionNo).getByText('先诊疗后付费（免押金）').waitFor();
    expect(await seriousViolations(page, 'admitted')).toEqual([]);
    await screenshot(page, 'desk-01-admitted');
  });

  it('runs the trial settlement: the split the API computes, nothing stored', async () => {
    const discharge = page.getByRole('region', { name: '出院结算' });
    expect(await discharge.getByLabel('入院单号').inputValue()).toBe(admissionNo);
    dischargeNo = await discharge.getByLabel('出院单号').inputValue();
    await discharge.getByLabel('住院总费用（元）').fill('20000');
    await discharge.getByLabel('基本医保支付（元）').fill('12000');
    await discharge.getByLabel('大病保险支付（元）').fill('2000');
    await discharge.getByLabel('目录外费用（元）').fill('500.00');
    await discharge.getByRole('button', { name: /^预\s?结\s?算$/ }).click();
    const shown = await settlementShown('预结算（未保存，不计入统计）');
    const api = await stack.call('POST', '/hospital-notices/pre-settlements', {
      token: hospitalToken,
      body: { admissionNoticeNo: admissionNo, dischargedAt: new Date().toISOString(), ...amounts },
    });
    expect(api.body.settlement.medicalAssistanceFen).toBeGreaterThan(0);
    expect(shown).toEqual(settlementExpected(api.body.settlement));
    expect(await apiNotice(dischargeNo)).toBeUndefined();
    await screenshot(page, 'desk-02-pre-settled');
  });

  it('settles the discharge; the day totals the assistance fronted', async () => {
    const discharge = page.getByRole('region', { name: '出院结算' });
    await discharge.getByRole('button', { name: '确认出院结算' }).click();
    await page.getByRole('status').filter({ hasText: `${dischargeNo}：出院结算完成` }).waitFor();
    const day = await apiDay();
    const settled = day.items.find((n) => n.noticeNo === dischargeNo)!;
    expect(settled).toMatchObject({ kind: 'DISCHARGE', status: 'SETTLED' });
    const fronted = settled.settlement!.medicalAssistanceFen;
    expect((await settlementShown(`出院结算 ${dischargeNo}`))['医疗救助支付']).toBe(yuanText(fronted));
    await page.getByText(`今日结算 1 笔，冲正 0 笔，医疗救助垫付净额 ${yuanText(fronted)}`).waitFor();
    expect(day.totals).toEqual({ settled: 1, reversed: 0, medicalAssistanceFen: fronted });
    await rowOf(dischargeNo).getByText('已结算').waitFor();
    // The settled stay's admission offers neither another discharge nor its own reversal.
    expect(await rowOf(admissionNo).getByRole('button').count()).toBe(0);
    expect(await seriousViolations(page, 'settled')).toEqual([]);
    await screenshot(page, 'desk-03-settled');
  });

  it('reverses the discharge, then the admission, from the day list', async () => {
    await rowOf(dischargeNo).getByRole('button', { name: `冲正 ${dischargeNo}` }).click();
    const reversal = page.getByRole('region', { name: '冲正' });
    await reversal.getByText('结算作废，医疗救助金额退回年度额度').waitFor();
    await reversal.getByRole('button', { name: '确认冲正' }).click();
    await page.getByRole('status').filter({ hasText: `已冲正 ${dischargeNo}` }).waitFor();
    await rowOf(dischargeNo).getByText('已冲正').waitFor();
    await page.getByText('今日结算 1 笔，冲正 1 笔，医疗救助垫付净额 0.00 元').waitFor();
    expect(await apiNotice(dischargeNo)).toMatchObject({ status: 'REVERSED' });

    await rowOf(admissionNo).getByRole('button', { name: `冲正 ${admissionNo}` }).click();
    await page.getByRole('region', { name: '冲正' }).getByText('此次住院关闭').waitFor();
    await page.getByRole('region', { name: '冲正' }).getByRole('button', { name: '确认冲正' }).click();
    await page.getByRole('status').filter({ hasText: `已冲正 ${admissionNo}` }).waitFor();
    await rowOf(admissionNo).getByText('已冲正').waitFor();
    expect(await apiNotice(admissionNo)).toMatchObject({ status: 'REVERSED' });
    const day = await apiDay();
    expect(day.totals).toEqual({ settled: 1, reversed: 2, medicalAssistanceFen: 0 });
    expect(day.items.filter((n) => n.kind === 'REVERSAL').map((n) => n.status)).toEqual(['APPLIED', 'APPLIED']);
    expect(await seriousViolations(page, 'reversed')).toEqual([]);
    await screenshot(page, 'desk-04-reversed');
  });

  it('saw no page errors, failed requests, 5xx or 4xx on the way', () => {
    expect(seen).toEqual({ pageErrors: [], failedRequests: [], serverErrors: [], clientErrors: [] });
  });
});
