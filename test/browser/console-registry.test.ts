// The registry screens in Chromium against the real local stack (issue 16's missing parts):
// 定期复核 (periodic reviews due), 对象管理 (a refusal explained in Chinese from its reason code),
// 纳入保障 (enrolments), 账户变更 (payee change, maker–checker), each reached and worked by
// keyboard alone and checked by axe; and the import screen's progress bar drawn from the API's
// counts while the worker is held mid-import.
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tableName } from '../../shared/adapters/resources.ts';
import { registryCsvColumns } from '../../shared/domain/registry.ts';
import { importProgressSlice } from '../../shared/usecases/registry-import.ts';
import { actorsOf, applicationBody, decide, fileAndAssess, member, runJob, storedRecipient, type Actors } from '../support/applications.ts';
import { openConsoleBrowser, screenshot, seriousViolations, type Watch } from '../support/browser.ts';
import { beforeDynamoDbCommand } from '../support/dynamodb-hooks.ts';
import { validIdNumber } from '../support/id-numbers.ts';
import { eventually, startTestStack, type TestStack } from '../support/local-stack.ts';

let stack: TestStack;
let actors: Actors;
let browser: Browser;
let page: Page;
let seen: Watch;

const due = { name: '冯桂芝', idNumber: validIdNumber(801, '19500404') };
const other = { name: '蒋德华', idNumber: validIdNumber(802, '19490909') };
const row = (p: { name: string; idNumber: string }, township: string) =>
  ['HH-BR', p.name, p.idNumber, 'DIBAO', township, '90000', '2024-01-15', '江苏银行', '6228480012345678'].join(',');

async function importLines(lines: string[]) {
  const created = await stack.call('POST', '/recipients/imports', {
    token: actors.reviewer,
    rawBody: [registryCsvColumns.join(','), ...lines].join('\n'),
    contentType: 'text/csv',
  });
  return eventually(async () => {
    const r = await stack.call('GET', `/recipients/imports/${created.body.importId}`, { token: actors.reviewer });
    return r.body.status === 'COMPLETED' ? r.body : undefined;
  });
}

beforeAll(async () => {
  stack = await startTestStack();
  actors = await actorsOf(stack);
  await importLines([row(due, '真州镇'), row(other, '刘集镇')]);
  await runJob('reviewDue', '2025-02-01');
  ({ browser, page, seen } = await openConsoleBrowser());
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const hasFocus = (control: Locator) =>
  control.evaluate((el) => {
    const active = (globalThis as any).document.activeElement;
    return el === active || el.contains(active);
  });

/** Presses `key` (Tab by default) until the control has the focus: proves it is reachable without a mouse. */
async function tabTo(control: Locator, max = 150, key = 'Tab') {
  for (let i = 0; i < max; i++) {
    if (await hasFocus(control)) return;
    // Wait for the focus to leave the element it is on: on a loaded machine a menu moves its
    // focus a render later, and checking before that skipped past the control.
    await page.evaluate(() => (globalThis as any).document.activeElement?.setAttribute('data-focus-was', ''));
    await page.keyboard.press(key);
    await page
      .waitForFunction(() => !(globalThis as any).document.activeElement?.hasAttribute('data-focus-was'), undefined, { timeout: 2_000 })
      .catch(() => undefined); // the focus may stay (the last control): press again
    await page.evaluate(() => (globalThis as any).document.querySelectorAll('[data-focus-was]').forEach((e: any) => e.removeAttribute('data-focus-was')));
  }
  throw new Error(`${control} was not reached by ${max} presses of ${key}`);
}

async function typeInto(control: Locator, text: string) {
  await tabTo(control);
  await page.keyboard.press('Control+A');
  await page.keyboard.type(text);
}

/** Signs in by keyboard: the role chosen with the arrow keys (caseworker first, reviewer second), the subject typed, Enter. */
async function signIn(role: 'caseworker' | 'reviewer', sub: string) {
  await page.goto(`${stack.url}/console/sign-in`);
  await tabTo(page.getByLabel('角色'));
  await page.keyboard.press('Enter');
  await page.locator(`.ant-select-item-option[title="乡镇经办人"]`).waitFor();
  if (role === 'reviewer') await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await typeInto(page.getByLabel('账号'), sub);
  await page.keyboard.press('Enter');
  await page.getByText(`${role === 'caseworker' ? '乡镇经办人' : '县级审核人'} ${sub}`).waitFor();
}

/** Opens a screen from the main menu by keyboard: Tab into the menu, arrows to the item, Enter. */
async function openFromMenu(label: string, heading: string) {
  await tabTo(page.getByRole('menu').first());
  await tabTo(page.getByRole('menuitem', { name: label }), 12, 'ArrowRight');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: heading }).waitFor();
}

