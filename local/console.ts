// The staff console locally: its built files at /console/ (console/dist, built by `npm ci`'s
// prepare step) and the local-only dev sign-in that mints a token for a chosen role and subject.
// Neither is in the topology, so the deployed stack has neither (the console is hosted apart and
// staff sign in with the identity provider there).
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { roles, type Role } from '../shared/topology.ts';
import type { DevKeys } from './dev-auth.ts';

export const consoleDist = fileURLToPath(new URL('../console/dist', import.meta.url));
export const devTokenPath = '/local/dev-token';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

// antd writes its styles into <style> elements at run time: style-src needs 'unsafe-inline'.
// connect-src: the API (same origin) and the local S3 front on another loopback port (uploads).
const securityHeaders = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' http://127.0.0.1:*; frame-ancestors 'none'; base-uri 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > 4096) return undefined;
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

const subjectPattern = /^[A-Za-z0-9._@-]{1,64}$/;

/**
 * `POST /local/dev-token` `{"role","sub","township"?,"hospitalId"?}` → `200 {"token"}`: what
 * `npm run token` prints, for the console's dev sign-in. 400 `VALIDATION_FAILED` naming the field.
 */
async function mintDevToken(req: IncomingMessage, res: ServerResponse, keys: DevKeys): Promise<void> {
  const body = (await readJson(req)) as { role?: unknown; sub?: unknown; township?: unknown; hospitalId?: unknown } | undefined;
  const details: Array<{ path: string; message: string; code: string }> = [];
  if (!body || typeof body !== 'object') details.push({ path: '', message: 'must be a JSON object', code: 'INVALID_TYPE' });
  else {
    if (!roles.includes(body.role as Role)) details.push({ path: 'role', message: `must be one of ${roles.join(', ')}`, code: 'INVALID_VALUE' });
    if (typeof body.sub !== 'string' || !subjectPattern.test(body.sub)) {
      details.push({ path: 'sub', message: 'must be 1 to 64 letters, digits or . _ @ -', code: 'INVALID_FORMAT' });
    }
    if (body.township !== undefined && (typeof body.township !== 'string' || body.township.length > 100)) {
      details.push({ path: 'township', message: 'must be a township name', code: 'INVALID_TYPE' });
    }
    if (body.role === 'hospital' && typeof body.hospitalId !== 'string') {
      details.push({ path: 'hospitalId', message: 'a hospital token names its hospital', code: 'REQUIRED' });
    }
  }
  if (details.length || !body) {
    return json(res, 400, {
      error: { code: 'VALIDATION_FAILED', message: details.map((d) => `${d.path}: ${d.message}`).join('; '), details },
    });
  }
  const token = await keys.sign({
    role: body.role as Role,
    sub: body.sub as string,
    ...(typeof body.hospitalId === 'string' && { hospitalId: body.hospitalId }),
    ...(typeof body.township === 'string' && body.township && { township: body.township }),
  });
  json(res, 200, { token });
}

function serveFile(res: ServerResponse, file: string, immutable: boolean): void {
  res.writeHead(200, {
    'content-type': contentTypes[extname(file)] ?? 'application/octet-stream',
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    ...securityHeaders,
  });
  res.end(readFileSync(file));
}

/** Serves the console and the dev sign-in; false when the request is for the API. */
export async function consoleRequest(req: IncomingMessage, res: ServerResponse, pathname: string, keys: DevKeys): Promise<boolean> {
  if (pathname === devTokenPath && req.method === 'POST') {
    await mintDevToken(req, res, keys);
    return true;
  }
  if (pathname !== '/console' && !pathname.startsWith('/console/')) return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  if (pathname === '/console') {
    res.writeHead(308, { location: '/console/' });
    res.end();
    return true;
  }
  const index = join(consoleDist, 'index.html');
  if (!existsSync(index)) {
    res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('The console is not built: run npm run build:console (npm ci builds it).\n');
    return true;
  }
  const relative = normalize(decodeURIComponent(pathname.slice('/console/'.length)));
  const file = join(consoleDist, relative);
  if (relative && !relative.startsWith('..') && file.startsWith(consoleDist + sep) && existsSync(file) && statSync(file).isFile()) {
    serveFile(res, file, relative.startsWith(`assets${sep}`));
    return true;
  }
  // A screen's address (no file by that name) loads the app, which routes in the browser.
  if (extname(relative) === '') {
    serveFile(res, index, false);
    return true;
  }
  res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
  res.end('not found\n');
  return true;
}
