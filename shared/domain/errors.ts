// Domain failures that the HTTP edge maps to the contract's error envelope.
import { refusalReasons, type ReasonValues, type RefusalReasonCode } from './reasons.ts';

export type ErrorCode =
  | 'MALFORMED_JSON'
  | 'VALIDATION_FAILED'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'INVALID_STATE'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'RATE_LIMITED'
  | 'INTERNAL';

export const statusOf: Record<ErrorCode, number> = {
  MALFORMED_JSON: 400,
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  INVALID_STATE: 409,
  IDEMPOTENCY_KEY_REUSED: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
};

export interface ErrorDetail {
  path: string;
  message: string;
  /** A stable reason a client can render in its own language (addition to the contract). */
  code?: string;
  /** The figures the code's text names (reasons.ts), where it names any. */
  values?: ReasonValues;
}

/** Why a request was refused, as a stable code with its figures (reasons.ts; addition to the contract). */
export interface ErrorReason {
  code: RefusalReasonCode;
  values: ReasonValues;
}

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetail[] = [],
    readonly reason?: ErrorReason,
  ) {
    super(message);
    this.name = 'AppError';
  }

  get status(): number {
    return statusOf[this.code];
  }
}

/** A 403 or 409 whose message is its reason's English text (reasons.ts). */
export function refusal(code: 'FORBIDDEN' | 'INVALID_STATE', reason: RefusalReasonCode, values: ReasonValues = {}): AppError {
  return new AppError(code, refusalReasons[reason].en(values), [], { code: reason, values });
}

export function validationFailed(details: ErrorDetail[]): AppError {
  const message = details.map((d) => (d.path ? `${d.path}: ${d.message}` : d.message)).join('; ');
  return new AppError('VALIDATION_FAILED', message, details);
}
