// Each function's bundle stays within its budget: 1.2× the floor of the SDK clients its topology
// entry grants (issue 14), plus an allowance the topology states with its reason. One esbuild run
// for all functions and floors, read from its metafile.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleBudgetFactor, bundleEntries, floorSource, type FunctionBundles } from '../../infra/bundling.ts';
import { functions, type FunctionName, type FunctionSpec } from '../../shared/topology.ts';

const specs = Object.entries(functions) as Array<[FunctionName, FunctionSpec]>;
const outdir = mkdtempSync(join(tmpdir(), 'tuodi-bundles-'));
let bundles: FunctionBundles;

beforeAll(async () => {
  bundles = await bundleEntries(
    Object.fromEntries(specs.map(([name, spec]) => [name, spec.entry])),
    Object.fromEntries(specs.map(([name, spec]) => [`${name}.floor`, floorSource(spec)])),
    outdir,
  );
}, 120_000);
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** The largest inputs of one output, for a failure message that says where the bytes went. */
function largestInputs(name: string): string {
  const output = Object.entries(bundles.metafile.outputs).find(([file]) => file.endsWith(`/${name}.mjs`))?.[1];
  const byPackage = new Map<string, number>();
  for (const [path, input] of Object.entries(output?.inputs ?? {})) {
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? 'project code';
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + input.bytesInOutput);
  }
  return [...byPackage]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([pkg, bytes]) => `${pkg} ${(bytes / 1024).toFixed(0)} KiB`)
    .join(', ');
}

describe('function bundles stay within their budget', () => {
  it.each(specs)('%s', (name, spec) => {
    const size = bundles.bytes[name];
    const floor = bundles.bytes[`${name}.floor`];
    expect(size, `${name} was not bundled`).toBeGreaterThan(0);
    expect(floor, `${name}'s floor was not bundled`).toBeGreaterThan(0);
    const allowance = (spec.bundleAllowance?.kib ?? 0) * 1024;
    const budget = Math.round(floor! * bundleBudgetFactor + allowance);
    if (size! > budget) {
      throw new Error(
        `${name}: ${(size! / 1024).toFixed(0)} KiB is over its budget of ${(budget / 1024).toFixed(0)} KiB ` +
          `(${bundleBudgetFactor}× the ${(floor! / 1024).toFixed(0)} KiB floor of the SDK clients it is granted` +
          `${allowance ? ` + ${spec.bundleAllowance!.kib} KiB allowed for ${spec.bundleAllowance!.reason}` : ''}). ` +
          `Largest parts: ${largestInputs(name)}. Common causes: \`import * as z from 'zod'\` (write ` +
          "`import * as z from 'zod'`, which lets esbuild drop zod's locales), an SDK client built at module scope " +
          'without /* @__PURE__ */, a heavy library imported by a shared module.',
      );
    }
  });
});
