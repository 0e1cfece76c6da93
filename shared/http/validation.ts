import * as z from 'zod';
import { validationFailed, type AppError, type ErrorDetail } from '../domain/errors.ts';

export function zodDetails(error: z.ZodError): ErrorDetail[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}

/**
 * Parse with a schema or throw the contract's 400 naming each field at fault. A fault of the value
 * as a whole (an array where an object belongs) is named `whole` (the request's `body`), never "".
 */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, pathPrefix = '', whole = 'body'): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details = zodDetails(result.error).map((d) => ({
    ...d,
    path: [pathPrefix, d.path].filter(Boolean).join('.') || whole,
  }));
  throw validationFailed(details) satisfies AppError;
}
