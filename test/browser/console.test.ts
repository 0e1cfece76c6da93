// The console in a real browser (Debian's Chromium, headless) against the real local stack: a
// caseworker files a DIBAO application with a document and submits it; the filer, signed in as
// a reviewer, is told why they may not decide; another reviewer approves and the notice prints.
// The browser runs in Los Angeles time: the console must still show China time.
import { mkdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instantInChina } from '../../shared/domain/clock.ts';
import { functions } from '../../shared/topology.ts';
import { openConsoleBrowser, screenshot, screenshotDir, seriousViolations, signInAs, type Watch } from '../support/browser.ts';
import { gbkBytes } from '../support/gbk.ts';
import { validIdNumber, withWrongCheckDigit } from '../support/id-numbers.ts';
import { eventually, startTestStack, type TestStack } from '../support/local-stack.ts';

let stack: TestStack;
let browser: Browser;
let page: Page;
let seen: Watch;
let reviewerToken: string;

const head = { name: '周玉兰', idNumber: validIdNumber(501, '19620315') };
const masked = `${head.idNumber.slice(0, 6)}********${head.idNumber.slice(-4)}`;
let applicationId = '';

beforeAll(async () => {
  stack = await startTestStack();
  reviewerToken = await stack.token('reviewer', 'api-reader');
  ({ browser, page, seen } = await openConsoleBrowser());
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const signIn = (role: 'caseworker' | 'reviewer', sub: string) => signInAs(page, stack.url, role, sub);

const apiApplication = async () => (await stack.call('GET', `/applications/${applicationId}`, { token: reviewerToken })).body;

describe('the console in Chromium', () => {
  it('is served at /console/ and signs a caseworker in with the local dev sign-in', async () => {
    await signIn('caseworker', 'cw-e2e');
    await page.getByRole('heading', { name: '我的申请' }).waitFor();
    expect(await seriousViolations(page, 'my applications')).toEqual([]);
    await screenshot(page, '01-caseworker-my-applications');
  });

  it('lets a caseworker file a DIBAO application: the ID check digit is checked on the field, money typed in yuan', async () => {
    await page.getByRole('button', { name: '新建申请' }).click();
    await page.getByRole('heading', { name: '新建救助申请' }).waitFor();
    await page.getByLabel('乡镇（街道）').fill('真州镇');
    await page.getByLabel('家庭住址').fill('真州镇东园村8号');
    await page.getByLabel('姓名').fill(head.name);
    await page.getByLabel('身份证号码').fill(withWrongCheckDigit(head.idNumber));
    await page.getByLabel('月收入（元）').fill('300.5');
    await page.getByLabel('存款（元）').fill('5000');
    await page.getByLabel('申请理由').fill('丈夫去世，无固定收入');
    await page.getByRole('button', { name: '保存申请（草稿）' }).click();
    await page.getByText('身份证号码校验位不正确（GB 11643）').waitFor();
    expect(await seriousViolations(page, 'new application')).toEqual([]);
    await screenshot(page, '02-new-application-field-error');

    await page.getByLabel('身份证号码').fill(head.idNumber);
    await page.getByLabel('开户银行').fill('江苏银行');
    await page.getByLabel('银行账号').fill('6228480012345678');
    await page.getByRole('button', { name: '保存申请（草稿）' }).click();
    await page.waitForURL(/\/console\/applications\/app_/);
    applicationId = page.url().split('/').pop()!;
    await page.getByText(masked).waitFor();
    expect(await page.getByText(head.idNumber, { exact: true }).count()).toBe(0);

    const stored = await apiApplication();
    expect(stored.household.members[0]).toMatchObject({ name: head.name, idNumberMasked: masked, monthlyIncomeFen: 30_050 });
    expect(stored.household.assets.depositsFen).toBe(500_000);
    // Shown in China time although the browser runs in Los Angeles.
    await page.getByText(`cw-e2e · ${instantInChina(stored.createdAt)}`).waitFor();
  });

  it('attaches a document through the presigned upload and submits the application for assessment', async () => {
    await page.locator('input[type=file]').setInputFiles({ name: 'hukou.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\n% Tuodi test\n') });
    await page.getByRole('button', { name: '上传材料' }).click();
    await page.getByRole('link', { name: '户口簿：hukou.pdf' }).waitFor();
    await screenshot(page, '03-document-attached');

    await page.getByRole('button', { name: '提交申请' }).click();
    await page.getByText('评估结果').waitFor();
    // The assessment's reasons in Chinese, from the API's reason codes.
    await page.getByRole('list', { name: '评估依据' }).getByText(/^家庭人均月收入 300\.50 元（1 人合计 300\.50 元），低于低保标准 [\d.]+ 元$/).waitFor();
    const assessed = await apiApplication();
    expect(assessed.status).toBe('UNDER_REVIEW');
    expect(assessed.documents).toEqual([expect.objectContaining({ kind: 'HOUSEHOLD_REGISTER', fileName: 'hukou.pdf', sizeBytes: 22 })]);
    await page.getByText('审批由县级审核人进行').waitFor();
    await screenshot(page, '04-submitted-assessed');
  });

  it('tells the filer, signed in as a reviewer, why they may not decide instead of offering the button', async () => {
    await page.getByRole('button', { name: '退 出' }).or(page.getByRole('button', { name: '退出' })).click();
    await signIn('reviewer', 'cw-e2e');
    await page.goto(`${stack.url}/console/applications/${applicationId}`);
    await page.getByText('您不能审批此申请').waitFor();
    await page.getByText('按照审批职责分离的规定').waitFor();
    expect(await page.getByRole('button', { name: '提交审批' }).count()).toBe(0);
    await screenshot(page, '05-filer-may-not-decide');
  });

  it('lets another reviewer find it in the queue and approve it with a monthly benefit in yuan', async () => {
    await page.getByRole('button', { name: '退 出' }).or(page.getByRole('button', { name: '退出' })).click();
    await signIn('reviewer', 'rv-e2e');
    await page.getByRole('heading', { name: '审核队列' }).waitFor();
    await page.getByRole('link', { name: applicationId }).waitFor();
    expect(await seriousViolations(page, 'review queue')).toEqual([]);
    await screenshot(page, '06-review-queue');
    await page.getByRole('link', { name: applicationId }).click();
    await page.getByLabel('每人每月保障金（元）').fill('600.50');
    await page.getByLabel('审批意见（理由）').fill('入户调查属实');
    expect(await seriousViolations(page, 'application under review')).toEqual([]);
    await page.getByRole('button', { name: '提交审批' }).click();
    await page.getByText('已批准：入户调查属实').waitFor();
    const decided = await apiApplication();
    expect(decided.status).toBe('PUBLIC_NOTICE');
    expect(decided.decision).toMatchObject({ decision: 'APPROVE', decidedBy: 'rv-e2e', monthlyBenefitFen: 60_050 });
    await screenshot(page, '07-approved');
  });

  it('opens the masked public notice and prints it on A4', async () => {
    await page.getByRole('link', { name: '打开公示（可打印）' }).click();
    const notice = page;
    await notice.getByRole('article', { name: '公示' }).waitFor();
    const text = await notice.getByRole('article', { name: '公示' }).innerText();
    expect(text).toContain(masked);
    expect(text).not.toContain(head.idNumber);
    expect(text).not.toContain(head.name);
    expect(text).toContain('600.50');
    mkdirSync(screenshotDir, { recursive: true });
    const pdf = join(screenshotDir, 'notice.pdf');
    await notice.emulateMedia({ media: 'print' });
    expect(await notice.getByRole('button', { name: '打印公示' }).isVisible()).toBe(false);
    await notice.pdf({ path: pdf, format: 'A4', preferCSSPageSize: true });
    expect(statSync(pdf).size).toBeGreaterThan(1000);
    await notice.screenshot({ path: join(screenshotDir, '08-notice-print.png'), fullPage: true });
    await notice.emulateMedia({ media: 'screen' });
    await notice.getByRole('link', { name: '返回申请' }).click();
    await page.getByText('已批准：入户调查属实').waitFor();
  });

  it('saw no page errors, no failed requests, no 5xx and no 4xx on the way', async () => {
    await eventually(async () => true);
    expect(seen).toEqual({ pageErrors: [], failedRequests: [], serverErrors: [], clientErrors: [] });
  });
});

describe('registry import in the console: a GBK file from Chinese Excel, dry run first', () => {
  const people = [
    { name: '钱桂英', idNumber: validIdNumber(611, '19480707') },
    { name: '欧阳晓燕', idNumber: validIdNumber(612, '19750213') },
  ];
  const badLine = { name: '孙德胜', idNumber: withWrongCheckDigit(validIdNumber(613, '19520101')) };
  // Chinese headers and yuan, as a bureau's own sheet saved with Excel's "CSV (逗号分隔)": GBK bytes.
  const csv = [
    '户编号,姓名,身份证号,类别,乡镇,月保障金(元),起始日期,开户行,账号',
    `HH-E2E-1,${people[0]!.name},${people[0]!.idNumber},低保,真州镇,900.50,2024-03-01,江苏银行,6228480012340001`,
    `HH-E2E-2,${badLine.name},${badLine.idNumber},特困,刘集镇,1200,2024-03-01,江苏银行,6228480012340002`,
    `HH-E2E-3,${people[1]!.name},${people[1]!.idNumber},低保边缘,月塘镇,450,2024-03-01,江苏银行,6228480012340003`,
  ].join('\r\n');
  let errorsBefore = 0;

  it('dry-runs a GBK file sent as bytes: counts, encoding, the rows in Chinese, the bad line named in Chinese', async () => {
    errorsBefore = seen.clientErrors.length;
    await signIn('reviewer', 'rv-import');
    await page.getByRole('menuitem', { name: '名册导入' }).click();
    await page.getByRole('heading', { name: '名册导入' }).waitFor();
    await page.locator('input[type=file]').setInputFiles({ name: '登记表.csv', mimeType: 'application/vnd.ms-excel', buffer: Buffer.from(gbkBytes(csv)) });
    await page.getByRole('button', { name: '检查（试导入）' }).click();
    await page.getByText('试导入：共 3 行，可导入 2 人，未通过 1 行（文件编码 GB18030）。尚未保存任何数据。').waitFor();
    const preview = page.getByRole('table').filter({ hasText: '将导入的前 2 行' });
    await preview.getByText(people[0]!.name).waitFor();
    await preview.getByText(`${people[0]!.idNumber.slice(0, 6)}********${people[0]!.idNumber.slice(-4)}`).waitFor();
    await preview.getByText('900.50 元').waitFor();
    await page.getByRole('row', { name: /^3\s+身份证号码：身份证号码校验位不正确（GB 11643）/ }).waitFor();
    // A dry run stores nothing.
    const search = await stack.call('GET', `/recipients?idNumber=${people[0]!.idNumber}`, { token: reviewerToken });
    expect(search.body.items).toEqual([]);
    expect(await seriousViolations(page, 'registry dry run')).toEqual([]);
    await screenshot(page, '09-registry-dry-run');
  });

  it('imports it, shows the outcome and downloads every rejected line as CSV', async () => {
    await page.getByRole('button', { name: '确认导入' }).click();
    await page.getByText('已完成').waitFor();
    const result = page.getByRole('region', { name: '导入结果' });
    await result.getByText('2 人').waitFor();
    await result.getByText('GB18030').waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '下载全部未通过的行（CSV）' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^导入未通过行-.+\.csv$/);
    const rejections = readFileSync((await download.path())!, 'utf8');
    expect(rejections.split('\r\n').slice(0, 2)).toEqual(['\uFEFFline,message', '3,"idNumber: check digit does not match"']);
    for (const person of people) {
      const found = await stack.call('GET', `/recipients?idNumber=${person.idNumber}`, { token: reviewerToken });
      expect(found.body.items.map((r: { name: string }) => r.name)).toEqual([person.name]);
    }
    await screenshot(page, '10-registry-imported');
  });

  it('refuses a file in an encoding it cannot read with the Chinese advice, storing nothing', async () => {
    const latin1 = Buffer.from('householdId,name,idNumber,category,township,monthlyBenefitFen,since,bankName,bankAccount\r\nHH-X,M\u00ffller,11010519491231002X,DIBAO,X,90000,2024-03-01,B,6228480012349999\r\n', 'latin1');
    await page.locator('input[type=file]').setInputFiles({ name: 'latin1.csv', mimeType: 'text/csv', buffer: latin1 });
    await page.getByRole('button', { name: '检查（试导入）' }).click();
    await page.getByRole('alert').filter({ hasText: '无法识别文件的编码：请在 Excel 中“文件 › 另存为”，选择“CSV UTF-8（逗号分隔）(*.csv)”后重新上传' }).waitFor();
    await page.getByText('填写有误，请按提示修改').waitFor();
    await screenshot(page, '11-registry-unreadable');
  });

  it('saw no page errors, failed requests or 5xx, and only the one 400 it expected', () => {
    const expected = seen.clientErrors.slice(errorsBefore);
    expect(expected).toEqual(['POST /recipients/imports → 400']);
    expect(seen.pageErrors.filter((e) => !/status of 400/.test(e))).toEqual([]);
    expect([seen.failedRequests, seen.serverErrors]).toEqual([[], []]);
  });
});

