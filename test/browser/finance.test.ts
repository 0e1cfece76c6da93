// The finance screens in a real browser (Debian's Chromium, headless, Los Angeles time) against the
// real local stack: a maker creates a batch and sees its plan; the maker is told why they may not
// approve it; a second officer approves, watches it pay, downloads the bank files, uploads a status
// report with two returns; the batch reconciles and the returned payees are listed. Then a batch
// whose bank files fail is retried (one payment excluded) and approved by a third officer.
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documents } from '../../shared/adapters/clients.ts';
import { tableName } from '../../shared/adapters/resources.ts';
import { dateInChina } from '../../shared/domain/clock.ts';
import { registryCsvColumns } from '../../shared/domain/registry.ts';
import { paymentKey } from '../../shared/domain/payouts/batch.ts';
import { openConsoleBrowser, screenshot, seriousViolations, signInAs, type Watch } from '../support/browser.ts';
import { validIdNumber } from '../support/id-numbers.ts';
import { eventually, startTestStack, type TestStack } from '../support/local-stack.ts';

let stack: TestStack;
let browser: Browser;
let page: Page;
let seen: Watch;
let financeToken: string;

const people = Array.from({ length: 6 }, (_, n) => ({ name: `付款人${'甲乙丙丁戊己'[n]}`, idNumber: validIdNumber(820 + n, '19550101'), account: `62284800${String(820 + n).padStart(8, '0')}` }));
const period = dateInChina(new Date()).slice(0, 7);
let batchId = '';
let reissueId = '';

