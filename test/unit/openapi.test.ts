import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { build } from 'esbuild';
import { collectOperations, openApiDocument, operations } from '../../shared/api/openapi.ts';
import { defineOperation } from '../../shared/http/operation.ts';
import * as z from 'zod';
import { auth, functions, requiredScopes, type FunctionSpec } from '../../shared/topology.ts';

const httpFunctions = (Object.entries(functions) as Array<[string, FunctionSpec]>).filter(
  ([, spec]) => spec.trigger.type === 'http',
);

describe('the OpenAPI document', () => {
  it('is committed as generated (run npm run openapi after changing a schema)', () => {
    const committed = JSON.parse(readFileSync(new URL('../../openapi.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
  });

  it('has exactly one operation per HTTP route of the topology', () => {
    expect(Object.keys(operations).sort()).toEqual(httpFunctions.map(([name]) => name).sort());
    const document = openApiDocument();
    for (const [name, spec] of httpFunctions) {
      if (spec.trigger.type !== 'http') continue;
      const operation = (document.paths[spec.trigger.path] as Record<string, { operationId: string }>)[
        spec.trigger.method.toLowerCase()
      ];
      expect(operation?.operationId).toBe(name);
    }
  });

  it("declares on each operation the scopes the authorizer requires, from the operation's roles", () => {
    const document = openApiDocument();
    const securityOf = (path: string, method: string) =>
      (document.paths[path] as Record<string, { security?: unknown }>)[method]?.security;
    for (const [name, spec] of httpFunctions) {
      if (spec.trigger.type !== 'http') continue;
      const expected = spec.trigger.authenticated ? requiredScopes(operations[name as keyof typeof operations]!.roles).map((scope) => ({ bearer: [scope] })) : [];
      expect(securityOf(spec.trigger.path, spec.trigger.method.toLowerCase()), name).toEqual(expected);
    }
    // From the contract (API.md): hospitals post notices, staff read reports; both list hospitals.
    expect(securityOf('/hospital-notices', 'post')).toEqual([{ bearer: [auth.scopes.hospital] }]);
    expect(securityOf('/reports/annual', 'get')).toEqual([{ bearer: [auth.scopes.staff] }]);
    expect(securityOf('/hospitals', 'get')).toEqual([{ bearer: [auth.scopes.hospital] }, { bearer: [auth.scopes.staff] }]);
    expect(securityOf('/health', 'get')).toEqual([]);
  });

  it('documents the discharge amounts as integer fen and the error envelope', () => {
    const text = JSON.stringify(openApiDocument());
    const schemas = openApiDocument().components.schemas as Record<string, { properties?: Record<string, unknown> }>;
    expect(schemas.DischargeNotice?.properties?.totalCostFen).toMatchObject({ type: 'integer', minimum: 0 });
    expect(schemas.ErrorEnvelope).toBeDefined();
    expect(text).toContain('"x-roles":["hospital"]');
  });
});

describe('an HTTP operation is declared once (issue 13, part 1)', () => {
  const operation = defineOperation({ summary: 's', roles: 'public', responses: { 200: { description: 'ok', schema: z.object({}) } } });

  it('is found by its export name: a name that is no HTTP function, or one exported twice, is refused', () => {
    expect(() => collectOperations({ registry: { healthz: operation } })).toThrow(/exports the operation healthz, which is no HTTP function/);
    expect(() => collectOperations({ a: { health: operation }, b: { health: operation } })).toThrow(/health is exported twice/);
    expect(() => collectOperations({ a: { health: operation } })).toThrow(/HTTP function \w+ has no operation definition/);
  });

  it("documents exactly the request each handler enforces: every operation spreads its request module's export of the same name", async () => {
    // Handlers import shared/api/requests/*.ts (roles, path, query, body); the documentation
    // modules spread those into the operations the document is built from. /health and the
    // document itself are imported whole by their handlers (nothing to split off).
    const folder = new URL('../../shared/api/requests/', import.meta.url);
    const requests = new Map<string, Record<string, unknown>>();
    for (const file of readdirSync(folder).filter((name) => name.endsWith('.ts'))) {
      const exports = (await import(new URL(file, folder).href)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(exports)) {
        if (!(typeof value === 'object' && value !== null && 'roles' in value)) continue;
        expect(requests.has(name), `${name} is exported by two request modules (${file})`).toBe(false);
        requests.set(name, value as Record<string, unknown>);
      }
    }
    const wholeOperations = ['health', 'getOpenApi'];
    for (const [name, operation] of Object.entries(operations)) {
      const request = requests.get(name);
      if (wholeOperations.includes(name)) {
        expect(request, `${name} has a request module export though its handler imports the whole operation`).toBeUndefined();
        continue;
      }
      expect(request, `${name} has no export in shared/api/requests/*.ts`).toBeDefined();
      for (const field of ['roles', 'path', 'query', 'body'] as const) {
        expect(operation[field], `${name}.${field}`).toBe(request![field]);
      }
    }
    expect([...requests.keys()].filter((name) => !(name in operations))).toEqual([]);
  });

  it('loads no middy, idempotency stack or AWS SDK: the schema modules and the OpenAPI script bundle without them', async () => {
    const result = await build({
      entryPoints: [new URL('../../scripts/write-openapi.ts', import.meta.url).pathname],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'esm',
      logLevel: 'silent',
    });
    const loaded = Object.keys(result.metafile.inputs);
    expect(loaded.filter((file) => /node_modules\/(@middy|@aws-sdk|@aws-lambda-powertools|@smithy)\//.test(file))).toEqual([]);
    expect(loaded.some((file) => file.endsWith('shared/api/applications.ts'))).toBe(true);
  });
});
