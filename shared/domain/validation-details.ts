// How a zod issue becomes a contract error detail (path, message, stable code): the domain's own line checks
// (the registry import) and the HTTP edge's request parsing both name faults this way.
import * as z from '../zod-mini.ts';
import type { ErrorDetail } from './errors.ts';

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

/** Each issue of a failed parse as a detail: `path` dotted ("" for the value as a whole), `code` from detailCode. */
export function zodDetails(error: z.core.$ZodError): ErrorDetail[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
    code: detailCode(issue),
  }));
}