describe('filing by keyboard alone, and a session that expires mid-form', () => {
  /** Presses Tab until the control has the focus: proves it is reachable without a mouse. */
  async function tabTo(control: Locator, max = 120) {
    for (let i = 0; i < max; i++) {
      if (await control.evaluate((el) => { const active = (globalThis as any).document.activeElement; return el === active || el.contains(active); })) return;
      await page.keyboard.press('Tab');
    }
    throw new Error(`${control} was not reached by ${max} presses of Tab`);
  }
  async function typeInto(label: string, text: string) {
    await tabTo(page.getByLabel(label, { exact: true }));
    await page.keyboard.press('Control+A');
    await page.keyboard.type(text);
  }
  let errorsBefore = 0;

  it('files a DIBAO application with the keyboard only, from the landing screen to the saved draft', async () => {
    errorsBefore = seen.clientErrors.length;
    await signIn('caseworker', 'cw-keyboard');
    await page.getByRole('heading', { name: '我的申请' }).waitFor();
    await tabTo(page.getByRole('button', { name: '新建申请' }));
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: '新建救助申请' }).waitFor();
    const person = { name: '陈秀珍', idNumber: validIdNumber(721, '19580505') };
    await typeInto('乡镇（街道）', '真州镇');
    await typeInto('家庭住址', '真州镇西园村3号');
    await typeInto('姓名', person.name);
    await typeInto('身份证号码', person.idNumber);
    await typeInto('月收入（元）', '120');
    await typeInto('存款（元）', '3000');
    await typeInto('申请理由', '年老体弱，无固定收入');
    await tabTo(page.getByRole('button', { name: '保存申请（草稿）' }));
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/console\/applications\/app_/);
    const id = page.url().split('/').pop()!;
    const stored = (await stack.call('GET', `/applications/${id}`, { token: reviewerToken })).body;
    expect(stored).toMatchObject({ status: 'DRAFT', createdBy: 'cw-keyboard', reason: '年老体弱，无固定收入' });
    expect(stored.household.members[0]).toMatchObject({ name: person.name, monthlyIncomeFen: 12_000 });
    await screenshot(page, '12-keyboard-filed');
  });

  it('keeps what was typed when the session expires mid-form, says so, and saves after signing in again', async () => {
    // A real token that lapses in seconds, signed by the stack's dev keys.
    const shortLived = await stack.keys.sign({ role: 'caseworker', sub: 'cw-expiring', expiresIn: '3s' });
    await page.goto(`${stack.url}/console/sign-in`);
    await page.evaluate((token) => {
      const claims = JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/')));
      (globalThis as any).sessionStorage.setItem('tuodi.session', JSON.stringify({ token, role: 'caseworker', sub: 'cw-expiring', expiresAt: claims.exp }));
    }, shortLived);
    await page.goto(`${stack.url}/console/applications/new`);
    await page.getByRole('heading', { name: '新建救助申请' }).waitFor();
    const person = { name: '周建国', idNumber: validIdNumber(722, '19500808') };
    await page.getByLabel('乡镇（街道）').fill('真州镇');
    await page.getByLabel('家庭住址').fill('真州镇北园村9号');
    await page.getByLabel('姓名').fill(person.name);
    await page.getByLabel('身份证号码').fill(person.idNumber);
    await page.getByLabel('申请理由').fill('独居老人，无收入');
    // Wait (for a condition, not a fixed time) until the API refuses the token.
    await eventually(async () => ((await stack.call('GET', '/applications?limit=1', { token: shortLived })).status === 401 ? true : undefined));
    await page.getByRole('button', { name: '保存申请（草稿）' }).click();
    const dialog = page.getByRole('dialog', { name: '登录已失效，请重新登录' });
    await dialog.getByText('刚才填写的内容仍保留在页面上').waitFor();
    await screenshot(page, '13-session-expired');
    await dialog.getByRole('button', { name: '登 录' }).or(dialog.getByRole('button', { name: '登录' })).click();
    await dialog.waitFor({ state: 'hidden' });
    // Nothing typed was lost.
    expect(await page.getByLabel('姓名').inputValue()).toBe(person.name);
    expect(await page.getByLabel('申请理由').inputValue()).toBe('独居老人，无收入');
    await page.getByRole('button', { name: '保存申请（草稿）' }).click();
    await page.waitForURL(/\/console\/applications\/app_/);
    const id = page.url().split('/').pop()!;
    const stored = (await stack.call('GET', `/applications/${id}`, { token: reviewerToken })).body;
    expect(stored).toMatchObject({ status: 'DRAFT', createdBy: 'cw-expiring', reason: '独居老人，无收入' });
    expect(stored.household.members[0].name).toBe(person.name);
  });

  it('saw no page errors, failed requests or 5xx, and only the one 401 it expected', () => {
    expect(seen.clientErrors.slice(errorsBefore)).toEqual(['POST /applications → 401']);
    expect(seen.pageErrors.filter((e) => !/status of 40[01]/.test(e))).toEqual([]);
    expect([seen.failedRequests, seen.serverErrors]).toEqual([[], []]);
  });
});

