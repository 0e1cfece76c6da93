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
// Module load is timed twice per run: wall time (what Lambda's init waits) and the process's CPU
// time over the import (user + system), which a machine shared by other work disturbs far less;
// both medians and both ratios are printed.
//
// Then where each bundle's excess over its floor goes (infra/bundling.ts excessOverFloor, from the
// esbuild metafile): per group of functions (HTTP GET routes, HTTP routes taking POSTs, queue,
// schedule and stream workers) the parts most of them carry, and per function above the size
// target its largest parts, split into the mandated libraries (zod, Powertools, middy), other
// packages, and our own modules; "floor + mandated ×" is the ratio the function would have if it
// carried nothing of ours, i.e. whether 1.2× is reachable without dropping a mandated library.
//
// Then the cost of source maps: the stack ships each bundle with its .map but without NODE_OPTIONS
// --enable-source-maps (infra/stack.ts), for what this measures. A few functions (--source-maps, default below) are built
// with source maps and loaded with and without the flag, interleaved, in the same run.
// Then what runs at import: each of a few shared modules (--modules) imported for its side effects
// alone on the DynamoDB floor and loaded in the same interleaved way; its Δ over the floor is what
// importing it costs whatever a route uses of it (top-level code: schemas built, tables filled), in
// bytes and in CPU milliseconds.
//   npm run bench:cold-start [-- --runs 9] [-- --only name1,name2] [-- --modules a.ts,b.ts] [-- --source-maps name1,name2]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  bundleBudget,
  bundleFunctions,
  bundleTargetFactor,
  excessOverFloor,
  floorSource,
  grantedClients,
  functionBundleOptions,
  type BundlePart,
} from '../infra/bundling.ts';
import { functions, type FunctionName, type FunctionSpec } from '../shared/topology.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '9' },
    only: { type: 'string' },
    modules: {
      type: 'string',
      default:
        'shared/zod-mini.ts,shared/observability/logger.ts,shared/domain/reasons.ts,shared/topology.ts,shared/http/route.ts,' +
        'shared/http/idempotency.ts,shared/consumer-timeouts.ts,' +
        // A documentation module (only the OpenAPI document loads it) beside the request modules handlers import.
        'shared/api/registry.ts,shared/api/requests/registry.ts,shared/api/applications.ts,shared/api/requests/application-reads.ts,' +
        'shared/api/requests/applications.ts,shared/api/requests/hospital-notice-reads.ts,shared/api/requests/hospital-notices.ts,' +
        'shared/api/requests/payout-reads.ts,shared/api/requests/reports.ts',
    },
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

/**
 * Time to import a module in a fresh Node process, as Lambda's init does (the handler is not
 * called): wall milliseconds and the process's CPU milliseconds (user + system) over the import.
 */
function loadMs(file: string, nodeOptions: string[] = []): { wall: number; cpu: number } {
  const script =
    'const c = process.cpuUsage(); const t = performance.now(); ' +
    `await import(${JSON.stringify(file)}); ` +
    'const wall = performance.now() - t; const cpu = process.cpuUsage(c); ' +
    'process.stdout.write(JSON.stringify({ wall, cpu: (cpu.user + cpu.system) / 1000 }));';
  return JSON.parse(execFileSync(process.execPath, [...nodeOptions, '--input-type=module', '-e', script], { encoding: 'utf8' })) as {
    wall: number;
    cpu: number;
  };
}
const accessHasFloor = (spec: FunctionSpec) => grantedClients(spec).length > 0;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const kib = (bytes: number) => (bytes / 1024).toFixed(0);

const rows: string[][] = [];
const ratios: Array<{ name: string; size: number; load: number; cpu: number }> = [];
const overBudget: string[] = [];
for (const [name, spec] of Object.entries(specs) as Array<[FunctionName, FunctionSpec]>) {
  const bundle = bundles.functions[name]!;
  const own: Array<{ wall: number; cpu: number }> = [];
  const floor: Array<{ wall: number; cpu: number }> = [];
  // Interleaved, so a busy moment of the machine hits both sides alike.
  for (let i = 0; i < runs; i++) {
    own.push(loadMs(join(process.cwd(), bundle.file)));
    floor.push(loadMs(join(process.cwd(), bundle.floor.file)));
  }
  const [ownWall, floorWall] = [median(own.map((l) => l.wall)), median(floor.map((l) => l.wall))];
  const [ownCpu, floorCpu] = [median(own.map((l) => l.cpu)), median(floor.map((l) => l.cpu))];
  const hasFloor = bundle.floor.clients.length > 0;
  const sizeRatio = bundle.bytes / bundle.floor.bytes;
  // A function with a stated allowance (the report functions' Excel writer) is judged by its budget, not the 1.2× target.
  if (hasFloor && !spec.bundleAllowance) ratios.push({ name, size: sizeRatio, load: ownWall / floorWall, cpu: ownCpu / floorCpu });
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
    ownWall.toFixed(1),
    floorWall.toFixed(1),
    `${ownWall >= floorWall ? '+' : ''}${(ownWall - floorWall).toFixed(1)}`,
    hasFloor ? (ownWall / floorWall).toFixed(2) : '—',
    ownCpu.toFixed(1),
    floorCpu.toFixed(1),
    hasFloor ? (ownCpu / floorCpu).toFixed(2) : '—',
  ]);
}
rmSync(outdir, { recursive: true, force: true });

