// Each function's bundle stays within its budget: bundleBudgetFactor for a POST route, bundleBudgetFactorWithoutPosts
// for the rest (infra/bundling.ts; issue 14 aims at 1.2)
// × the floor of the SDK clients its topology entry grants, plus an allowance the topology states with its reason; a function
// granted no client has no floor to be a multiple of and is held to its allowance alone. One
// esbuild run for every distinct entry and floor, nothing written: only the metafile is read.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bundleBudget,
  bundleFunctions,
  excessOverFloor,
  grantedClients,
  partOf,
  type FloorClient,
  type FunctionBundle,
  type FunctionBundles,
} from '../../infra/bundling.ts';
import { functions, type FunctionName, type FunctionSpec } from '../../shared/topology.ts';
import { baseTimeouts, scaled } from '../support/timeouts.ts';

const specs = Object.entries(functions) as Array<[FunctionName, FunctionSpec]>;
const outdir = mkdtempSync(join(tmpdir(), 'tuodi-bundles-'));
let bundles: FunctionBundles;

beforeAll(async () => {
  bundles = await bundleFunctions(functions, { outdir, write: false });
}, scaled(baseTimeouts.hook));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

/** Where a bundle's excess over its floor went (the six largest parts), for a failure message. */
function largestExcess(bundle: FunctionBundle): string {
  return excessOverFloor(bundles.metafile, bundle)
    .slice(0, 6)
    .map((part) => `${part.name} ${(part.bytes / 1024).toFixed(0)} KiB`)
    .join(', ');
}

describe('function bundles stay within their budget', () => {
  it.each(specs)('%s', (name, spec) => {
    const bundle = bundles.functions[name];
    expect(bundle?.bytes, `${name} was not bundled`).toBeGreaterThan(0);
    expect(bundle!.floor.bytes, `${name}'s floor was not bundled`).toBeGreaterThan(0);
    const budget = bundleBudget(spec, bundle!.floor);
    if (bundle!.bytes > budget.bytes) {
      throw new Error(
        `${name}: ${(bundle!.bytes / 1024).toFixed(0)} KiB is over its budget of ${(budget.bytes / 1024).toFixed(0)} KiB ` +
          `(${budget.why}). Largest parts over the floor: ${largestExcess(bundle!)}. Common causes: a module importing ` +
          "zod classic (`from 'zod'`) where `zod/mini` serves, an SDK client built at module scope without " +
          '/* @__PURE__ */, a heavy library imported by a shared module.',
      );
    }
  });
});

describe('HTTP handlers bundle only their requests, not the documentation', () => {
  // shared/api/<area>.ts holds summaries and response schemas, built at import (tens of ms of CPU
  // and 3-8 KiB per area: bench:cold-start); a handler imports shared/api/requests/*.ts instead.
  // /health's and the document's own modules are whole operations, imported by their handlers alone.
  const documentation = /shared\/api\/(?!requests\/|health\.ts$)[^/]+\.ts$/;
  it.each(specs.filter(([name, spec]) => spec.trigger.type === 'http' && name !== 'getOpenApi'))('%s', (name) => {
    const inputs = Object.keys(bundles.metafile.outputs[bundles.functions[name]!.file]?.inputs ?? {});
    expect(inputs.filter((path) => documentation.test(path))).toEqual([]);
  });
});

/** The SDK packages that build each client (a bundle holding any of them carries that client). */
const clientPackages: Record<FloorClient, string[]> = {
  DynamoDB: ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb'],
  SQS: ['@aws-sdk/client-sqs'],
  S3: ['@aws-sdk/client-s3', '@aws-sdk/lib-storage', '@aws-sdk/s3-request-presigner'],
  SSM: ['@aws-sdk/client-ssm'],
};

describe('function bundles carry only the SDK clients their grants allow', () => {
  // A shared module that imports a client another function needs brings it to every function that
  // imports the module: tens of KiB loaded on every cold start, and a call IAM would refuse.
  it.each(specs)('%s', (name, spec) => {
    const granted = new Set(grantedClients(spec));
    const carried = new Map<string, number>();
    for (const [path, input] of Object.entries(bundles.metafile.outputs[bundles.functions[name]!.file]?.inputs ?? {})) {
      const pkg = partOf(path);
      if (pkg.startsWith('@aws-sdk/') && input.bytesInOutput > 0) carried.set(pkg, (carried.get(pkg) ?? 0) + input.bytesInOutput);
    }
    const ungranted = (Object.keys(clientPackages) as FloorClient[])
      .filter((client) => !granted.has(client))
      .flatMap((client) => clientPackages[client].filter((pkg) => carried.has(pkg)).map((pkg) => `${pkg} (${client}, ${carried.get(pkg)} bytes)`));
    expect(ungranted, `${name} is granted ${[...granted].join(', ') || 'no client'}`).toEqual([]);
  });
});
