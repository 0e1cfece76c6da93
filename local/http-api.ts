// Serves the topology's HTTP routes with API Gateway HTTP API's payload 2.0 event, after
// verifying the bearer token as the JWT authorizer would: 401 without a valid token, 403 when it
// carries none of the route's scopes (requiredScopes of the route's operation, as infra/ sets them
// on the deployed routes).
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { operations } from '../shared/api/openapi.ts';
import { errorResult, toErrorResult } from '../shared/http/route.ts';
import { refusal } from '../shared/domain/errors.ts';
import { languageOf } from '../shared/domain/reasons.ts';
import { functions, requiredScopes, type FunctionName } from '../shared/topology.ts';
import { consoleRequest } from './console.ts';
import { claimsAsApiGatewayPassesThem, tokenScopes, type DevKeys } from './dev-auth.ts';
import { lambdaContext, loadHandler, type Handler } from './lambda-runtime.ts';

/** API Gateway's own limit on a request; routes set lower ones. */
const gatewayMaxBodyBytes = 10 * 1024 * 1024;

interface Route {
  name: FunctionName;
  method: string;
  routeKey: string;
  pattern: RegExp;
  parameters: string[];
  authenticated: boolean;
  /** A token must carry one of these (none for a public route). */
  scopes: string[];
  handler: Handler;
}

/** The route of the topology's HTTP function `name`, served by `handler`. */
export function routeOf(name: FunctionName, handler: Handler): Route {
  const trigger = functions[name].trigger;
  if (trigger.type !== 'http') throw new Error(`function ${name} has no http trigger`);
  const operation = operations[name];
  if (!operation) throw new Error(`function ${name} has an http trigger but no operation in shared/api/openapi.ts`);
  const parameters: string[] = [];
  const source = trigger.path.replace(/\{(\w+)\}/g, (_, p: string) => {
    parameters.push(p);
    return '([^/]+)';
  });
  return {
    name,
    method: trigger.method,
    routeKey: `${trigger.method} ${trigger.path}`,
    pattern: new RegExp(`^${source}$`),
    parameters,
    authenticated: trigger.authenticated,
    scopes: trigger.authenticated ? requiredScopes(operation.roles) : [],
    handler,
  };
}

export async function loadRoutes(): Promise<Route[]> {
  const routes: Route[] = [];
  for (const [name, spec] of Object.entries(functions) as Array<[FunctionName, (typeof functions)[FunctionName]]>) {
    if (spec.trigger.type === 'http') routes.push(routeOf(name, await loadHandler(name)));
  }
  return routes;
}

function send(res: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  res.writeHead(result.statusCode ?? 200, { ...(result.headers as Record<string, string>) });
  res.end(result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? ''));
}

async function readBody(req: IncomingMessage): Promise<Buffer | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > gatewayMaxBodyBytes) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** A path segment decoded, or undefined when its percent-encoding is malformed (`%ZZ`, a lone `%`, bad UTF-8). */
function decodePathSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/**
 * The body as API Gateway HTTP API hands it to Lambda (payload 2.0): `text/*`, JSON, XML and
 * JavaScript as a UTF-8 string (bytes that are not UTF-8 become U+FFFD, as there), anything
 * else, and a body with no Content-Type, base64-encoded with `isBase64Encoded: true`.
 */
export function gatewayBody(body: Buffer, contentType: string | undefined): { body?: string; isBase64Encoded: boolean } {
  if (body.length === 0) return { isBase64Encoded: false };
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const text =
    mediaType.startsWith('text/') ||
    ['application/json', 'application/xml', 'application/javascript'].includes(mediaType);
  return text ? { body: body.toString('utf8'), isBase64Encoded: false } : { body: body.toString('base64'), isBase64Encoded: true };
}

export function startHttpApi(routes: Route[], keys: DevKeys, port: number): Promise<Server> {
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (await consoleRequest(req, res, url.pathname, keys)) return;
      const candidates = routes.filter((r) => r.pattern.test(url.pathname));
      const route = candidates.find((r) => r.method === req.method);
      if (!route) {
        return send(res, errorResult('NOT_FOUND', `no route ${req.method} ${url.pathname}`));
      }
      let claims: Record<string, string> | undefined;
      let scopes: string[] = [];
      if (route.authenticated) {
        const token = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
        if (!token) return send(res, errorResult('UNAUTHENTICATED', 'a bearer token is required'));
        let payload;
        try {
          payload = await keys.verify(token);
        } catch (error) {
          return send(res, errorResult('UNAUTHENTICATED', `the token was refused: ${(error as Error).message}`));
        }
        scopes = tokenScopes(payload);
        // As the deployed authorizer: a valid token with none of the route's scopes never reaches the function.
        if (route.scopes.length && !route.scopes.some((scope) => scopes.includes(scope))) {
          return send(
            res,
            toErrorResult(
              refusal('FORBIDDEN', 'ROUTE_SCOPE_MISSING', { route: route.routeKey, scopes: route.scopes.join(','), held: scopes.join(' ') }),
              languageOf(req.headers['accept-language']),
            ),
          );
        }
        claims = claimsAsApiGatewayPassesThem(payload);
      }
      const body = await readBody(req);
      if (body === 'too-large') {
        return send(res, errorResult('PAYLOAD_TOO_LARGE', `the body is over ${gatewayMaxBodyBytes} bytes`));
      }
      const match = route.pattern.exec(url.pathname)!;
      const pathParameters: Record<string, string> = {};
      for (const [i, name] of route.parameters.entries()) {
        const value = decodePathSegment(match[i + 1]!);
        if (value === undefined) {
          return send(res, errorResult('VALIDATION_FAILED', `${name}: is not valid percent-encoding`, [
            { path: name, message: 'is not valid percent-encoding' },
          ]));
        }
        pathParameters[name] = value;
      }
      const headers = Object.fromEntries(
        Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(',') : (v ?? '')]),
      );
      const query = Object.fromEntries(url.searchParams.entries());
      const now = new Date();
      const event = {
        version: '2.0',
        routeKey: route.routeKey,
        rawPath: url.pathname,
        rawQueryString: url.search.slice(1),
        headers,
        queryStringParameters: url.search ? query : undefined,
        pathParameters: route.parameters.length ? pathParameters : undefined,
        requestContext: {
          accountId: '000000000000',
          apiId: 'local',
          domainName: req.headers.host ?? 'localhost',
          domainPrefix: 'local',
          http: {
            method: req.method ?? 'GET',
            path: url.pathname,
            protocol: `HTTP/${req.httpVersion}`,
            sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
            userAgent: req.headers['user-agent'] ?? '',
          },
          requestId: randomUUID(),
          routeKey: route.routeKey,
          stage: '$default',
          time: now.toISOString(),
          timeEpoch: now.getTime(),
          ...(claims && { authorizer: { jwt: { claims, scopes } } }),
        },
        ...gatewayBody(body, headers['content-type']),
      };
      const result = (await route.handler(event, lambdaContext(route.name))) as APIGatewayProxyStructuredResultV2;
      send(res, result);
    } catch (error) {
      console.error('local API: handler failed', (error as Error).message);
      send(res, errorResult('INTERNAL', 'internal error'));
    }
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}
