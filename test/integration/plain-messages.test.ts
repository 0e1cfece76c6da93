// Plain problems get one plain line, not a stack trace: no Java for DynamoDB Local, and a
// .local/stack.json left behind by a stack that crashed.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { javaMissing } from '../../local/emulators.ts';
import { notRunning } from '../../local/running-stack.ts';
import { projectRoot } from '../../local/paths.ts';

const scratch = mkdtempSync(join(tmpdir(), 'tuodi-messages-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs a local/ script as npm would (through tsx) with extra environment. */
function run(script: string, args: string[], env: Record<string, string>) {
  const result = spawnSync(process.execPath, [join(projectRoot, 'node_modules/tsx/dist/cli.mjs'), join(projectRoot, 'local', script), ...args], {
    cwd: projectRoot,
    encoding: 'utf8',
    env: { ...process.env, NODE_NO_WARNINGS: '1', ...env },
    timeout: 120_000,
  });
  return { status: result.status, stderr: result.stderr.trim(), stdout: result.stdout.trim() };
}

describe('plain messages', () => {
  it('says which Java to install when there is none, in one line', () => {
    // A PATH holding node alone: no java on it.
    const bin = join(scratch, 'bin');
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node'));
    const started = run('start.ts', [], { PATH: bin, TUODI_DATA_DIR: join(scratch, 'no-java'), PORT: '0' });
    expect(started.status).toBe(1);
    expect(started.stderr).toBe(javaMissing);
    expect(started.stderr).not.toContain('ENOENT');
  });

  it('says Tuodi is not running when stack.json is left from a crashed stack', () => {
    const dataDir = join(scratch, 'crashed');
    mkdirSync(dataDir);
    // A process that has exited, and a URL nothing answers on.
    const gone = spawnSync(process.execPath, ['-e', 'process.pid']).pid!;
    writeFileSync(join(dataDir, 'stack.json'), JSON.stringify({ url: 'http://127.0.0.1:9', env: {}, pid: gone }));
    for (const [script, args] of [
      ['job.ts', ['requeue-pending-notices']],
      ['token.ts', ['--role', 'reviewer', '--sub', 'r-1']],
    ] as const) {
      const result = run(script, [...args], { TUODI_DATA_DIR: dataDir });
      expect({ script, status: result.status, stderr: result.stderr }).toEqual({ script, status: 1, stderr: notRunning });
    }
  });

  it('says the same when there is no stack.json at all', () => {
    const result = run('job.ts', ['requeue-pending-notices'], { TUODI_DATA_DIR: join(scratch, 'never-started') });
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 1, stderr: notRunning });
  });
});
