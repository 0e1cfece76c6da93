// Field schemas shared by every route: one definition of a resident ID, an amount, a date.
import * as z from '../zod-mini.ts';
import { dateInChina } from '../domain/clock.ts';
import { idNumberProblem, idNumberProblemCode } from '../domain/id-number.ts';

/** A resident ID number whose birth date is not after today in China. */
export const idNumberSchema = z.string().check(z.superRefine((value, ctx) => {
  const today = dateInChina(new Date());
  const code = idNumberProblemCode(value, today);
  if (code) ctx.addIssue({ code: 'custom', message: idNumberProblem(value, today)!, params: { code } });
}));

export const fenSchema = z.number({ error: 'must be an integer number of fen' }).check(z.int('must be an integer number of fen'), z.nonnegative('must not be negative'), z.lte(Number.MAX_SAFE_INTEGER));

export const isoDateSchema = z.iso.date({ error: 'must be a date YYYY-MM-DD' });

// The error envelope's schemas document the answers only (shared/api/error-schemas.ts): no route builds them.

/** A list's query: ?limit= (default 50, max 500) and the nextToken of the page before (shared/http/pagination.ts seals it). */
export const pageQuerySchema = z.object({
  limit: z._default(z.coerce.number().check(z.int('must be a whole number'), z.gte(1), z.lte(500)), 50),
  nextToken: z.optional(z.string().check(z.maxLength(2048))),
});

/** A list response: `{ items, nextToken }`. */
export const pageSchema = <T extends z.core.$ZodType>(item: T) => z.object({ items: z.array(item), nextToken: z.nullable(z.string()) });
