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



const reasonValuesSchema = z.withMeta(z.record(z.string(), z.union([z.string(), z.number()])), { description: 'The figures the code\'s text names (amounts in fen), for a client to render it in its own language.' });

/** One problem of a request or of a registry line: the field, the text, a stable code. */
export const errorDetailSchema = z.withMeta(z.object({
    path: z.string(),
    message: z.withMeta(z.string(), { description: 'English, or Chinese under `Accept-Language: zh-CN` (addition to the contract).' }),
    code: z.withMeta(z.optional(z.string()), {
      description:
        'Addition to the contract: a stable machine-readable reason (e.g. REQUIRED, TOO_BIG, INVALID_VALUE, ID_NUMBER_CHECK_DIGIT, DUPLICATES_LINE, ALREADY_IN_REGISTRY) that clients render in their own language.',
    }),
    values: z.optional(reasonValuesSchema),
  }), { id: 'ErrorDetail' });

export const errorEnvelopeSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.withMeta(z.string(), { description: 'English by default; Chinese under `Accept-Language: zh-CN` (addition to the contract; codes stay the same).' }),
    details: z.array(errorDetailSchema),
    reason: z.withMeta(z.optional(z.object({ code: z.string(), values: reasonValuesSchema })), {
        description:
          'Addition to the contract: why a 403 or 409 was answered, as a stable code with its figures (e.g. FILER_MAY_NOT_DECIDE, TOWNSHIP_OUT_OF_SCOPE, RECIPIENT_STATUS_FORBIDS, BATCH_STATUS_FORBIDS; README, Chinese from codes).',
      }),
  }),
});

/** A list's query: ?limit= (default 50, max 500) and the nextToken of the page before (shared/http/pagination.ts seals it). */
export const pageQuerySchema = z.object({
  limit: z._default(z.coerce.number().check(z.int('must be a whole number'), z.gte(1), z.lte(500)), 50),
  nextToken: z.optional(z.string().check(z.maxLength(2048))),
});

/** A list response: `{ items, nextToken }`. */
export const pageSchema = <T extends z.core.$ZodType>(item: T) => z.object({ items: z.array(item), nextToken: z.nullable(z.string()) });
