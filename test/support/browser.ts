// Real-browser tests: Debian's Chromium driven by playwright-core (no downloaded browser), the
// console built from the current sources, and a watch on page errors, failed requests and 5xx.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AxeBuilder } from '@axe-core/playwright';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { roleText } from '../../console/src/role-names.ts';
import { consoleDist } from '../../local/console.ts';
import { baseTimeouts, scaled } from './timeouts.ts';

export const chromiumPath = process.env.TUODI_CHROMIUM ?? '/usr/bin/chromium';
export const screenshotDir = join(process.cwd(), 'test-output', 'console');

/** Launch flags that work on this machine's closed network (docs/ENGINEERING.md). */
const launchArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(`Chromium is missing at ${chromiumPath}: install it with apt-get install -y chromium (Debian's package; .ci/run does)`);
  }
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: launchArgs });
}

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newestMtime(join(path, name))));
}

/** Builds the console when its build is missing or older than its sources (npm ci builds it too). */
export function ensureConsoleBuilt(): void {
  const index = join(consoleDist, 'index.html');
  const sources = ['console/src', 'console/index.html', 'console/vite.config.ts', 'shared/domain', 'openapi.json'].map((p) => join(process.cwd(), p));
  if (existsSync(index) && statSync(index).mtimeMs >= Math.max(...sources.map(newestMtime))) return;
  // vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
  execFileSync('npm', ['run', '--silent', 'build:console'], { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
}

export interface Watch {
  pageErrors: string[];
  failedRequests: string[];
  serverErrors: string[];
  clientErrors: string[];
}

/** Records what must not happen on the page: script errors, requests that failed, 5xx, and every 4xx. */
export function watch(context: BrowserContext): Watch {
  const seen: Watch = { pageErrors: [], failedRequests: [], serverErrors: [], clientErrors: [] };
  const follow = (page: Page) => {
    page.on('pageerror', (error) => seen.pageErrors.push(`${page.url()}: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') seen.pageErrors.push(`${page.url()}: console: ${message.text()}`);
    });
  };
  context.pages().forEach(follow);
  context.on('page', follow);
  context.on('requestfailed', (request) => {
    // A page closed mid-request aborts it: that is the test leaving, not a failure.
    if (request.failure()?.errorText === 'net::ERR_ABORTED') return;
    seen.failedRequests.push(`${request.method()} ${request.url()}: ${request.failure()?.errorText}`);
  });
  context.on('response', (response) => {
    const line = `${response.request().method()} ${new URL(response.url()).pathname} → ${response.status()}`;
    if (response.status() >= 500) seen.serverErrors.push(line);
    else if (response.status() >= 400) seen.clientErrors.push(line);
  });
  return seen;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
}

export interface ConsoleBrowser {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  seen: Watch;
}

/**
 * The set-up every browser test shares: the console built from the current sources, Chromium in
 * Los Angeles time (the console must still show China time) with a Chinese locale, one page, and
 * the watch on errors. Waits are for conditions only; the default deadline just bounds a broken
 * run (scaled like every test deadline). Close `browser` in afterAll.
 */
export async function openConsoleBrowser(): Promise<ConsoleBrowser> {
  ensureConsoleBuilt();
  const browser = await launchChromium();
  const context = await browser.newContext({ timezoneId: 'America/Los_Angeles', locale: 'zh-CN', viewport: { width: 1400, height: 1000 } });
  const seen = watch(context);
  context.setDefaultTimeout(scaled(baseTimeouts.eventually));
  return { browser, context, page: await context.newPage(), seen };
}

/** axe's serious and critical violations on the page as it is now, each named with `where`. */
export async function seriousViolations(page: Page, where: string): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${where}: ${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

type Role = keyof typeof roleText;

/**
 * Signs in with the local dev sign-in form by mouse (signing out first when someone is signed in):
 * the role picked by its Chinese name, the subject typed, a hospital's id for the hospital role;
 * waits until the frame names who is signed in.
 */
export async function signInAs(page: Page, consoleUrl: string, role: Role, sub: string, hospitalId?: string): Promise<void> {
  const signOut = page.getByRole('button', { name: /^退\s?出$/ });
  if (await signOut.count()) await signOut.click();
  await page.goto(`${consoleUrl}/console/sign-in`);
  await page.getByLabel('角色').click();
  await page.locator(`.ant-select-item-option[title="${roleText[role]}"]`).click();
  await page.getByLabel('账号').fill(sub);
  if (hospitalId) await page.getByLabel('医院编号').fill(hospitalId);
  await page.getByRole('button', { name: /^登\s?录$/ }).click();
  await page.getByText(`${roleText[role]} ${sub}`).waitFor();
}
