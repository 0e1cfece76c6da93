// bench/cold-start.ts: every function's bundle beside its floor (a bundle that only builds the SDK
// clients its topology entry grants and sends one command with each), in size and in module load
// time, measured side by side in one run. Issue 14's targets: both ratios ≤ 1.2.
//
// A ratio is printed only where the floor holds an SDK client. A function granted none (health,
// get-openapi) has an empty handler for a floor: a few hundred bytes and ~1 ms of load, so any
// ratio to it is noise. Such a row prints "—" for both ratios and is judged by its budget in KiB
// (its stated allowance) and by what it adds: every row prints its excess over the floor in KiB
// and in ms, the figure Lambda's init actually pays.
//
// Then the cost of source maps: the stack ships each bundle with its .map but without NODE_OPTIONS
// --enable-source-maps (infra/stack.ts), for what this measures. A few functions (--source-maps, default below) are built
// with source maps and loaded with and without the flag, interleaved, in the same run.
//   npm run bench:cold-start [-- --runs 9] [-- --only name1,name2] [-- --source-maps name1,name2]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bundleBudget, bundleFunctions, bundleTargetFactor } from '../infra/bundling.ts';
import { functions, type FunctionName, type FunctionSpec } from '../shared/topology.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '9' },
    only: { type: 'string' },
    'source-maps': { type: 'string', default: 'searchRecipients,postHospitalNotice,decideHospitalNotices,getMonthlyReport' },
  },
});
const runs = Number(values.runs);
const only = values.only?.split(',');
const specs = Object.fromEntries(
  (Object.entries(functions) as Array<[FunctionName, FunctionSpec]>).filter(([name]) => !only || only.includes(name)),
) as Record<FunctionName, FunctionSpec>;

const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
console.log(`load average at start: ${load()} (2 cores)`);
const outdir = mkdtempSync(join(tmpdir(), 'tuodi-cold-start-'));
const started = Date.now();
const bundles = await bundleFunctions(specs, { outdir, write: true });
console.log(`bundled ${Object.keys(specs).length} functions and their floors in ${((Date.now() - started) / 1000).toFixed(1)} s`);

/** Time to import a module in a fresh Node process, as Lambda's init does (the handler is not called). */
function loadMs(file: string, nodeOptions: string[] = []): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(file)}); process.stdout.write(String(performance.now() - t));`;
  return Number(execFileSync(process.execPath, [...nodeOptions, '--input-type=module', '-e', script], { encoding: 'utf8' }));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const kib = (bytes: number) => (bytes / 1024).toFixed(0);

const rows: string[][] = [];
const ratios: Array<{ name: string; size: number; load: number }> = [];
const overBudget: string[] = [];
for (const [name, spec] of Object.entries(specs) as Array<[FunctionName, FunctionSpec]>) {
  const bundle = bundles.functions[name]!;
  const own: number[] = [];
  const floor: number[] = [];
  // Interleaved, so a busy moment of the machine hits both sides alike.
  for (let i = 0; i < runs; i++) {
    own.push(loadMs(join(process.cwd(), bundle.file)));
    floor.push(loadMs(join(process.cwd(), bundle.floor.file)));
  }
  const hasFloor = bundle.floor.clients.length > 0;
  const sizeRatio = bundle.bytes / bundle.floor.bytes;
  const loadRatio = median(own) / median(floor);
  if (hasFloor) ratios.push({ name, size: sizeRatio, load: loadRatio });
  const budget = bundleBudget(spec, bundle.floor);
  if (bundle.bytes > budget.bytes) overBudget.push(name);
  rows.push([
    name,
    bundle.floor.clients.join('+') || 'none',
    kib(bundle.bytes),
    kib(bundle.floor.bytes),
    `+${kib(bundle.bytes - bundle.floor.bytes)}`,
    hasFloor ? sizeRatio.toFixed(2) : '—',
    kib(budget.bytes),
    median(own).toFixed(1),
    median(floor).toFixed(1),
    `${median(own) >= median(floor) ? '+' : ''}${(median(own) - median(floor)).toFixed(1)}`,
    hasFloor ? loadRatio.toFixed(2) : '—',
  ]);
}
rmSync(outdir, { recursive: true, force: true });

const header = ['function', 'floor clients', 'KiB', 'floor KiB', 'Δ KiB', 'size ×', 'budget KiB', 'load ms', 'floor ms', 'Δ ms', 'load ×'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
console.log(line(header));
for (const row of rows) console.log(line(row));
const within = (key: 'size' | 'load') => ratios.filter((r) => r[key] <= bundleTargetFactor).length;
const worst = (key: 'size' | 'load') => ratios.reduce((a, b) => (b[key] > a[key] ? b : a), ratios[0]!);
if (ratios.length > 0) {
  console.log(
    `size ≤ ${bundleTargetFactor}× floor: ${within('size')} of ${ratios.length} functions with an SDK floor ` +
      `(worst ${worst('size').size.toFixed(2)}, ${worst('size').name}); load ≤ ${bundleTargetFactor}×: ${within('load')} of ${ratios.length} ` +
      `(worst ${worst('load').load.toFixed(2)}, ${worst('load').name}); median of ${runs} interleaved loads each`,
  );
}
const floorless = rows.filter((r) => r[1] === 'none').map((r) => r[0]);
if (floorless.length > 0) console.log(`no SDK floor (judged by budget KiB and Δ ms only): ${floorless.join(', ')}`);
console.log(overBudget.length ? `over the bundle-budget test's budget: ${overBudget.join(', ')}` : 'every bundle within its budget');

// Source maps: the same bundles with their .map beside them, loaded with and without the flag.
const mapped = values['source-maps']!.split(',').filter((name) => name in functions) as FunctionName[];
if (mapped.length > 0) {
  const mapDir = mkdtempSync(join(tmpdir(), 'tuodi-source-maps-'));
  const mapSpecs = Object.fromEntries(mapped.map((name) => [name, functions[name]])) as Record<FunctionName, FunctionSpec>;
  const withMaps = await bundleFunctions(mapSpecs, { outdir: mapDir, write: true, sourcemap: true });
  console.log(`source maps (--enable-source-maps, off in infra/stack.ts for this cost; median of ${runs} interleaved loads each):`);
  for (const name of mapped) {
    const bundle = withMaps.functions[name]!;
    const file = join(process.cwd(), bundle.file);
    const without: number[] = [];
    const flagged: number[] = [];
    for (let i = 0; i < runs; i++) {
      without.push(loadMs(file));
      flagged.push(loadMs(file, ['--enable-source-maps']));
    }
    const mapKiB = kib(withMaps.metafile.outputs[`${bundle.file}.map`]?.bytes ?? 0);
    const cost = median(flagged) - median(without);
    console.log(
      `  ${name}: ${median(without).toFixed(1)} ms without the flag, ${median(flagged).toFixed(1)} ms with it ` +
        `(${cost >= 0 ? '+' : ''}${cost.toFixed(1)} ms, ${(median(flagged) / median(without)).toFixed(2)}×; map ${mapKiB} KiB)`,
    );
  }
  rmSync(mapDir, { recursive: true, force: true });
}
console.log(`load average at end: ${load()}`);
