import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openApiDocument, operations } from '../../shared/api/openapi.ts';
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
