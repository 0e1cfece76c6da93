import * as z from '../zod-mini.ts';
import { validationFailed, type AppError, type ErrorDetail } from '../domain/errors.ts';

/** A stable code for a zod issue: a custom check names its own in `params.code`. */
export function detailCode(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined ? 'REQUIRED' : 'INVALID_TYPE';
    case 'too_small':
      return 'TOO_SMALL';
    case 'too_big':
      return 'TOO_BIG';
    case 'invalid_value':
      return 'INVALID_VALUE';
    case 'invalid_format':
      return 'INVALID_FORMAT';
    case 'unrecognized_keys':
      return 'UNKNOWN_FIELD';
    case 'not_multiple_of':
      return 'NOT_MULTIPLE_OF';
    case 'custom': {
      const code = (issue.params as { code?: unknown } | undefined)?.code;
      return typeof code === 'string' ? code : 'INVALID';
    }
    default:
      return 'INVALID';
  }
}

export function zodDetails(error: z.core.$ZodError): ErrorDetail[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
    code: detailCode(issue),
  }));
}

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
