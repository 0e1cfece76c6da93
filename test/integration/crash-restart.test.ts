// Black box: `npm start` (local/start.ts through tsx, as the npm script runs it) as a child
// process group on free ports with a data folder of its own, SIGKILLed as a whole and started
// again. What it accepted before the crash is there after it; a PAID_OUT batch's bank files
// still download, byte for byte.
//
// SIGKILL in the middle of an import, of planning and of paying: what was accepted is there after
// the restart (the records, the stored CSV). That each then finishes by itself needs the recovery
// sweeper (`recover-stalled-work`) in the topology, and takes long: a stalled step is re-driven
// only after twice its function's timeout (10 minutes for an import, 30 for planning). That part
// runs when TUODI_LONG_CRASH_TESTS=1 and the sweeper exists; otherwise one line says it did not.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListObjectsV2Command, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { scheduledJobs } from '../../local/scheduler.ts';
import { devKeys } from '../../local/dev-auth.ts';
import { freePort } from '../../local/emulators.ts';
import { projectRoot } from '../../local/paths.ts';
import { registryCsvColumns } from '../../shared/domain/registry.ts';
import { bucketEnv } from '../../shared/topology.ts';
import { validIdNumber } from '../support/id-numbers.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'tuodi-crash-'));
let running: { child: ChildProcess; url: string; output: () => string } | undefined;

/** Starts `npm start`'s program as the leader of a new process group and waits for /health. */
async function startTuodi() {
  const port = await freePort();
  const child = spawn(process.execPath, [join(projectRoot, 'node_modules/tsx/dist/cli.mjs'), join(projectRoot, 'local/start.ts')], {
    cwd: projectRoot,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, TUODI_DATA_DIR: dataDir, PORT: String(port), POWERTOOLS_LOG_LEVEL: 'WARN' },
  });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  child.stderr!.on('data', (d: Buffer) => (output = (output + d.toString()).slice(-20_000)));
  const url = `http://127.0.0.1:${port}`;
  running = { child, url, output: () => output };
  await until(async () => {
    if (child.exitCode !== null) throw new Error(`npm start exited ${child.exitCode}:\n${output}`);
    return (await fetch(`${url}/health`).then((r) => r.ok, () => false)) || undefined;
  }, 'npm start to answer /health');
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

/** Polls check until it gives a value; the deadline is generous: a loaded 2-core machine is slow. */
async function until<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 240_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
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
  it('keeps the registry, the batch and its bank files', { timeout: 900_000 }, async () => {
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

const sweeperExists = scheduledJobs().some((job) => job.job === 'recover-stalled-work');
const finishesByItself = sweeperExists && process.env.TUODI_LONG_CRASH_TESTS === '1';
if (!finishesByItself) {
  console.warn(
    `crash-restart: not checked that cut-short work finishes by itself (${sweeperExists ? 'set TUODI_LONG_CRASH_TESTS=1, it takes over 40 minutes' : 'no recover-stalled-work sweeper in the topology'})`,
  );
}

describe('npm start SIGKILLed in the middle of an import, of planning and of paying', () => {
  it('keeps the cut-short import it accepted (finishing by itself: only with the sweeper and TUODI_LONG_CRASH_TESTS=1)', { timeout: 3_600_000 }, async () => {
    await startTuodi();
    const keys = await devKeys(dataDir);
    const reviewer = await keys.sign({ role: 'reviewer', sub: 'reviewer-1' });
    const maker = await keys.sign({ role: 'finance', sub: 'finance-maker' });
    const checker = await keys.sign({ role: 'finance', sub: 'finance-checker' });
    const count = 1_500;
    const lines = Array.from({ length: count }, (_, n) =>
      [`HH-T${n}`, `居民${n}`, validIdNumber(n, '19700101'), 'TEKUN', '真州镇', '90000', '2022-03-01', '江苏银行', `62284811${String(n).padStart(8, '0')}`].join(','),
    );
    const csv = [registryCsvColumns.join(','), ...lines].join('\n');

    // Import: killed right after the 202, while its message waits in (or is taken from) the queue.
    const imported = await call('POST', '/recipients/imports', reviewer, csv, 'text/csv');
    expect(imported.status).toBe(202);
    await killTuodi();
    await startTuodi();
    const importPath = `/recipients/imports/${imported.body.importId}`;
    expect(['RUNNING', 'COMPLETED']).toContain((await call('GET', importPath, reviewer)).body.status);
    // The CSV it accepted is stored, for the sweeper to import again.
    // stack.json is written once the stack is wholly up, a moment after /health first answers.
    const { env } = await until(async () => {
      const file = JSON.parse(readFileSync(join(dataDir, 'stack.json'), 'utf8')) as { url: string; env: Record<string, string> };
      return file.url === running!.url ? file : undefined;
    }, 'stack.json of the restarted stack');
    const s3 = new S3Client({
      endpoint: env.AWS_ENDPOINT_URL_S3,
      region: env.AWS_REGION,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID!, secretAccessKey: env.AWS_SECRET_ACCESS_KEY! },
      forcePathStyle: true,
    });
    const stored = await s3.send(new ListObjectsV2Command({ Bucket: env[bucketEnv('documents')] }));
    const bodies = await Promise.all(
      (stored.Contents ?? []).map(async (o) => (await s3.send(new GetObjectCommand({ Bucket: env[bucketEnv('documents')], Key: o.Key! }))).Body!.transformToString()),
    );
    s3.destroy();
    expect(bodies.some((body) => body.includes(lines[count - 1]!))).toBe(true);
    if (!finishesByItself) return;

    const long = 50 * 60_000;
    await until(async () => {
      const body = (await call('GET', importPath, reviewer)).body;
      return body.status === 'COMPLETED' ? body : undefined;
    }, 'the cut-short import to finish by itself', long).then((body) => expect(body).toMatchObject({ imported: count, rejectedCount: 0 }));

    // Planning: killed right after the 201.
    const created = await call('POST', '/payout-batches', maker, JSON.stringify({
      program: 'PRICE_SUBSIDY', period: '2026-01', title: '价格临时补贴', categories: ['TEKUN'], perPersonFen: 5_000,
    }));
    expect(created.status).toBe(201);
    await killTuodi();
    await startTuodi();
    const batchPath = `/payout-batches/${created.body.id}`;
    const planned = await until(async () => {
      const batch = (await call('GET', batchPath, maker)).body;
      return batch.status === 'PENDING_APPROVAL' ? batch : undefined;
    }, 'the cut-short planning to finish by itself', long);
    expect(planned.planned).toEqual({ count, totalFen: count * 5_000 });

    // Paying: killed right after the approval.
    expect((await call('POST', `${batchPath}/approve`, checker)).status).toBe(202);
    await killTuodi();
    await startTuodi();
    const paid = await until(async () => {
      const batch = (await call('GET', batchPath, maker)).body;
      return batch.status === 'PAID_OUT' ? batch : undefined;
    }, 'the cut-short paying to finish by itself', long);
    expect(paid).toMatchObject({ planned: { count, totalFen: count * 5_000 }, progress: { recorded: count, failed: 0 } });
    const bankFile = await fetch(paid.files.csvUrl);
    expect(bankFile.status).toBe(200);
    expect((await bankFile.text()).split('\n').filter((line) => line.includes('62284811')).length).toBe(count);
  });
});
