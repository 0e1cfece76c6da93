// The OpenAPI 3.1 document, generated from the same operation definitions (zod schemas,
// roles) that the handlers validate with, and from the topology's routes.
import * as z from '../zod-mini.ts';
import { defineOperation, isOperation, type Operation } from '../http/operation.ts';
import { errorEnvelopeSchema } from './error-schemas.ts';
import { auth, functions, requiredScopes, type FunctionName, type FunctionSpec } from '../topology.ts';
import * as health from './health.ts';
import * as registry from './registry.ts';
import * as hospitalNotices from './hospital-notices.ts';
import * as payouts from './payouts.ts';
import * as applications from './applications.ts';
import * as operatorActions from './payout-operator-actions.ts';
import * as reports from './reports.ts';

export const getOpenApi = defineOperation({
  summary: 'This document.',
  roles: 'public',
  responses: { 200: { description: 'OpenAPI 3.1', schema: z.looseObject({ openapi: z.string() }) } },
});

const operationModules = { health, registry, hospitalNotices, payouts, applications, operatorActions, reports, openapi: { getOpenApi } };

/**
 * Every HTTP function's operation, by the function's name in the topology: each module above
 * exports its operations under those names. Throws on an operation whose name is no HTTP function
 * (a typo), a name two modules export, and an HTTP function without an operation.
 */
export function collectOperations(modules: Record<string, Record<string, unknown>> = operationModules): Partial<Record<FunctionName, Operation<any, any, any>>> {
  const found: Partial<Record<FunctionName, Operation<any, any, any>>> = {};
  for (const [moduleName, exports] of Object.entries(modules)) {
    for (const [name, value] of Object.entries(exports)) {
      if (!isOperation(value)) continue;
      const spec = (functions as Record<string, FunctionSpec>)[name];
      if (spec?.trigger.type !== 'http') throw new Error(`shared/api ${moduleName} exports the operation ${name}, which is no HTTP function in the topology`);
      if (found[name as FunctionName]) throw new Error(`the operation ${name} is exported twice`);
      found[name as FunctionName] = value;
    }
  }
  for (const [name, spec] of Object.entries(functions) as Array<[FunctionName, FunctionSpec]>) {
    if (spec.trigger.type === 'http' && !found[name]) throw new Error(`HTTP function ${name} has no operation definition`);
  }
  return found;
}

export const operations = collectOperations();

type JsonSchema = Record<string, unknown>;

function schemaOf(schema: z.core.$ZodType, io: 'input' | 'output', components: Record<string, JsonSchema>): JsonSchema {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  delete json.$schema;
  const defs = (json.$defs ?? {}) as Record<string, JsonSchema>;
  delete json.$defs;
  const relink = (value: JsonSchema) =>
    JSON.parse(JSON.stringify(value).replaceAll('"#/$defs/', '"#/components/schemas/')) as JsonSchema;
  for (const [id, def] of Object.entries(defs)) components[id] = relink(def);
  return relink(json);
}

function parameters(schema: z.core.$ZodType | undefined, where: 'path' | 'query' | 'header', components: Record<string, JsonSchema>) {
  if (!schema) return [];
  const json = schemaOf(schema, 'input', components) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    schema: property,
  }));
}

const errorDescriptions: Record<number, string> = {
  400: 'MALFORMED_JSON or VALIDATION_FAILED; details name each field at fault',
  401: 'UNAUTHENTICATED: no token, bad signature, expired',
  403: "FORBIDDEN: the token lacks the route's scope, the role may not do this, or separation of duties forbids it",
  404: 'NOT_FOUND',
  409: 'CONFLICT, INVALID_STATE or IDEMPOTENCY_KEY_REUSED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED: too many requests from this client; retry later',
};

function errorStatuses(operation: Operation<any, any, any>, method: string): number[] {
  const statuses = new Set<number>();
  if (operation.roles !== 'public') [401, 403].forEach((s) => statuses.add(s));
  if (operation.body) [400, 413, 415].forEach((s) => statuses.add(s));
  if (operation.query || operation.path) statuses.add(400);
  if (operation.path) statuses.add(404);
  if (method === 'POST') statuses.add(409);
  for (const status of operation.errors ?? []) statuses.add(status);
  return [...statuses].sort();
}

export function openApiDocument() {
  const components: Record<string, JsonSchema> = {};
  components.ErrorEnvelope = schemaOf(errorEnvelopeSchema, 'output', components);
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [name, spec] of Object.entries(functions) as Array<[FunctionName, FunctionSpec]>) {
    if (spec.trigger.type !== 'http') continue;
    const operation = operations[name];
    if (!operation) throw new Error(`HTTP function ${name} has no operation definition`);
    const method = spec.trigger.method;
    const body = operation.body;
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(operation.responses)) {
      responses[status] = {
        description: response.description,
        content: { 'application/json': { schema: schemaOf(response.schema, 'output', components) } },
      };
    }
    for (const status of errorStatuses(operation, method)) {
      responses[String(status)] = {
        description: errorDescriptions[status],
        content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } },
      };
    }
    (paths[spec.trigger.path] ??= {})[method.toLowerCase()] = {
      operationId: name,
      summary: operation.summary,
      ...(operation.description && { description: operation.description }),
      'x-roles': operation.roles,
      // Alternatives: a token with any one of the route's scopes passes the API's JWT authorizer.
      security: requiredScopes(operation.roles).map((scope) => ({ bearer: [scope] })),
      parameters: [
        ...parameters(operation.path, 'path', components),
        ...parameters(operation.query, 'query', components),
        ...parameters(operation.headers, 'header', components),
        ...(method === 'POST'
          ? [
              {
                name: 'Idempotency-Key',
                in: 'header',
                required: false,
                description: 'Replaying it with the same body returns the first response; another body gets 409.',
                schema: { type: 'string', minLength: 1, maxLength: 128 },
              },
            ]
          : []),
      ],
      ...(body && {
        requestBody: {
          required: true,
          content:
            body.kind === 'json'
              ? { 'application/json': { schema: schemaOf(body.schema, 'input', components) } }
              : Object.fromEntries(
                  body.contentTypes.map((type) => [
                    type,
                    { schema: { type: 'string' }, ...(body.example && { example: body.example }) },
                  ]),
                ),
        },
      }),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tuodi (托底) API',
      version: '1',
      description:
        'The back office of the civil-affairs bureau\'s social assistance: recipient registry, relief applications, hospital notices (先诊疗、后付费). Money is integer fen; dates YYYY-MM-DD; instants ISO 8601 with offset. Errors: {"error":{"code","message","details":[{"path","message"}]}}.',
    },
    servers: [{ url: 'http://127.0.0.1:3000', description: 'npm start' }],
    security: [{ bearer: [] }],
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(components).sort(([a], [b]) => a.localeCompare(b))),
      securitySchemes: {
        bearer: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: `An access token of the deployment's OIDC provider (Cognito, or another such as Keycloak). Its scope claim carries ${auth.scopes.hospital} (hospital systems) or ${auth.scopes.staff} (the bureau's staff); each operation's security lists the scopes it accepts (any one), and the API's JWT authorizer refuses a token with none of them (403) before the function runs. A deployment may name the scopes otherwise (infra settings). The role is in cognito:groups (or the claim the deployment names); a hospital's token also carries hospital_id.`,
        },
      },
    },
  };
}
