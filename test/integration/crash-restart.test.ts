// Black box: `npm start` (`node --import tsx local/start.ts`, as the npm script runs it) as a child
// process group on free ports with a data folder of its own, SIGKILLed as a whole and started
// again. What it accepted before the crash is there after it; a PAID_OUT batch's bank files
// still download, byte for byte.
//
// SIGKILL in the middle of an import, of planning and of paying, at a point a worker pauses at
// (TUODI_PAUSE_AT, shared/observability/pause-point.ts: the test waits for "paused at …" and then
// kills, so "the middle" is reached every time, not by timing luck); the stack is started again
// without the pause and the work finishes by itself with exact counts: the recovery sweeper runs
// every 2 s (TUODI_RECOVERY_SWEEP_SECONDS) and leases and staleness are 8 s
// (TUODI_LOCAL_RECOVERY_SECONDS) instead of the deployed function timeouts.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { devKeys } from '../../local/dev-auth.ts';
import { freePort } from '../../local/emulators.ts';
import { projectRoot } from '../../local/paths.ts';
import { registryCsvColumns } from '../../shared/domain/registry.ts';
import type { PausePoint } from '../../shared/observability/pause-point.ts';
import { validIdNumber } from '../support/id-numbers.ts';
import { scaled } from '../support/timeouts.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'tuodi-crash-'));
let running: { child: ChildProcess; url: string; output: () => string } | undefined;

/** Local recovery timing for the mid-work tests (seconds): see the header. */
const quickRecovery = {
  TUODI_LOCAL_RECOVERY_SECONDS: String(Math.ceil(scaled(8_000) / 1000)),
  TUODI_RECOVERY_SWEEP_SECONDS: '2',
  // Several paying chunks from a few people (local-only setting; 500 deployed).
  TUODI_PAYMENTS_PER_CHUNK: '50',
};

