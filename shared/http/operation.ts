// What an HTTP operation is: what it accepts, who may call it, what it answers. Each
// shared/api/requests/*.ts module exports its routes' requests under their function names in the
// topology, which the HTTP edge (shared/http/route.ts) enforces; each shared/api/<area>.ts module
// spreads them into operations of the same names, from which the OpenAPI document
// (shared/api/openapi.ts) is built. Types only: loading this module, or a schema module,
// loads no middy, idempotency stack or SDK client (test/unit/openapi.test.ts checks the bundle).
import type { core } from 'zod/mini';
import type { Role } from '../topology.ts';

export type BodySpec<B> =
  | { kind: 'json'; schema: core.$ZodType<B>; maxBytes?: number }
  | { kind: 'file'; contentTypes: readonly string[]; maxBytes: number; example?: string };

/**
 * What a route accepts and who may call it: all its handler enforces (httpRoute). Each area's
 * requests live in shared/api/requests/<area>.ts, apart from the documentation (summary, responses),
 * so a handler's bundle builds only request schemas at import (issue 14: bench:cold-start).
 */
export interface OperationRequest<B = undefined, P = Record<string, never>, Q = Record<string, never>> {
  /** Roles allowed; 'public' routes need no token at all. */
  roles: readonly Role[] | 'public';
  body?: BodySpec<B>;
  path?: core.$ZodType<P>;
  query?: core.$ZodType<Q>;
}

/** A route's request with its documentation: the OpenAPI document reads it (shared/api/<area>.ts). */
export interface Operation<B = undefined, P = Record<string, never>, Q = Record<string, never>> extends OperationRequest<B, P, Q> {
  summary: string;
  description?: string;
  /** Request headers the route reads (documented; the handler parses them). */
  headers?: core.$ZodType;
  /** Error statuses beyond those that follow from the rest (e.g. 429). */
  errors?: readonly number[];
  /** Successful responses; the error responses follow from the rest. */
  responses: Record<number, { description: string; schema: core.$ZodType }>;
}

/** A route's request, typed by its body, path and query (an identity: the value is the declaration). */
export const defineRequest = <B = undefined, P = Record<string, never>, Q = Record<string, never>>(
  request: OperationRequest<B, P, Q>,
) => request;

/** An operation, typed by its body, path and query (an identity: the value is the declaration). */
export const defineOperation = <B = undefined, P = Record<string, never>, Q = Record<string, never>>(
  operation: Operation<B, P, Q>,
) => operation;

/** Whether an exported value is an operation (how the OpenAPI document finds them among a module's exports). */
export const isOperation = (value: unknown): value is Operation<any, any, any> =>
  typeof value === 'object' && value !== null && 'summary' in value && 'roles' in value && 'responses' in value;