beforeAll(async () => {
  stack = await startTestStack();
  financeToken = await stack.token('finance', 'api-reader');
  const reviewer = await stack.token('reviewer', 'reviewer-fin');
  const lines = people.map((p, n) => [`HH-F${n}`, p.name, p.idNumber, n < 4 ? 'DIBAO' : 'TEKUN', '真州镇', '90000', '2022-03-01', '江苏银行', p.account].join(','));
  const created = await stack.call('POST', '/recipients/imports', { token: reviewer, rawBody: [registryCsvColumns.join(','), ...lines].join('\n'), contentType: 'text/csv' });
  await eventually(async () => {
    const r = await stack.call('GET', `/recipients/imports/${created.body.importId}`, { token: reviewer });
    return r.body.status === 'COMPLETED' && r.body.imported === people.length ? true : undefined;
  });
  ({ browser, page, seen } = await openConsoleBrowser());
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function signIn(sub: string) {
  await signInAs(page, stack.url, 'finance', sub);
  await page.getByRole('heading', { name: '支付批次' }).waitFor();
}

const apiBatch = async (id = batchId) => (await stack.call('GET', `/payout-batches/${id}`, { token: financeToken })).body;
const apiPayments = async (id = batchId) =>
  (await stack.call('GET', `/payout-batches/${id}/payments?limit=500`, { token: financeToken })).body.items as Array<{ endToEndId: string; recipientId: string; amountFen: number; status: string }>;
const batchStatus = (text: string) => page.locator('header .ant-tag').filter({ hasText: text });

/** The maker's form: a PRICE_SUBSIDY-like batch of this month, money typed in yuan. */
async function createBatch(program: string, title: string, perPersonYuan: string) {
  await page.getByRole('menuitem', { name: '新建批次' }).click();
  await page.getByRole('heading', { name: '新建支付批次' }).waitFor();
  await page.getByLabel('项目').click();
  await page.locator(`.ant-select-item-option[title="${program}"]`).click();
  await page.getByLabel('批次名称').fill(title);
  await page.getByLabel('每人金额（元）').fill(perPersonYuan);
  await page.getByRole('button', { name: /生成名单/ }).click();
  await page.waitForURL(/\/console\/payouts\/pb_/);
  const id = page.url().split('/').pop()!;
  await page.getByRole('region', { name: '支付名单' }).waitFor();
  return id;
}

describe('finance in the console: maker, checker, bank files, status report, reconciliation', () => {
  it('signs a finance officer in to the batch list', async () => {
    await signIn('fin-maker');
    await page.getByRole('table').filter({ hasText: '支付批次（按所属期从新到旧）' }).waitFor();
    expect(await seriousViolations(page, 'batch list')).toEqual([]);
    await screenshot(page, 'finance-01-batches');
  });

  it('lets the maker create a batch and see the plan before approval: count, total in yuan, who was left out', async () => {
    batchId = await createBatch('价格临时补贴', `${period} 价格临时补贴`, '50.50');
    const plan = page.getByRole('region', { name: '支付名单' });
    await plan.getByText('303.00 元').waitFor();
    await plan.getByText('未列入').waitFor();
    const stored = await apiBatch();
    expect(stored).toMatchObject({ program: 'PRICE_SUBSIDY', period, perPersonFen: 5_050, categories: ['DIBAO', 'TEKUN'], status: 'PENDING_APPROVAL', planned: { count: 6, totalFen: 30_300 }, createdBy: 'fin-maker' });
    await batchStatus('待复核审批').waitFor();
    expect(await seriousViolations(page, 'batch plan')).toEqual([]);
    await screenshot(page, 'finance-02-plan');
  });

  it('tells the maker why they may not approve instead of offering the button', async () => {
    await page.getByText('您不能复核审批此批次').waitFor();
    await page.getByText('创建批次的人不能复核审批或驳回').waitFor();
    expect(await page.getByRole('button', { name: '复核通过，开始支付' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^驳\s?回$/ }).count()).toBe(0);
    // The API says the same (403), and nothing changed.
    const byMaker = await stack.call('POST', `/payout-batches/${batchId}/approve`, { token: await stack.token('finance', 'fin-maker') });
    expect([byMaker.status, byMaker.body.error.code]).toEqual([403, 'FORBIDDEN']);
    expect((await apiBatch()).status).toBe('PENDING_APPROVAL');
    await screenshot(page, 'finance-03-maker-may-not-approve');
  });

  it('lets a second officer find it by status, approve it and watch it pay from the real counters', async () => {
    await signIn('fin-checker');
    await page.getByLabel('状态').click();
    await page.locator('.ant-select-item-option[title="待复核审批"]').click();
    await page.getByRole('link', { name: `${period} 价格临时补贴` }).click();
    await page.getByRole('button', { name: '复核通过，开始支付' }).click();
    await batchStatus('已出盘，待银行回执').waitFor();
    const progress = page.getByRole('region', { name: '支付进度' });
    await progress.getByText('已记账 6 / 6 笔').waitFor();
    expect(await progress.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
    expect(await apiBatch()).toMatchObject({ status: 'PAID_OUT', approvedBy: 'fin-checker', progress: { recorded: 6, failed: 0 } });
    expect(await seriousViolations(page, 'paid out')).toEqual([]);
    await screenshot(page, 'finance-04-paid-out');
  });

  it('downloads the CSV and the pain.001 files', async () => {
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载支付清单（CSV）' }).click()]);
    expect(csv.suggestedFilename()).toBe(`${batchId}.csv`);
    const csvText = readFileSync((await csv.path())!, 'utf8');
    for (const p of people) expect(csvText).toContain(p.account);
    const [pain] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载银行报文（pain.001）' }).click()]);
    expect(pain.suggestedFilename()).toBe(`${batchId}.pain001.xml`);
    const xml = readFileSync((await pain.path())!, 'utf8');
    expect(xml).toContain('<NbOfTxs>6</NbOfTxs>');
    expect(xml).toContain('<CtrlSum>303.00</CtrlSum>');
  });

  it('uploads a status report with two returns, sent as text/csv whatever the browser guessed; the batch reconciles', async () => {
    const payments = await apiPayments();
    const returned = payments.slice(0, 2);
    const report = [
      'endToEndId,status,reason',
      ...payments.map((p, i) => `${p.endToEndId},${i === 0 ? 'RJCT,AC04 closed account' : i === 1 ? 'RJCT,AC01 incorrect account number' : 'ACSC,'}`),
    ].join('\r\n');
    // Windows browsers label a .csv file application/vnd.ms-excel: the console decides by content.
    await page.locator('input[type=file]').setInputFiles({ name: '回执.csv', mimeType: 'application/vnd.ms-excel', buffer: Buffer.from(report) });
    const [request] = await Promise.all([
      page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith(`/payout-batches/${batchId}/bank-results`)),
      page.getByRole('button', { name: '上传银行回执' }).click(),
    ]);
    expect(request.headers()['content-type']).toBe('text/csv');
    await page.getByText('回执处理结果').waitFor();
    await batchStatus('已对账').waitFor();
    const reconciliation = page.getByRole('region', { name: '对账' });
    await reconciliation.getByText('4 笔', { exact: true }).waitFor();
    await reconciliation.getByText('2 笔', { exact: true }).waitFor();
    await reconciliation.getByText('0 笔', { exact: true }).waitFor();
    const returns = reconciliation.getByRole('table').filter({ hasText: '被退回的收款人' });
    await returns.getByText('账户已销户（AC04 closed account）').waitFor();
    await returns.getByText('账号有误（AC01 incorrect account number）').waitFor();
    expect(await returns.getByText('可列入下一批').count()).toBe(2);
    expect(await apiBatch()).toMatchObject({ status: 'RECONCILED', reconciliation: { settled: 4, returned: 2, pending: 0 } });
    const apiReturns = (await stack.call('GET', `/payout-batches/${batchId}/payments?status=RETURNED`, { token: financeToken })).body.items;
    expect(apiReturns.map((r: { endToEndId: string }) => r.endToEndId).sort()).toEqual(returned.map((p) => p.endToEndId).sort());
    for (const r of apiReturns) await returns.getByText(r.name, { exact: true }).waitFor();
    expect(await seriousViolations(page, 'reconciliation')).toEqual([]);
    await screenshot(page, 'finance-05-reconciled');
  });

  it('pays the returned payees in the next batch of the program and period, saying who it left out and why', async () => {
    await signIn('fin-maker');
    const nextId = await createBatch('价格临时补贴', `${period} 价格临时补贴（退回重发）`, '50.50');
    const plan = page.getByRole('region', { name: '支付名单' });
    await plan.getByText('101.00 元').waitFor();
    await plan.getByText('本项目本期已列入其他批次或已支付：4 人').waitFor();
    expect(await apiBatch(nextId)).toMatchObject({ planned: { count: 2, totalFen: 10_100 }, skipped: { alreadyPlannedOrPaid: 4 } });
    // The first batch's returns now point at it.
    await page.goto(`${stack.url}/console/payouts/${batchId}`);
    const returns = page.getByRole('table').filter({ hasText: '被退回的收款人' });
    await returns.getByRole('link', { name: '已列入新批次' }).nth(1).waitFor();
    expect(await returns.getByRole('link', { name: '已列入新批次' }).count()).toBe(2);
    await screenshot(page, 'finance-05b-returns-planned-again');
    reissueId = nextId;
  });

  it('lets a checker reject that batch with the reason asked for; the returned payees are ready again', async () => {
    await signIn('fin-checker');
    await page.goto(`${stack.url}/console/payouts/${reissueId}`);
    await page.getByRole('button', { name: /^驳\s?回$/ }).click();
    const form = page.getByRole('region', { name: '驳回' });
    await form.getByRole('button', { name: '确认驳回' }).click();
    await form.getByText('此项必填').waitFor();
    await form.getByLabel('驳回理由').fill('退回账户尚未更正，暂缓重发');
    await form.getByRole('button', { name: '确认驳回' }).click();
    await batchStatus('已驳回').waitFor();
    await page.getByRole('table').filter({ hasText: '办理记录' }).getByText('退回账户尚未更正，暂缓重发').waitFor();
    expect((await apiBatch(reissueId)).history.at(-1)).toMatchObject({ by: 'fin-checker', action: 'REJECTED', reason: '退回账户尚未更正，暂缓重发' });
    await page.goto(`${stack.url}/console/payouts/${batchId}`);
    const returns = page.getByRole('table').filter({ hasText: '被退回的收款人' });
    await returns.getByText('可列入下一批').nth(1).waitFor();
  });

  it('lets the maker cancel a batch before its files are released, with the reason asked for; its payees are free again', async () => {
    await signIn('fin-maker');
    const cancelledId = await createBatch('价格临时补贴', `${period} 价格临时补贴（待作废）`, '50.50');
    await page.getByRole('region', { name: '支付名单' }).getByText('101.00 元').waitFor();
    await page.getByRole('button', { name: '作废批次' }).click();
    const form = page.getByRole('region', { name: '作废批次' });
    await form.getByRole('button', { name: '确认作废（银行文件尚未发出）' }).click();
    await form.getByText('此项必填').waitFor();
    expect((await apiBatch(cancelledId)).status).toBe('PENDING_APPROVAL');
    await form.getByLabel('作废理由').fill('所属期填错，作废重建');
    await form.getByRole('button', { name: '确认作废（银行文件尚未发出）' }).click();
    await batchStatus('已作废').waitFor();
    await page.getByRole('table').filter({ hasText: '办理记录' }).getByText('所属期填错，作废重建').waitFor();
    expect(await page.getByRole('button', { name: '作废批次' }).count()).toBe(0);
    expect(await apiBatch(cancelledId)).toMatchObject({ status: 'CANCELLED' });
    expect((await apiBatch(cancelledId)).history.at(-1)).toMatchObject({ by: 'fin-maker', action: 'CANCELLED', reason: '所属期填错，作废重建' });
    expect(await seriousViolations(page, 'cancelled')).toEqual([]);
    await screenshot(page, 'finance-05c-cancelled');
    // Its claims are released: the first batch's returned payees may be paid by the next batch again.
    await page.goto(`${stack.url}/console/payouts/${batchId}`);
    const returns = page.getByRole('table').filter({ hasText: '被退回的收款人' });
    await returns.getByText('可列入下一批').nth(1).waitFor();
    const apiReturns = (await stack.call('GET', `/payout-batches/${batchId}/payments?status=RETURNED`, { token: financeToken })).body.items;
    expect(apiReturns.map((r: { next: { state: string } }) => r.next.state)).toEqual(['READY', 'READY']);
  });

  it('saw no page errors, failed requests, 5xx or 4xx on the way', () => {
    expect(seen).toEqual({ pageErrors: [], failedRequests: [], serverErrors: [], clientErrors: [] });
  });
});

describe('a failed batch retried with one payment excluded, and approved again by a third officer', () => {
  let failedId = '';
  let tampered = '';

  it('shows the failure and its reason when the bank files cannot be written', async () => {
    await signIn('fin-maker');
    failedId = await createBatch('一次性生活补贴', `${period} 一次性生活补贴`, '100');
    expect((await apiBatch(failedId)).planned).toEqual({ count: 6, totalFen: 60_000 });
    // Fault (as test/integration/payout-operator-actions.test.ts): one payment's amount no longer
    // matches the approved plan, so the bank-file writer refuses and the batch fails.
    tampered = (await apiPayments(failedId))[0]!.endToEndId;
    await documents().send(
      new UpdateCommand({
        TableName: tableName('payments'),
        Key: paymentKey({ batchId: failedId }, tampered),
        UpdateExpression: 'SET amountFen = :more',
        ExpressionAttributeValues: { ':more': 12_000 },
      }),
    );
    await signIn('fin-checker');
    await page.goto(`${stack.url}/console/payouts/${failedId}`);
    await page.getByRole('button', { name: '复核通过，开始支付' }).click();
    await batchStatus('失败').waitFor();
    await page.getByRole('alert').filter({ hasText: '批次失败' }).getByText(/bank files not written/).waitFor();
    expect(await seriousViolations(page, 'failed batch')).toEqual([]);
    await screenshot(page, 'finance-06-failed');
  });

  it('retries it with the reason asked for and the bad payment excluded; the retrier may not approve it', async () => {
    await page.getByRole('button', { name: '重做失败的步骤' }).click();
    const form = page.getByRole('region', { name: '重做失败的步骤' });
    await form.getByRole('combobox', { name: /剔除的付款/ }).click();
    await page.keyboard.type(tampered.slice(-8));
    await page.locator('.ant-select-item-option').filter({ hasText: tampered }).click();
    await page.keyboard.press('Escape');
    await form.getByLabel('重做理由').fill('金额不符的一笔剔除后重做');
    await form.getByRole('button', { name: /确认重做/ }).click();
    await batchStatus('待复核审批').waitFor();
    await page.getByText('此批次的重做由您（fin-checker）申请').waitFor();
    expect(await page.getByRole('button', { name: '复核通过，开始支付' }).count()).toBe(0);
    const retried = await apiBatch(failedId);
    expect(retried).toMatchObject({ status: 'PENDING_APPROVAL', retriedBy: 'fin-checker', planned: { count: 5, totalFen: 50_000 } });
    expect(retried.history.at(-2)).toMatchObject({ by: 'fin-checker', action: 'RETRY_REQUESTED', reason: expect.stringContaining('金额不符的一笔剔除后重做') });
    await screenshot(page, 'finance-07-retried');
  });

  it('is approved by a third officer and pays out without the excluded payment', async () => {
    await signIn('fin-third');
    await page.goto(`${stack.url}/console/payouts/${failedId}`);
    await page.getByRole('button', { name: '复核通过，开始支付' }).click();
    await batchStatus('已出盘，待银行回执').waitFor();
    await page.getByRole('region', { name: '支付进度' }).getByText('已记账 5 / 5 笔').waitFor();
    expect(await apiBatch(failedId)).toMatchObject({ status: 'PAID_OUT', approvedBy: 'fin-third', planned: { count: 5 } });
    expect((await apiPayments(failedId)).map((p) => p.endToEndId)).not.toContain(tampered);
    await screenshot(page, 'finance-08-retried-paid');
  });

  it('applies a pain.002 rejecting the whole file, sent as XML, as every payment returned, with the reason asked for', async () => {
    const rejection = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt>
<GrpHdr><MsgId>RPT-DUPL</MsgId><CreDtTm>2026-11-30T10:00:00+08:00</CreDtTm></GrpHdr>
<OrgnlGrpInfAndSts><OrgnlMsgId>${failedId}</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId><GrpSts>RJCT</GrpSts>
<StsRsnInf><Rsn><Cd>DUPL</Cd></Rsn><AddtlInf>duplicate file</AddtlInf></StsRsnInf></OrgnlGrpInfAndSts>
</CstmrPmtStsRpt></Document>`;
    // No type guessed at all (an unknown extension): the console still sends XML.
    await page.locator('input[type=file]').setInputFiles({ name: 'huizhi.rpt', mimeType: '', buffer: Buffer.from(rejection) });
    const [request] = await Promise.all([
      page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith(`/payout-batches/${failedId}/bank-results`)),
      page.getByRole('button', { name: '上传银行回执' }).click(),
    ]);
    expect(request.headers()['content-type']).toBe('application/xml');
    await page.getByText('银行拒绝了整个支付文件').waitFor();
    await page.getByRole('button', { name: '按整批退回处理' }).click();
    const form = page.getByRole('region', { name: '按整批退回处理' });
    await form.getByLabel('整批退回理由').fill('银行以重复文件整批退回');
    await form.getByRole('button', { name: '确认整批退回' }).click();
    await batchStatus('已对账').waitFor();
    const reconciliation = page.getByRole('region', { name: '对账' });
    await reconciliation.getByText('5 笔', { exact: true }).waitFor();
    const returns = reconciliation.getByRole('table').filter({ hasText: '被退回的收款人' });
    await returns.getByText('可列入下一批').nth(4).waitFor();
    expect(await apiBatch(failedId)).toMatchObject({ status: 'RECONCILED', reconciliation: { settled: 0, returned: 5, pending: 0 } });
    expect(await seriousViolations(page, 'whole-file return')).toEqual([]);
    await screenshot(page, 'finance-09-whole-file-returned');
  });

  it('saw no page errors, failed requests, 5xx or 4xx on the way', () => {
    expect(seen).toEqual({ pageErrors: [], failedRequests: [], serverErrors: [], clientErrors: [] });
  });
});

describe('a batch above the payer bank’s per-file limit', () => {
  it('lists every part of its bank files, each downloadable as a whole CSV and pain.001', async () => {
    // The bank takes 2 payments a file here (lowering data/payer.json's limit): the 4 DIBAO payees make 2 parts.
    process.env.TUODI_MAX_PAYMENTS_PER_FILE = '2';
    let id: string;
    try {
      const created = await stack.call('POST', '/payout-batches', {
        token: await stack.token('finance', 'fin-maker'),
        body: { program: 'MONTHLY_BENEFIT', period, title: `${period} 低保金`, categories: ['DIBAO'] },
      });
      id = created.body.id;
      await eventually(async () => ((await apiBatch(id)).status === 'PENDING_APPROVAL' ? true : undefined));
      expect((await stack.call('POST', `/payout-batches/${id}/approve`, { token: await stack.token('finance', 'fin-checker') })).status).toBe(202);
      await eventually(async () => (['PAID_OUT', 'FAILED'].includes((await apiBatch(id)).status) ? true : undefined));
    } finally {
      delete process.env.TUODI_MAX_PAYMENTS_PER_FILE;
    }
    const paid = await apiBatch(id);
    expect(paid).toMatchObject({ status: 'PAID_OUT', planned: { count: 4, totalFen: 360_000 }, files: null });

    await page.goto(`${stack.url}/console/payouts/${id}`);
    const files = page.getByRole('region', { name: '银行文件' });
    await files.getByText('分为 2 个文件').waitFor();
    await files.getByText('合计 4 笔，3600.00 元').waitFor();
    expect(await files.getByRole('row').count()).toBe(3); // the header and one row per part
    await files.getByRole('row').filter({ hasText: `${id}-1` }).getByText('第 1 / 2 个').waitFor();
    const [csv] = await Promise.all([page.waitForEvent('download'), files.getByRole('button', { name: '下载第 2 个支付清单（CSV）' }).click()]);
    expect(csv.suggestedFilename()).toBe(`${id}-2.csv`);
    const rows = readFileSync((await csv.path())!, 'utf8').trim().split('\r\n');
    expect(rows).toHaveLength(3); // its own header and its 2 payments
    const [pain] = await Promise.all([page.waitForEvent('download'), files.getByRole('button', { name: '下载第 2 个银行报文（pain.001）' }).click()]);
    expect(pain.suggestedFilename()).toBe(`${id}-2.pain001.xml`);
    const xml = readFileSync((await pain.path())!, 'utf8');
    expect(xml).toContain(`<MsgId>${id}-2</MsgId>`);
    expect(xml).toContain('<NbOfTxs>2</NbOfTxs>');
    expect(xml).toContain('<CtrlSum>1800.00</CtrlSum>');
    expect(await seriousViolations(page, 'bank files in parts')).toEqual([]);
    await screenshot(page, 'finance-10-bank-files-in-parts');
  });

  it('saw no page errors, failed requests, 5xx or 4xx on the way', () => {
    expect(seen).toEqual({ pageErrors: [], failedRequests: [], serverErrors: [], clientErrors: [] });
  });
});
