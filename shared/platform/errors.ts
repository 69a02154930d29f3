/**
 * Typed error codes of the API contract. Every function answers with one of these on failure;
 * the HTTP status is what the local function host and the CloudBase HTTP access path send.
 */
export const ERROR_HTTP_STATUS = {
  INVALID_INPUT: 400,
  UNKNOWN_ACTION: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  /** A coupon that cannot be used or issued now (used, locked, expired, exhausted, paused); the message says why. */
  COUPON_UNAVAILABLE: 409,
  /** A request body over its entry's limit (answered by the HTTP layer before any function runs). */
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL: 500,
} as const

export type ErrorCode = keyof typeof ERROR_HTTP_STATUS

export interface ApiError {
  code: ErrorCode
  message: string
  /** Dotted path of the failing input field, for INVALID_INPUT. */
  field?: string
}

export class AppError extends Error {
  readonly code: ErrorCode
  readonly field?: string

  constructor(code: ErrorCode, message: string, field?: string) {
    super(message)
    this.name = 'AppError'
    this.code = code
    if (field !== undefined) this.field = field
  }

  toApiError(): ApiError {
    return this.field === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, field: this.field }
  }
}

export function httpStatusOf(code: string): number {
  return (ERROR_HTTP_STATUS as Record<string, number>)[code] ?? 500
}