describe('the registry screens by keyboard, axe clean', () => {
  it('定期复核 lists the reviews the job opened, masked, and a township narrows it', async () => {
    await signIn('reviewer', 'rv-registry');
    await openFromMenu('定期复核', '定期复核（到期待办）');
    const table = page.getByRole('table');
    await table.getByRole('row').filter({ hasText: due.name }).filter({ hasText: '2025-02-01' }).waitFor();
    await table.getByRole('row').filter({ hasText: other.name }).waitFor();
    await table.getByText(`${due.idNumber.slice(0, 6)}********${due.idNumber.slice(-4)}`).waitFor();
    expect(await page.getByText(due.idNumber, { exact: true }).count()).toBe(0);
    await typeInto(page.getByLabel('乡镇'), '真州镇');
    await page.keyboard.press('Enter');
    await expect.poll(() => table.getByRole('row').filter({ hasText: other.name }).count()).toBe(0);
    await table.getByRole('row').filter({ hasText: due.name }).waitFor();
    expect(await seriousViolations(page, 'reviews due')).toEqual([]);
    await screenshot(page, '20-reviews-due');
  });

  it('对象管理 suspends by keyboard, closing the review, and explains a refused second suspension in Chinese', async () => {
    await openFromMenu('对象管理', '对象管理：暂停、恢复、终止');
    await typeInto(page.getByLabel('身份证号码'), due.idNumber);
    await typeInto(page.getByLabel('理由'), '复核：家庭收入待核实');
    await tabTo(page.getByRole('button', { name: '确 认' }).or(page.getByRole('button', { name: '确认' })));
    await page.keyboard.press('Enter');
    await page.getByText(`${due.name}：现为暂停`).waitFor();
    expect(await storedRecipient(due.idNumber)).toMatchObject({ status: 'SUSPENDED' });
    expect(await storedRecipient(due.idNumber)).not.toHaveProperty('reviewOpenedOn');

    await page.keyboard.press('Enter'); // the button still has the focus: the same suspension again
    const alert = page.getByRole('alert').filter({ hasText: '当前状态不允许此操作' });
    await alert.getByText('该对象当前为“暂停”，只有“在保”时才能办理').waitFor();
    expect(await alert.getByText(/SUSPENDED/).count()).toBe(0);
    expect(await seriousViolations(page, 'recipients')).toEqual([]);
    await screenshot(page, '21-recipient-refused-in-chinese');
  });

  it('纳入保障 lists an approved application on notice, and its link opens it by keyboard', async () => {
    const applicant = member(803, { name: '韩淑珍' });
    const filed = await fileAndAssess(stack, actors, applicationBody('DIBAO', [applicant]));
    await decide(stack, actors.reviewer, filed.id, { decision: 'APPROVE', reason: '同意', monthlyBenefitFen: 50_000 });
    await openFromMenu('纳入保障', '纳入保障（公示中与已纳入）');
    const link = page.getByRole('link', { name: filed.id });
    await link.waitFor();
    expect(await seriousViolations(page, 'enrolments')).toEqual([]);
    await screenshot(page, '22-enrolments');
    await tabTo(link);
    await page.keyboard.press('Enter');
    await page.waitForURL(new RegExp(`/console/applications/${filed.id}$`));
    await page.getByText('公示中').first().waitFor();
  });

  it('账户变更: a caseworker asks by keyboard; the asker may not confirm (said in Chinese); another reviewer confirms', async () => {
    await signIn('caseworker', 'cw-payee');
    await openFromMenu('账户变更', '收款账户变更');
    const ask = page.getByRole('form').or(page.locator('form')).first();
    await typeInto(ask.getByLabel('身份证号码'), other.idNumber);
    await typeInto(ask.getByLabel('新开户银行'), '中国农业银行');
    await typeInto(ask.getByLabel('新银行账号'), '6228480099990001');
    await typeInto(ask.getByLabel('变更理由'), '原卡已注销');
    await tabTo(page.getByRole('button', { name: '提出变更' }));
    await page.keyboard.press('Enter');
    await page.getByText('已提出变更，待另一名审核人确认').waitFor();
    const changeId = (await page.locator('.ant-descriptions-item-content').first().textContent())!.trim();
    expect(changeId).toMatch(/^pc_/);
    expect(await seriousViolations(page, 'payee change (caseworker)')).toEqual([]);
    await screenshot(page, '23-payee-change-asked');

    // The asker, signed in as a reviewer, is refused with the rule in Chinese.
    await signIn('reviewer', 'cw-payee');
    await openFromMenu('账户变更', '收款账户变更');
    const confirm = page.locator('form').nth(1);
    await typeInto(confirm.getByLabel('身份证号码'), other.idNumber);
    await typeInto(confirm.getByLabel('变更编号'), changeId);
    await typeInto(confirm.getByLabel('确认意见'), '核对无误');
    await tabTo(page.getByRole('button', { name: '确认变更' }));
    await page.keyboard.press('Enter');
    await page.getByRole('alert').getByText('账户变更须由申请人以外的审核人确认，您不能确认自己提出的变更').waitFor();

    await signIn('reviewer', 'rv-checker');
    await openFromMenu('账户变更', '收款账户变更');
    const checker = page.locator('form').nth(1);
    await typeInto(checker.getByLabel('身份证号码'), other.idNumber);
    await typeInto(checker.getByLabel('变更编号'), changeId);
    await typeInto(checker.getByLabel('确认意见'), '核对无误');
    await tabTo(page.getByRole('button', { name: '确认变更' }));
    await page.keyboard.press('Enter');
    await page.getByText('变更已确认').waitFor();
    expect(await storedRecipient(other.idNumber)).toMatchObject({ bankName: '中国农业银行', bankAccount: '6228480099990001' });
    expect(await seriousViolations(page, 'payee change (reviewer)')).toEqual([]);
    await screenshot(page, '24-payee-change-confirmed');
  });
});

