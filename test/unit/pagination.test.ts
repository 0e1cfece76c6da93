// Pagination tokens (issue 12, finding 3): sealed and bound, so a token from another batch, another
// list, another caller or with one character edited is a 400, never a 500 or someone else's page.
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeNextToken, encodeNextToken, type PageBinding } from '../../shared/http/pagination.ts';
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
