// The one HTTP edge every route goes through: authorisation from verified claims, content
// type, size, JSON parsing, schema validation, Idempotency-Key, and the contract's error envelope.
import { createHash } from 'node:crypto';
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import type { Actor, FileBody } from '../domain/actor.ts';
import type { BodySpec, OperationRequest } from './operation.ts';
import { AppError, refusal, type ErrorCode, type ErrorReason } from '../domain/errors.ts';
import { chineseMessage, detailText, languageOf, reasonText, type Language } from '../domain/reasons.ts';
import { replacedBytesMessage } from '../domain/text-decoding.ts';
import { auth, roles as allRoles, type Role } from '../topology.ts';
import type { IdempotencyRunner } from './idempotency.ts';
import { logger } from '../observability/logger.ts';
import { parseOrThrow } from './validation.ts';

export const defaultMaxBodyBytes = 1024 * 1024;

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;


export interface RouteRequest<B, P, Q> {
  actor: Actor;
  body: B;
  path: P;
  query: Q;
  event: HttpEvent;
  /** `Accept-Language`: zh-CN or en (the default). */
  language: Language;
  /** The invocation's context (`getRemainingTimeInMillis`: a route that must answer before its deadline). */
  context: Context;
}

export interface RouteResult {
  status: number;
  body: unknown;
  /** A file instead of JSON (e.g. a report as a workbook): sent base64-encoded with its type. */
  file?: { contentType: string; fileName: string; bytes: Buffer };
}

interface RouteDefinition<B, P, Q> extends OperationRequest<B, P, Q> {
  handle: (request: RouteRequest<B, P, Q>) => Promise<RouteResult>;
}

/**
 * The contract's error envelope; `reason` (a refusal's code and figures) is an addition. Under
 * `language` zh-CN the message and each detail's message are Chinese (reasons.ts); codes stay.
 */
export function errorResult(
  code: ErrorCode,
  message: string,
  details: AppError['details'] = [],
  reason?: ErrorReason,
  language: Language = 'en',
) {
  const error =
    language === 'en'
      ? { code, message, details, ...(reason && { reason }) }
      : {
          code,
          message: (reason && reasonText(reason, language)) ?? chineseMessage(code, details),
          details: details.map((d) => ({ ...d, message: detailText(d) })),
          ...(reason && { reason }),
        };
  const result = jsonResult(new AppError(code, message).status, { error });
  return { ...result, headers: { ...result.headers, 'content-language': language } };
}

function jsonResult(status: number, body: unknown): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(body),
  };
}

function fileResult(status: number, file: NonNullable<RouteResult['file']>): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: status,
    headers: {
      'content-type': file.contentType,
      'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
    },
    body: file.bytes.toString('base64'),
    isBase64Encoded: true,
  };
}

/** Groups arrive as an array, or as API Gateway's flattened "[a b]" string. */
export function groupsFromClaim(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.map(String);
  if (typeof claim !== 'string') return [];
  return claim
    .replace(/^\[|\]$/g, '')
    .split(/[\s,]+/)
    .filter(Boolean);
}

/** The claim a deployment's identity provider uses for roles, hospital or township (infra sets the variables). */
const claimName = (kind: keyof typeof auth.claimEnv, fallback: string): string => process.env[auth.claimEnv[kind]] || fallback;

function actorOf(event: HttpEvent, allowed: readonly Role[]): Actor {
  const claims = event.requestContext.authorizer?.jwt?.claims;
  const sub = claims?.sub;
  if (!claims || typeof sub !== 'string' || !sub) {
    throw new AppError('UNAUTHENTICATED', 'a valid bearer token is required');
  }
  const groups = groupsFromClaim(claims[claimName('roles', auth.groupsClaim)]);
  const role = allowed.find((r) => groups.includes(r));
  if (!role) {
    const held = groups.filter((g) => (allRoles as readonly string[]).includes(g));
    throw refusal('FORBIDDEN', 'ROLE_NOT_ALLOWED', { allowed: allowed.join(','), held: held.join(', ') });
  }
  if (role === 'hospital') {
    const hospitalClaim = claimName('hospital', auth.hospitalClaim);
    const hospitalId = claims[hospitalClaim];
    if (typeof hospitalId !== 'string' || !hospitalId) {
      throw refusal('FORBIDDEN', 'HOSPITAL_CLAIM_MISSING', { claim: hospitalClaim });
    }
    return { sub, role, hospitalId };
  }
  const township = claims[claimName('township', auth.townshipClaim)];
  return typeof township === 'string' && township ? { sub, role, township } : { sub, role };
}