describe("the import screen's progress bar", () => {
  it("draws the API's counts while the worker is held after its first slice, then 100 %", async () => {
    const count = importProgressSlice + 50;
    const csv = [registryCsvColumns.join(','), ...Array.from({ length: count }, (_, n) => row({ name: `进度${n}`, idNumber: validIdNumber(6000 + n, '19610101') }, '真州镇'))].join('\n');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let puts = 0;
    const remove = beforeDynamoDbCommand(async (call) => {
      if (call.name === 'PutItemCommand' && call.input.TableName === tableName('recipients') && ++puts > importProgressSlice) await gate;
    });
    try {
      await openFromMenu('名册导入', '名册导入');
      await page.locator('input[type=file]').setInputFiles({ name: '名册.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
      await page.getByRole('button', { name: '检查（试导入）' }).click();
      await page.getByText(`可导入 ${count} 人`, { exact: false }).waitFor();
      await page.getByRole('button', { name: '确认导入' }).click();
      const bar = page.getByRole('progressbar');
      await page.getByText(`${importProgressSlice} / ${count} 行`).waitFor();
      expect(await bar.getAttribute('aria-valuenow')).toBe(String(Math.floor((100 * importProgressSlice) / count)));
      expect(await seriousViolations(page, 'import running')).toEqual([]);
      await screenshot(page, '25-import-progress');
      release();
      await page.getByText(`${count} / ${count} 行`).waitFor();
      await page.getByText('已完成').waitFor();
      expect(await bar.getAttribute('aria-valuenow')).toBe('100');
    } finally {
      release();
      remove();
    }
  });
});

describe('what the browser saw', () => {
  it('no page errors, failed requests or 5xx, and only the 409 and 403 the tests provoked', () => {
    expect(seen.clientErrors).toEqual(['POST /recipients/suspensions → 409', 'POST /recipients/payee-changes/confirmations → 403']);
    expect(seen.pageErrors.filter((e) => !/status of 40[39]/.test(e))).toEqual([]);
    expect([seen.failedRequests, seen.serverErrors]).toEqual([[], []]);
  });
});
