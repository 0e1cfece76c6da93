// The contract's lists: ?limit= (default 50, max 500) and an opaque nextToken. A token is
// DynamoDB's LastEvaluatedKey (or an offset) sealed with AES-256-GCM under the deployment's
// pagination key: nobody can read it or make one, and it is bound to the route, its filters and
// the caller, so a token from another list, another batch or another person is refused.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppError } from '../domain/errors.ts';
import { secretBytes } from '../adapters/secrets.ts';
import type { StartKey } from '../adapters/dynamo-pages.ts';

export type Key = StartKey;

/** What a token is bound to: the route, every filter but `limit` and `nextToken`, and the caller. */
export interface PageBinding {
  route: string;
  filters: Record<string, unknown>;
  caller: string;
}

/** The binding of a list request: route key, path and query filters, and the caller's subject. */
export function pageBinding(request: ListRequest): PageBinding {
  const { limit: _limit, nextToken: _token, ...filters } = { ...(request.path as object), ...(request.query as object) } as Record<string, unknown>;
  return { route: request.event.routeKey, filters, caller: request.actor.sub };
}

function associatedData(binding: PageBinding): Buffer {
  const filters = Object.keys(binding.filters)
    .sort()
    .filter((k) => binding.filters[k] !== undefined)
    .map((k) => [k, binding.filters[k]]);
  return Buffer.from(JSON.stringify([binding.route, filters, binding.caller]), 'utf8');
}

const ivBytes = 12;
const tagBytes = 16;

export async function encodeNextToken(lastEvaluatedKey: Key | undefined, binding: PageBinding): Promise<string | null> {
  if (!lastEvaluatedKey) return null;
  const iv = randomBytes(ivBytes);
  const cipher = createCipheriv('aes-256-gcm', await secretBytes('paginationTokenKey'), iv);
  cipher.setAAD(associatedData(binding));
  const sealed = Buffer.concat([cipher.update(JSON.stringify(lastEvaluatedKey), 'utf8'), cipher.final()]);
  return Buffer.concat([iv, sealed, cipher.getAuthTag()]).toString('base64url');
}

const notOurs = () =>
  new AppError('VALIDATION_FAILED', 'nextToken: not a token this API gave out', [
    { path: 'nextToken', message: 'not a token this API gave out' },
  ]);

/** The key a token sealed, or 400 `nextToken: not a token this API gave out` for anything else. */
export async function decodeNextToken(token: string | undefined, binding: PageBinding): Promise<Key | undefined> {
  if (token === undefined || token === '') return undefined;
  const key = await secretBytes('paginationTokenKey');
  if (!/^[A-Za-z0-9_-]+$/.test(token)) throw notOurs();
  const raw = Buffer.from(token, 'base64url');
  if (raw.length < ivBytes + tagBytes + 2) throw notOurs();
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, ivBytes));
    decipher.setAAD(associatedData(binding));
    decipher.setAuthTag(raw.subarray(raw.length - tagBytes));
    const plain = Buffer.concat([decipher.update(raw.subarray(ivBytes, raw.length - tagBytes)), decipher.final()]);
    const parsed = JSON.parse(plain.toString('utf8')) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return parsed as Key;
  } catch {
    // authentication failed: another key, another binding, or an edited token
  }
  throw notOurs();
}

/** The parts of a list request a page is bound to (see pageBinding) and its nextToken. */
type ListRequest = { event: { routeKey: string }; actor: { sub: string }; path: unknown; query: unknown };

/**
 * A list route's body: the request's nextToken opened to the start key it sealed (400
 * `nextToken: not a token this API gave out` otherwise), `list` run from that key, and the
 * `lastKey` it returns sealed as `nextToken` (null on the last page). Use cases take and return
 * start keys only; tokens belong to the edge.
 */
export async function pagedBody<T extends { lastKey: Key | undefined }>(
  request: ListRequest,
  list: (startKey: Key | undefined) => Promise<T>,
): Promise<Omit<T, 'lastKey'> & { nextToken: string | null }> {
  const binding = pageBinding(request);
  const { lastKey, ...rest } = await list(await decodeNextToken((request.query as { nextToken?: string }).nextToken, binding));
  return { ...rest, nextToken: await encodeNextToken(lastKey, binding) };
}
