// Pagination tokens (issue 12, finding 3): sealed and bound, so a token from another batch, another
// list, another caller or with one character edited is a 400, never a 500 or someone else's page.
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { decodeNextToken, encodeNextToken, pagedBody, type PageBinding } from '../../shared/http/pagination.ts';
import { AppError } from '../../shared/domain/errors.ts';
import { localSecretEnv } from '../../shared/topology.ts';

const payments = (batchId: string, caller = 'finance-zhang'): PageBinding => ({
  route: 'GET /payout-batches/{id}/payments',
  filters: { id: batchId, status: 'RECORDED' },
  caller,
});
const lastKey = { batchId: 'pb_a', endToEndId: 'PS202612-0001' };

async function refusal(token: string, binding: PageBinding) {
  const error = await decodeNextToken(token, binding).then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

beforeAll(() => {
  process.env[localSecretEnv('paginationTokenKey')] = randomBytes(32).toString('hex');
});

describe('nextToken', () => {
  it('gives back the key it sealed, for the same list, filters and caller', async () => {
    const token = (await encodeNextToken(lastKey, payments('pb_a')))!;
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(Buffer.from(token, 'base64url').toString('latin1')).not.toContain('PS202612');
    expect(await decodeNextToken(token, payments('pb_a'))).toEqual(lastKey);
    expect(await encodeNextToken(undefined, payments('pb_a'))).toBeNull();
  });

  it("refuses a token from another batch, another filter, another route or another caller as 'not a token this API gave out'", async () => {
    const token = (await encodeNextToken(lastKey, payments('pb_a')))!;
    const others: PageBinding[] = [
      payments('pb_b'),
      { ...payments('pb_a'), filters: { id: 'pb_a', status: 'SETTLED' } },
      { ...payments('pb_a'), route: 'GET /applications/{id}/history', filters: { id: 'pb_a' } },
      payments('pb_a', 'finance-li'),
    ];
    for (const binding of others) {
      const error = await refusal(token, binding);
      expect(error).toMatchObject({ code: 'VALIDATION_FAILED', message: 'nextToken: not a token this API gave out', details: [{ path: 'nextToken' }] });
    }
  });

  it('refuses an edited token, a forged one and garbage', async () => {
    const history: PageBinding = { route: 'GET /applications/{id}/history', filters: { id: 'app_1' }, caller: 'reviewer-1' };
    const token = (await encodeNextToken({ offset: 50 }, history))!;
    const flipped = Buffer.from(token, 'base64url');
    flipped[14]! ^= 1;
    const candidates = [
      flipped.toString('base64url'),
      Buffer.from(JSON.stringify({ offset: 0 })).toString('base64url'),
      token.slice(0, -4),
      '%%%',
      'A'.repeat(2048),
    ];
    for (const candidate of candidates) expect((await refusal(candidate, history)).message).toBe('nextToken: not a token this API gave out');
  });
});

// Issue 13, part 4: cursor encoding belongs to the edge. A list use case takes a start key and
// returns where the next page starts; pagedBody alone opens and seals tokens.
describe('pagedBody', () => {
  const request = (nextToken?: string) => ({
    event: { routeKey: 'GET /payout-batches' },
    actor: { sub: 'finance-zhang' },
    path: {},
    query: { status: 'PAID', limit: 2, ...(nextToken !== undefined && { nextToken }) },
  });

  it('gives the use case the start key its last page returned, sealed in between, and null after the last page', async () => {
    const seen: unknown[] = [];
    const pages = [{ lastKey: { batchId: 'pb_2' } }, { lastKey: undefined }];
    const list = async (startKey: Record<string, unknown> | undefined) => {
      seen.push(startKey);
      return { items: [seen.length], ...pages[seen.length - 1]! };
    };
    const first = await pagedBody(request(), list);
    expect(first.nextToken).toEqual(expect.any(String));
    expect(first.nextToken).not.toContain('pb_2');
    expect(first).not.toHaveProperty('lastKey');
    const second = await pagedBody(request(first.nextToken!), list);
    expect(seen).toEqual([undefined, { batchId: 'pb_2' }]);
    expect(second).toEqual({ items: [2], nextToken: null });
  });

  it('refuses a token of another filter before the use case runs', async () => {
    const first = await pagedBody(request(), async () => ({ items: [], lastKey: { batchId: 'pb_2' } }));
    let ran = false;
    const other = { ...request(first.nextToken!), query: { status: 'FAILED', limit: 2, nextToken: first.nextToken! } };
    await expect(pagedBody(other, async () => ((ran = true), { items: [], lastKey: undefined }))).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(ran).toBe(false);
  });

  it('is the only place tokens are opened or sealed: no use case or domain file imports the edge', () => {
    // Layers hold (issue 13): the domain and the use cases never reach into shared/http.
    expect(layerFilesMatching(/from '(\.\.\/)+http\//)).toEqual([]);
  });

  it('leaves the AWS SDK to the adapters: no use case or domain file imports it', () => {
    // The adapters are the only SDK code; a use case calls a store function instead.
    expect(layerFilesMatching(/from '@aws-sdk\/|from '(\.\.\/)+adapters\/clients\.ts'/)).toEqual([]);
  });
});

/** The files of shared/usecases and shared/domain whose text matches `pattern`. */
function layerFilesMatching(pattern: RegExp): string[] {
  return ['usecases', 'domain'].flatMap((layer) => {
    const dir = new URL(`../../shared/${layer}/`, import.meta.url);
    return readdirSync(dir, { recursive: true })
      .map(String)
      .filter((file) => file.endsWith('.ts') && pattern.test(readFileSync(new URL(file, dir), 'utf8')))
      .map((file) => `shared/${layer}/${file}`);
  });
}
