// npm run bench:console-size: the JavaScript each role's browser loads to show its landing screen
// after sign-in (the entry chunk and the landing route's chunk, with everything they import
// statically), gzipped, from the build's manifest. Target: at most 350 KB per role.
// Builds the console first when its build is missing or stale.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { consoleDist } from '../local/console.ts';
import { ensureConsoleBuilt } from '../test/support/browser.ts';

interface ManifestChunk {
  file: string;
  imports?: string[];
  isEntry?: boolean;
}
type Manifest = Record<string, ManifestChunk>;

const landing: Record<string, string> = {
  caseworker: 'src/pages/caseworker/MyApplications.tsx',
  reviewer: 'src/pages/reviewer/ReviewQueue.tsx',
  finance: 'src/pages/finance/Batches.tsx',
  hospital: 'src/pages/hospital/HospitalDesk.tsx',
  // 首页（统计）, every staff role's figures: the charts (ECharts) load after it, printed below.
  'figures': 'src/pages/figures/Figures.tsx',
};
/** Chunks a landing screen loads after it shows (React.lazy), printed on their own: what they add to that landing. */
const afterLanding: Record<string, { module: string; after: keyof typeof landing }> = {
  'figures charts (ECharts, after the figures show)': { module: 'src/pages/figures/BarFigureChart.tsx', after: 'figures' },
  "hospital desk's day list (its table, after the forms show)": { module: 'src/pages/hospital/DayList.tsx', after: 'hospital' },
};
const targetKb = 350;

ensureConsoleBuilt();
const manifest = JSON.parse(readFileSync(join(consoleDist, '.vite', 'manifest.json'), 'utf8')) as Manifest;
const entry = Object.keys(manifest).find((key) => manifest[key]!.isEntry);
if (!entry) throw new Error('the console build has no entry chunk');

function closure(keys: string[], into = new Set<string>()): Set<string> {
  for (const key of keys) {
    if (into.has(key)) continue;
    into.add(key);
    closure(manifest[key]?.imports ?? [], into);
  }
  return into;
}

const gzipKb = (file: string) => gzipSync(readFileSync(join(consoleDist, file))).length / 1024;
const rawKb = (file: string) => readFileSync(join(consoleDist, file)).length / 1024;

console.log(`Console landing screens after sign-in: JavaScript loaded (gzip, level ${6}); target ≤ ${targetKb} KB`);
let over = false;
for (const [role, screen] of Object.entries(landing)) {
  if (!manifest[screen]) throw new Error(`${screen} is not in the build's manifest`);
  const files = [...closure([entry, screen])].map((key) => manifest[key]!.file).filter((f) => f.endsWith('.js'));
  const gz = files.reduce((sum, f) => sum + gzipKb(f), 0);
  const raw = files.reduce((sum, f) => sum + rawKb(f), 0);
  over ||= gz > targetKb;
  console.log(`  ${role.padEnd(11)} ${gz.toFixed(1).padStart(7)} KB gzip  (${raw.toFixed(1)} KB raw, ${files.length} files, landing ${screen.replace('src/pages/', '')})`);
}
for (const [what, { module, after }] of Object.entries(afterLanding)) {
  if (!manifest[module]) throw new Error(`${module} is not in the build's manifest`);
  const loaded = closure([entry, landing[after]!]);
  const files = [...closure([module])].filter((key) => !loaded.has(key)).map((key) => manifest[key]!.file).filter((f) => f.endsWith('.js'));
  console.log(`  + ${what}: ${files.reduce((sum, f) => sum + gzipKb(f), 0).toFixed(1)} KB gzip (${files.length} files)`);
}
const all = Object.values(manifest).map((c) => c.file).filter((f) => f.endsWith('.js'));
console.log(`  all screens ${all.reduce((s, f) => s + gzipKb(f), 0).toFixed(1).padStart(7)} KB gzip  (${all.length} files: the rest loads per route)`);
if (over) console.log(`  OVER the ${targetKb} KB target`);