const header = [
  'function', 'floor clients', 'KiB', 'floor KiB', 'Δ KiB', 'size ×', 'budget KiB',
  'load ms', 'floor ms', 'Δ ms', 'load ×', 'cpu ms', 'floor cpu', 'cpu ×',
];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
console.log(line(header));
for (const row of rows) console.log(line(row));
const within = (key: 'size' | 'load' | 'cpu') => ratios.filter((r) => r[key] <= bundleTargetFactor).length;
const worst = (key: 'size' | 'load' | 'cpu') => ratios.reduce((a, b) => (b[key] > a[key] ? b : a), ratios[0]!);
if (ratios.length > 0) {
  console.log(
    `size ≤ ${bundleTargetFactor}× floor: ${within('size')} of ${ratios.length} functions with an SDK floor ` +
      `(worst ${worst('size').size.toFixed(2)}, ${worst('size').name}); load ≤ ${bundleTargetFactor}×: ${within('load')} of ${ratios.length} ` +
      `(worst ${worst('load').load.toFixed(2)}, ${worst('load').name}); load CPU ≤ ${bundleTargetFactor}×: ${within('cpu')} of ${ratios.length} ` +
      `(worst ${worst('cpu').cpu.toFixed(2)}, ${worst('cpu').name}); median of ${runs} interleaved loads each`,
  );
}
const floorless = rows.filter((r) => r[1] === 'none').map((r) => r[0]);
if (floorless.length > 0) console.log(`no SDK floor (judged by budget KiB and Δ ms only): ${floorless.join(', ')}`);
const allowed = (Object.entries(specs) as Array<[FunctionName, FunctionSpec]>).filter(([, spec]) => spec.bundleAllowance && accessHasFloor(spec));
if (allowed.length > 0) {
  console.log(`left out of the ratios above, judged by their stated budget: ${allowed.map(([name, spec]) => `${name} (${spec.bundleAllowance!.kib} KiB for ${spec.bundleAllowance!.reason})`).join('; ')}`);
}
// Where the excess over the floor goes.
const mandated = (part: string) => part === 'zod' || part.startsWith('@aws-lambda-powertools/') || part.startsWith('@middy/') || part === '@aws/lambda-invoke-store';
const ours = (part: string) => /^(shared|functions|data)\//.test(part);
const sum = (parts: BundlePart[]) => parts.reduce((total, part) => total + part.bytes, 0);
const groupOf = (spec: FunctionSpec): string =>
  spec.trigger.type === 'http' ? (spec.trigger.method === 'GET' ? 'HTTP GET routes' : `HTTP routes taking ${spec.trigger.method}s`) : `${spec.trigger.type} workers`;