describe('the console and the dev sign-in are local only', () => {
  it('serves the built console with its security headers, and screen addresses load the app', async () => {
    const index = await stack.call('GET', '/console/');
    expect(index.status).toBe(200);
    expect(index.text).toContain('<div id="root">');
    const screen = await stack.call('GET', '/console/applications/app_123');
    expect([screen.status, screen.text]).toEqual([200, index.text]);
    expect((await stack.call('GET', '/console/%2e%2e/package.json')).text).not.toContain('"devDependencies"');
    expect((await stack.call('GET', '/console/assets/none.js')).status).toBe(404);
  });

  it('mints a dev token for a chosen role and subject that the API accepts, and refuses a bad subject naming the field', async () => {
    const minted = await stack.call('POST', '/local/dev-token', { body: { role: 'reviewer', sub: 'rv-9', township: '真州镇' } });
    expect(minted.status).toBe(200);
    expect((await stack.call('GET', '/applications?limit=1', { token: minted.body.token })).status).toBe(200);
    const refused = await stack.call('POST', '/local/dev-token', { body: { role: 'boss', sub: 'a b' } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.map((d: { path: string; code: string }) => [d.path, d.code])).toEqual([
      ['role', 'INVALID_VALUE'],
      ['sub', 'INVALID_FORMAT'],
    ]);
  });

  it('is not part of the topology, so the deployed stack has neither route', () => {
    const paths = Object.values(functions).flatMap((f) => (f.trigger.type === 'http' ? [f.trigger.path] : []));
    expect(paths.filter((p) => p.startsWith('/local') || p.startsWith('/console'))).toEqual([]);
  });
});
