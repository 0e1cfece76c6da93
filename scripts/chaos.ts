// The seeded fault-injection suite (test/chaos/chaos.test.ts) on the real local stack:
//   npm run chaos -- --seeds N [--from S]   seeds S…S+N-1 (S defaults to 1)
//   npm run chaos -- --seed S               one seed again (a failure's replay)
//   --verbose                               keep the workers' JSON error logs (the injected faults)
// Prints, per seed, what was injected and the outcome, then the total; exits non-zero on any failure.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const args = process.argv.slice(2);
const option = (name: string) => {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args[at + 1];
};
const positive = (name: string, value: string | undefined, fallback: number) => {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} takes a whole number, not ${value}`);
  return n;
};
const seed = option('--seed');
const count = positive('--seeds', option('--seeds'), 30);
const from = positive('--from', option('--from'), 1);
const seeds = seed !== undefined ? String(positive('--seed', seed, 0)) : `${from}-${from + count - 1}`;
const verbose = args.includes('--verbose');

const dir = mkdtempSync(join(tmpdir(), 'tuodi-chaos-'));
const reportFile = join(dir, 'report.json');
const started = Date.now();
console.log(`chaos: seeds ${seeds} on the local stack`);
const child = spawn('npx', ['vitest', 'run', 'test/chaos/chaos.test.ts'], {
  env: { ...process.env, CHAOS_SEEDS: seeds, CHAOS_REPORT: reportFile },
  stdio: ['ignore', 'pipe', 'pipe'],
});
let hiddenLogs = 0;
for (const stream of [child.stdout, child.stderr]) {
  createInterface({ input: stream }).on('line', (line) => {
    // The workers log each injected fault as an ERROR line with its stack: expected here.
    if (!verbose && line.startsWith('{"level"')) hiddenLogs++;
    else console.log(line);
  });
}
const code: number = await new Promise((resolve) => child.on('close', (c) => resolve(c ?? 1)));

type Result = { seed: number; ok: boolean; seconds: number; fired: string[]; violations: string[] };
let results: Result[] = [];
try {
  results = JSON.parse(readFileSync(reportFile, 'utf8')) as Result[];
} catch {
  // no report: vitest failed before any seed ran; its output above says why
}
rmSync(dir, { recursive: true, force: true });
const failed = results.filter((r) => !r.ok);
console.log(`\n== chaos summary (${hiddenLogs} worker error log lines hidden; --verbose shows them)`);
for (const r of results) console.log(`seed ${r.seed}: ${r.ok ? 'ok' : 'FAILED'} (${r.seconds} s) injected: ${r.fired.join('; ')}`);
console.log(
  `total: ${results.length} seeds, ${results.length - failed.length} passed, ${failed.length} failed, ${Math.round((Date.now() - started) / 1000)} s`,
);
for (const r of failed) console.log(`  seed ${r.seed}: ${r.violations.join(' | ')}\n  replay: npm run chaos -- --seed ${r.seed}`);
process.exit(code !== 0 ? code : failed.length > 0 ? 1 : 0);
