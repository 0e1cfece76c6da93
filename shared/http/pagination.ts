// The contract's lists: ?limit= (default 50, max 500) and an opaque nextToken, which is
// DynamoDB's LastEvaluatedKey sealed as base64url JSON.
import * as z from 'zod';
import { AppError } from '../domain/errors.ts';

export const pageQuerySchema = z.object({
  limit: z.coerce.number().int('must be a whole number').min(1).max(500).default(50),
  nextToken: z.string().max(2048).optional(),
});

export type Key = Record<string, unknown>;

export function encodeNextToken(lastEvaluatedKey: Key | undefined): string | null {
  return lastEvaluatedKey ? Buffer.from(JSON.stringify(lastEvaluatedKey)).toString('base64url') : null;
}

export function decodeNextToken(token: string | undefined): Key | undefined {
  if (!token) return undefined;
  try {
    const key = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as unknown;
    if (key && typeof key === 'object' && !Array.isArray(key)) return key as Key;
  } catch {
    // fall through to the 400 below
  }
  throw new AppError('VALIDATION_FAILED', 'nextToken: is not a token this API gave out', [
    { path: 'nextToken', message: 'is not a token this API gave out' },
  ]);
}

/** A list response: `{ items, nextToken }`. */
export const pageSchema = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextToken: z.string().nullable() });