/** Starts `npm start`'s program as the leader of a new process group and waits for /health. */
async function startTuodi(extraEnv: Record<string, string> = {}) {
  const port = await freePort();
  // As `npm start` runs it: one node process (tsx's CLI would put a relay in front that SIGKILLs
  // the stack when it does not acknowledge a SIGTERM within 30 ms, as on a loaded machine).
  const child = spawn(process.execPath, ['--import', 'tsx', join(projectRoot, 'local/start.ts')], {
    cwd: projectRoot,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TUODI_DATA_DIR: dataDir, PORT: String(port), POWERTOOLS_LOG_LEVEL: 'WARN', ...extraEnv },
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  child.stderr!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  const url = `http://127.0.0.1:${port}`;
  running = { child, url, output: () => output };
  // Our child's own "up" line, not only /health: a free port can be taken by another stack of the
  // run between freePort() and the child's listen, and that stack would answer /health too.
  await until(async () => {
    if (child.exitCode !== null) throw new Error(`npm start exited ${child.exitCode}:\n${output}`);
    if (!output.includes(`Tuodi is up in`) || !output.includes(` at ${url}`)) return undefined;
    return (await fetch(`${url}/health`).then((r) => r.ok, () => false)) || undefined;
  }, 'npm start to say it is up and answer /health');
  return running;
}

/** SIGKILL to the whole process group: node, the DynamoDB Local JVM, everything. */
async function killTuodi() {
  const { child, url } = running!;
  process.kill(-child.pid!, 'SIGKILL');
  await until(async () => (child.exitCode !== null || child.signalCode !== null ? true : undefined), 'the group to die');
  await until(async () => ((await fetch(`${url}/health`).then(() => false, () => true)) || undefined), 'the port to close');
  running = undefined;
}

/** Polls check until it gives a value; the deadline is generous (a loaded 2-core machine is slow) and scaled. */
async function until<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 240_000): Promise<T> {
  const deadline = Date.now() + scaled(timeoutMs);
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${running?.output() ?? ''}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function call(method: string, path: string, token: string, body?: string, contentType = 'application/json') {
  const response = await fetch(running!.url + path, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': contentType }) },
    body,
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

afterAll(async () => {
  if (running) {
    process.kill(-running.child.pid!, 'SIGKILL');
    // The JVM dies with the group; its watchdog follows within a second.
  }
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm start SIGKILLed as a whole and started again', () => {
  it('keeps the registry, the batch and its bank files', { timeout: scaled(900_000) }, async () => {
    await startTuodi();
    const keys = await devKeys(dataDir);
    const reviewer = await keys.sign({ role: 'reviewer', sub: 'reviewer-1' });
    const maker = await keys.sign({ role: 'finance', sub: 'finance-maker' });
    const checker = await keys.sign({ role: 'finance', sub: 'finance-checker' });

    const count = 40;
    const lines = Array.from({ length: count }, (_, n) =>
      [`HH-${n}`, `居民${n}`, validIdNumber(n), 'DIBAO', '真州镇', String(80_000 + n), '2022-03-01', '江苏银行', `62284800${String(n).padStart(8, '0')}`].join(','),
    );
    const imported = await call('POST', '/recipients/imports', reviewer, [registryCsvColumns.join(','), ...lines].join('\n'), 'text/csv');
    expect(imported.status).toBe(202);
    const importPath = `/recipients/imports/${imported.body.importId}`;
    await until(async () => ((await call('GET', importPath, reviewer)).body.status === 'COMPLETED' ? true : undefined), 'the import');

    const created = await call('POST', '/payout-batches', maker, JSON.stringify({
      program: 'PRICE_SUBSIDY', period: '2026-12', title: '价格临时补贴', categories: ['DIBAO'], perPersonFen: 5_000,
    }));
    expect(created.status).toBe(201);
    const batchPath = `/payout-batches/${created.body.id}`;
    await until(async () => ((await call('GET', batchPath, maker)).body.status === 'PENDING_APPROVAL' ? true : undefined), 'planning');
    expect((await call('POST', `${batchPath}/approve`, checker)).status).toBe(202);
    const paid = await until(async () => {
      const batch = (await call('GET', batchPath, maker)).body;
      return batch.status === 'PAID_OUT' ? batch : undefined;
    }, 'PAID_OUT');
    expect(paid).toMatchObject({ planned: { count, totalFen: count * 5_000 }, progress: { recorded: count, failed: 0 } });
    const bankFilesBefore = await Promise.all([paid.files.csvUrl, paid.files.pain001Url].map(async (url: string) => {
      const response = await fetch(url);
      expect(response.status).toBe(200);
      return response.text();
    }));
    expect(bankFilesBefore[0]!.split('\n').filter((line) => line.includes('6228480')).length).toBe(count);

    await killTuodi();
    await startTuodi();

    expect((await call('GET', importPath, reviewer)).body).toMatchObject({ status: 'COMPLETED', imported: count });
    const after = (await call('GET', batchPath, maker)).body;
    expect(after).toMatchObject({ status: 'PAID_OUT', planned: { count, totalFen: count * 5_000 }, progress: { recorded: count, failed: 0 } });
    const bankFilesAfter = await Promise.all([after.files.csvUrl, after.files.pain001Url].map(async (url: string) => {
      const response = await fetch(url);
      expect(response.status).toBe(200);
      return response.text();
    }));
    expect(bankFilesAfter).toEqual(bankFilesBefore);

    // A plain stop (SIGTERM, as Ctrl-C) ends every process and removes stack.json.
    const { child } = running!;
    process.kill(child.pid!, 'SIGTERM');
    await until(async () => (child.exitCode !== null ? child.exitCode : undefined), 'a clean stop');
    expect(child.exitCode).toBe(0);
    running = undefined;
  });
});


/** Waits until a worker of the running stack logs that it paused at `point`. */
const pausedAt = (point: PausePoint) =>
  until(async () => (running!.output().includes(`paused at ${point}`) ? true : undefined), `a worker to pause at ${point}`);

/** The batch once it reaches `status`; fails at once if it ends in another final state. */
async function batchReaching(path: string, token: string, status: string, timeoutMs = 300_000) {
  return until(async () => {
    const batch = (await call('GET', path, token)).body;
    if (['FAILED', 'CANCELLED', 'REJECTED'].includes(batch.status) && batch.status !== status) {
      throw new Error(`batch ended ${batch.status}: ${batch.failureReason ?? ''}`);
    }
    return batch.status === status ? batch : undefined;
  }, `batch ${path} to be ${status}`, timeoutMs);
}

/** The bank file's payment lines for accounts starting `accountPrefix`: each account exactly once. */
async function bankFileAccounts(csvUrl: string, accountPrefix: string) {
  const response = await fetch(csvUrl);
  expect(response.status).toBe(200);
  const accounts = (await response.text()).match(new RegExp(`${accountPrefix}\\d+`, 'g')) ?? [];
  return { lines: accounts.length, distinct: new Set(accounts).size };
}

describe('npm start SIGKILLed in the middle of an import, of planning and of paying finishes each by itself', () => {
  // 150 people: three paying chunks of 50, eight planning segments.
  const count = 150;
  const perPersonFen = 5_000;
  const accountPrefix = '62284811';
  let reviewer: string;
  let maker: string;
  let checker: string;

  /** SIGKILLs whatever runs and starts the stack again with `pause` (or none) and quick recovery. */
  async function restart(pause?: PausePoint) {
    if (running) await killTuodi();
    await startTuodi({ ...quickRecovery, ...(pause && { TUODI_PAUSE_AT: pause }) });
    const keys = await devKeys(dataDir);
    reviewer = await keys.sign({ role: 'reviewer', sub: 'reviewer-1' });
    maker = await keys.sign({ role: 'finance', sub: 'finance-maker' });
    checker = await keys.sign({ role: 'finance', sub: 'finance-checker' });
  }

  it('an import killed after its lines are written, before it is finished, completes with exact counts', { timeout: scaled(900_000) }, async () => {
    await restart('import-lines-written');
    const lines = Array.from({ length: count }, (_, n) =>
      [`HH-T${n}`, `居民${n}`, validIdNumber(n, '19700101'), 'TEKUN', '真州镇', '90000', '2022-03-01', '江苏银行', `${accountPrefix}${String(n).padStart(8, '0')}`].join(','),
    );
    const imported = await call('POST', '/recipients/imports', reviewer, [registryCsvColumns.join(','), ...lines].join('\n'), 'text/csv');
    expect(imported.status).toBe(202);
    const importPath = `/recipients/imports/${imported.body.importId}`;
    await pausedAt('import-lines-written');
    // The symptom: every line in the registry, the import RUNNING with 0 imported.
    expect((await call('GET', importPath, reviewer)).body).toMatchObject({ status: 'RUNNING', imported: 0 });

    await restart();
    const done = await until(async () => {
      const body = (await call('GET', importPath, reviewer)).body;
      return body.status === 'RUNNING' ? undefined : body;
    }, 'the cut-short import to finish by itself');
    expect(done).toMatchObject({ status: 'COMPLETED', imported: count, rejectedCount: 0 });
  });

  it('planning killed with claims made and no segment done plans each person once, and the batch pays them once', { timeout: scaled(900_000) }, async () => {
    await restart('plan-segment-claimed');
    const created = await call('POST', '/payout-batches', maker, JSON.stringify({
      program: 'PRICE_SUBSIDY', period: '2026-01', title: '价格临时补贴', categories: ['TEKUN'], perPersonFen,
    }));
    expect(created.status).toBe(201);
    const batchPath = `/payout-batches/${created.body.id}`;
    await pausedAt('plan-segment-claimed');
    expect((await call('GET', batchPath, maker)).body.status).toBe('PLANNING');

    await restart();
    const planned = await batchReaching(batchPath, maker, 'PENDING_APPROVAL');
    // Its own claims made before the crash count as its payments, not as "already planned".
    expect(planned).toMatchObject({ planned: { count, totalFen: count * perPersonFen }, skipped: { alreadyPlannedOrPaid: 0 } });
    expect((await call('POST', `${batchPath}/approve`, checker)).status).toBe(202);
    const paid = await batchReaching(batchPath, maker, 'PAID_OUT');
    expect(paid).toMatchObject({ progress: { recorded: count, failed: 0 } });
    expect(await bankFileAccounts(paid.files.csvUrl, accountPrefix)).toEqual({ lines: count, distinct: count });
  });

  it('paying killed with payments recorded and no chunk marked done pays each person exactly once', { timeout: scaled(900_000) }, async () => {
    await restart('payout-chunk-recorded');
    const created = await call('POST', '/payout-batches', maker, JSON.stringify({
      program: 'PRICE_SUBSIDY', period: '2026-02', title: '价格临时补贴', categories: ['TEKUN'], perPersonFen,
    }));
    expect(created.status).toBe(201);
    const batchPath = `/payout-batches/${created.body.id}`;
    await batchReaching(batchPath, maker, 'PENDING_APPROVAL');
    expect((await call('POST', `${batchPath}/approve`, checker)).status).toBe(202);
    await pausedAt('payout-chunk-recorded');
    expect((await call('GET', batchPath, maker)).body.status).toBe('PAYING');

    await restart();
    const paid = await batchReaching(batchPath, maker, 'PAID_OUT');
    expect(paid).toMatchObject({ planned: { count, totalFen: count * perPersonFen }, progress: { recorded: count, failed: 0 } });
    expect(await bankFileAccounts(paid.files.csvUrl, accountPrefix)).toEqual({ lines: count, distinct: count });
    expect(await bankFileAccounts(paid.files.pain001Url, accountPrefix)).toEqual({ lines: count, distinct: count });

    // And no one can be planned again for the program and period.
    const again = await call('POST', '/payout-batches', maker, JSON.stringify({
      program: 'PRICE_SUBSIDY', period: '2026-02', title: '价格临时补贴', categories: ['TEKUN'], perPersonFen,
    }));
    expect(again.status).toBe(201);
    const second = await batchReaching(`/payout-batches/${again.body.id}`, maker, 'FAILED');
    expect(second).toMatchObject({ planned: { count: 0 }, skipped: { alreadyPlannedOrPaid: count } });
  });
});