function header(event: HttpEvent, name: string): string | undefined {
  return event.headers?.[name] ?? event.headers?.[name.toLowerCase()];
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

function readBody<B>(event: HttpEvent, spec: BodySpec<B>): B | FileBody {
  const maxBytes = spec.maxBytes ?? defaultMaxBodyBytes;
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > maxBytes) {
    throw new AppError('PAYLOAD_TOO_LARGE', `the body is ${bytes.length} bytes; this route takes at most ${maxBytes}`);
  }
  const expected = spec.kind === 'json' ? ['application/json'] : spec.contentTypes;
  const contentType = header(event, 'content-type') ?? '';
  const mediaType = contentType.split(';')[0]!.trim().toLowerCase();
  if (!expected.includes(mediaType)) {
    throw new AppError(
      'UNSUPPORTED_MEDIA_TYPE',
      `Content-Type must be ${expected.join(' or ')}; got ${mediaType || 'none'}`,
    );
  }
  if (spec.kind === 'file') {
    // A text/* body came as a string API Gateway read as UTF-8: a U+FFFD in it means bytes that
    // were not UTF-8 are gone, and decoding the rest by a declared charset (GBK) would make 锟斤拷.
    if (!event.isBase64Encoded && raw.includes('\uFFFD')) {
      const message = replacedBytesMessage('UTF-8');
      throw new AppError('VALIDATION_FAILED', `body: ${message}`, [{ path: 'body', message }]);
    }
    return { bytes, contentType };
  }
  let parsed: unknown;
  try {
    // A UTF-8 byte-order mark is allowed (RFC 8259 lets a parser ignore it; Windows tools write one).
    parsed = JSON.parse(strictUtf8.decode(bytes));
  } catch {
    throw new AppError('MALFORMED_JSON', 'body: is not valid JSON in UTF-8', [{ path: 'body', message: 'is not valid JSON in UTF-8' }]);
  }
  return parseOrThrow(spec.schema, parsed);
}

const idempotencyKeyPattern = /^[\x21-\x7e]{1,128}$/;

export function toErrorResult(error: unknown, language: Language = 'en'): APIGatewayProxyStructuredResultV2 {
  if (error instanceof AppError) return errorResult(error.code, error.message, error.details, error.reason, language);
  logger.error('unhandled error', { error: error as Error });
  return errorResult('INTERNAL', 'internal error; the request may be retried', [], undefined, language);
}

/** The language a request asks for in `Accept-Language` (English unless Chinese comes first). */
export function requestLanguage(event: HttpEvent): Language {
  return languageOf(header(event, 'accept-language'));
}

/**
 * The handler of one route. A route that takes POSTs passes `idempotency` (idempotentPosts from
 * ./idempotency.ts), so only those bundles load Powertools idempotency; the local runtime refuses
 * to load a POST route's handler without it (`handler.idempotent`).
 */
export function httpRoute<B = undefined, P = Record<string, never>, Q = Record<string, never>>(
  definition: RouteDefinition<B, P, Q>,
  idempotency?: IdempotencyRunner,
) {
  const base = async (event: HttpEvent, context: Context): Promise<APIGatewayProxyStructuredResultV2> => {
    const language = requestLanguage(event);
    try {
      const actor: Actor =
        definition.roles === 'public'
          ? { sub: 'anonymous', role: 'anonymous' }
          : actorOf(event, definition.roles);
      const path = definition.path
        ? parseOrThrow(definition.path, event.pathParameters ?? {})
        : ({} as P);
      const query = definition.query
        ? parseOrThrow(definition.query, event.queryStringParameters ?? {})
        : ({} as Q);
      const body = definition.body ? (readBody(event, definition.body) as B) : (undefined as B);
      const request: RouteRequest<B, P, Q> = { actor, body, path, query, event, language, context };

      const key = header(event, 'idempotency-key');
      if (key !== undefined && event.requestContext.http.method === 'POST') {
        if (!idempotencyKeyPattern.test(key)) {
          throw new AppError('VALIDATION_FAILED', 'Idempotency-Key must be 1-128 printable ASCII characters', [
            { path: 'Idempotency-Key', message: 'must be 1-128 printable ASCII characters' },
          ]);
        }
        if (!idempotency) throw new Error(`route ${event.routeKey} takes POSTs but was built without idempotency`);
        const result = await idempotency({
          // Scoped by tenant and role as well as subject: two clients sharing a `sub` never share responses.
          key: `${actor.role}|${actor.hospitalId ?? ''}|${actor.sub}|${event.routeKey}|${JSON.stringify(event.pathParameters ?? {})}|${key}`,
          bodyHash: createHash('sha256').update(event.body ?? '').digest('hex'),
          run: () => definition.handle(request),
        }, context);
        return jsonResult(result.status, result.body);
      }
      const result = await definition.handle(request);
      return result.file ? fileResult(result.status, result.file) : jsonResult(result.status, result.body);
    } catch (error) {
      return toErrorResult(error, language);
    }
  };
  // middy answers just before the function's deadline: with the contract's envelope (a thrown
  // TimeoutError would reach the client as API Gateway's bare 500). The handler may still be
  // running: a route that stores must make a retry safe (Idempotency-Key, hospital noticeNo).
  const timeoutEarlyResponse = () =>
    toErrorResult(new AppError('INTERNAL', 'the request ran out of time; it may or may not have been applied: retry it (with the same Idempotency-Key)'));
  return Object.assign(middy(base, { timeoutEarlyResponse }).use(injectLambdaContext(logger)), { idempotent: idempotency !== undefined });
}
