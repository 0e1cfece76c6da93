import * as z from '../zod-mini.ts';
import { validationFailed, type AppError } from '../domain/errors.ts';
import { zodDetails } from '../domain/validation-details.ts';

/**
 * Parse with a schema or throw the contract's 400 naming each field at fault. A fault of the value
 * as a whole (an array where an object belongs) is named `whole` (the request's `body`), never "".
 */
export function parseOrThrow<S extends z.core.$ZodType>(schema: S, value: unknown, pathPrefix = '', whole = 'body'): z.output<S> {
  // reportInput: the detail codes tell a missing field from a wrong one (the input is not copied out).
  const result = z.safeParse(schema, value, { reportInput: true });
  if (result.success) return result.data;
  const details = zodDetails(result.error).map((d) => ({
    ...d,
    path: [pathPrefix, d.path].filter(Boolean).join('.') || whole,
  }));
  throw validationFailed(details) satisfies AppError;
}
