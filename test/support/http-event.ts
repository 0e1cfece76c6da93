// An HTTP API (payload 2.0) event as API Gateway hands it to a route after its JWT authorizer
// passed: for tests of the HTTP edge on its own, without the local stack.
import type { HttpEvent } from '../../shared/http/route.ts';

export interface AuthorizedRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  /** The verified token's claims, as the authorizer passes them on. */
  claims: Record<string, string>;
  /** The token's scopes; default none. */
  scopes?: string[];
}

/** The event of one request; method GET and path /x unless given. */
export function authorizedEvent(request: AuthorizedRequest): HttpEvent {
  const method = request.method ?? 'GET';
  const path = request.path ?? '/x';
  return {
    version: '2.0',
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: '',
    headers: request.headers ?? {},
    requestContext: {
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: '' },
      authorizer: { jwt: { claims: request.claims, scopes: request.scopes ?? [] }, principalId: '', integrationLatency: 0 },
    } as unknown as HttpEvent['requestContext'],
    ...(request.body !== undefined && { body: request.body }),
    isBase64Encoded: false,
  } as HttpEvent;
}