const groups = new Map<string, FunctionName[]>();
for (const [name, spec] of Object.entries(specs) as Array<[FunctionName, FunctionSpec]>) {
  groups.set(groupOf(spec), [...(groups.get(groupOf(spec)) ?? []), name]);
}
const excess = Object.fromEntries(
  Object.keys(specs).map((name) => [name, excessOverFloor(bundles.metafile, bundles.functions[name as FunctionName]!)]),
) as Record<FunctionName, BundlePart[]>;
console.log('\nwhere the excess over the floor goes, per group (median KiB over the functions carrying the part; carried by n of the group):');
for (const [group, names] of groups) {
  const byPart = new Map<string, number[]>();
  for (const name of names) for (const part of excess[name]) byPart.set(part.name, [...(byPart.get(part.name) ?? []), part.bytes]);
  const top = [...byPart]
    .map(([part, sizes]) => ({ part, kib: median(sizes) / 1024, carried: sizes.length }))
    .filter((t) => t.kib >= 0.5)
    .sort((a, b) => b.kib * b.carried - a.kib * a.carried)
    .slice(0, 12);
  console.log(`  ${group} (${names.length}): ${top.map((t) => `${t.part} ${t.kib.toFixed(1)} (${t.carried})`).join(', ')}`);
}
const partsLine = (parts: BundlePart[]) => parts.filter((part) => part.bytes >= 512).slice(0, 5).map((part) => `${part.name} ${kib(part.bytes)}`).join(', ') || 'none';
console.log(
  `\nfunctions above ${bundleTargetFactor}× their floor in size: the excess (KiB) by kind, "floor + mandated ×" = the ratio with ` +
    'none of our code and no other package, and the largest parts of each kind:',
);
for (const [name, ratio] of [...ratios].sort((a, b) => b.size - a.size).map((r) => [r.name as FunctionName, r.size] as const)) {
  if (ratio <= bundleTargetFactor) continue;
  const parts = excess[name];
  const own = parts.filter((part) => ours(part.name));
  const libraries = parts.filter((part) => mandated(part.name));
  const sdk = parts.filter((part) => part.name.startsWith('@aws-sdk/') || part.name.startsWith('@smithy/'));
  const other = parts.filter((part) => !ours(part.name) && !mandated(part.name) && !sdk.includes(part));
  const floorBytes = bundles.functions[name]!.floor.bytes;
  console.log(
    `  ${name} ${ratio.toFixed(2)}×: mandated ${kib(sum(libraries))}, ours ${kib(sum(own))}, other packages ${kib(sum(other))}, ` +
      `SDK beyond the floor ${kib(sum(sdk))}; floor + mandated ${((floorBytes + sum(libraries)) / floorBytes).toFixed(2)}×`,
  );
  console.log(`      mandated: ${partsLine(libraries)}`);
  console.log(`      ours: ${partsLine(own)}`);
  if (other.length > 0) console.log(`      other: ${partsLine(other)}`);
}
// What runs at import: each module alone on top of the DynamoDB floor.
const probedModules = values.modules!.split(',').filter(Boolean);
if (probedModules.length > 0) {
  const { build } = await import('esbuild');
  const probeDir = mkdtempSync(join(tmpdir(), 'tuodi-module-probes-'));
  const floor = floorSource(['DynamoDB']);
  const probes = [{ name: 'floor', source: floor }, ...probedModules.map((module) => ({
    name: module,
    // Imported for its side effects only: esbuild keeps what runs at import (schemas built, tables
    // filled), which a route carries whichever export it uses, and drops what nothing calls.
    source: `import ${JSON.stringify(join(process.cwd(), module))};\n${floor}`,
  }))];
  probes.forEach((probe, i) => writeFileSync(join(probeDir, `probe-${i}.src.mjs`), probe.source));
  const probeBuild = await build({
    ...functionBundleOptions,
    entryPoints: probes.map((_, i) => ({ in: join(probeDir, `probe-${i}.src.mjs`), out: `probe-${i}` })),
    outdir: probeDir,
    outExtension: { '.js': '.mjs' },
    metafile: true,
    logLevel: 'silent',
    nodePaths: [join(process.cwd(), 'node_modules')],
  });
  const probeBytes = (i: number) => Object.entries(probeBuild.metafile.outputs).find(([file]) => file.endsWith(`/probe-${i}.mjs`))![1].bytes;
  const cpu: number[][] = probes.map(() => []);
  for (let run = 0; run < runs; run++) probes.forEach((_, i) => cpu[i]!.push(loadMs(join(probeDir, `probe-${i}.mjs`)).cpu));
  const floorCpu = median(cpu[0]!);
  console.log(`\nwhat importing a module runs, alone on the DynamoDB floor (${kib(probeBytes(0))} KiB, ${floorCpu.toFixed(1)} ms CPU; median of ${runs} interleaved loads):`);
  probes.slice(1).forEach((probe, index) => {
    const i = index + 1;
    const delta = median(cpu[i]!) - floorCpu;
    console.log(`  ${probe.name.padEnd(40)} +${kib(probeBytes(i) - probeBytes(0)).padStart(3)} KiB  ${delta >= 0 ? '+' : ''}${delta.toFixed(1)} ms CPU`);
  });
  rmSync(probeDir, { recursive: true, force: true });
}
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
      without.push(loadMs(file).wall);
      flagged.push(loadMs(file, ['--enable-source-maps']).wall);
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
