// Field schemas shared by every route: one definition of a resident ID, an amount, a date.
import * as z from 'zod';
import { dateInChina } from '../domain/clock.ts';
import { idNumberProblem } from '../domain/id-number.ts';

/** A resident ID number whose birth date is not after today in China. */
export const idNumberSchema = z.string().superRefine((value, ctx) => {
  const problem = idNumberProblem(value, dateInChina(new Date()));
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const fenSchema = z
  .number({ error: 'must be an integer number of fen' })
  .int('must be an integer number of fen')
  .nonnegative('must not be negative')
  .max(Number.MAX_SAFE_INTEGER);

export const isoDateSchema = z.iso.date({ error: 'must be a date YYYY-MM-DD' });



export const errorEnvelopeSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ path: z.string(), message: z.string() })),
  }),
});
