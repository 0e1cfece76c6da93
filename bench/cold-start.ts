// bench/cold-start.ts: every function's bundle beside its floor (a bundle that only builds the SDK
// clients its topology entry grants and sends one command with each), in size and in module load
// time, measured side by side in one run. Issue 14's targets: both ratios ≤ 1.2.
//   npm run bench:cold-start [-- --runs 9] [-- --only name1,name2]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { bundleTargetFactor, bundleEntries, floorSource } from '../infra/bundling.ts';
import { functions, type FunctionName, type FunctionSpec } from '../shared/topology.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '9' }, only: { type: 'string' } } });
const runs = Number(values.runs);
const only = values.only?.split(',');
const specs = (Object.entries(functions) as Array<[FunctionName, FunctionSpec]>).filter(
  ([name]) => !only || only.includes(name),
);

const outdir = mkdtempSync(join(tmpdir(), 'tuodi-cold-start-'));
const started = Date.now();
const bundles = await bundleEntries(
  Object.fromEntries(specs.map(([name, spec]) => [name, spec.entry])),
  Object.fromEntries(specs.map(([name, spec]) => [`${name}.floor`, floorSource(spec)])),
  outdir,
);
console.log(`bundled ${specs.length} functions and their floors in ${((Date.now() - started) / 1000).toFixed(1)} s`);

/** Time to import a module in a fresh Node process, as Lambda's init does (the handler is not called). */
function loadMs(file: string): number {
  const script = `const t = performance.now(); await import(${JSON.stringify(file)}); process.stdout.write(String(performance.now() - t));`;
  return Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' }));
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const rows: string[][] = [];
let worstSize = 0;
let worstLoad = 0;
for (const [name] of specs) {
  const own: number[] = [];
  const floor: number[] = [];
  // Interleaved, so a busy moment of the machine hits both sides alike.
  for (let i = 0; i < runs; i++) {
    own.push(loadMs(join(process.cwd(), bundles.files[name]!)));
    floor.push(loadMs(join(process.cwd(), bundles.files[`${name}.floor`]!)));
  }
  const sizeRatio = bundles.bytes[name]! / bundles.bytes[`${name}.floor`]!;
  const loadRatio = median(own) / median(floor);
  worstSize = Math.max(worstSize, sizeRatio);
  worstLoad = Math.max(worstLoad, loadRatio);
  rows.push([
    name,
    (bundles.bytes[name]! / 1024).toFixed(0),
    (bundles.bytes[`${name}.floor`]! / 1024).toFixed(0),
    sizeRatio.toFixed(2),
    median(own).toFixed(1),
    median(floor).toFixed(1),
    loadRatio.toFixed(2),
  ]);
}
rmSync(outdir, { recursive: true, force: true });

const header = ['function', 'KiB', 'floor KiB', 'size ×', 'load ms', 'floor ms', 'load ×'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
console.log(line(header));
for (const row of rows) console.log(line(row));
console.log(
  `worst size ratio ${worstSize.toFixed(2)}, worst load ratio ${worstLoad.toFixed(2)} (target ≤ ${bundleTargetFactor}; median of ${runs} loads each)`,
);
