/**
 * Domain errors. Services throw these; one mapper at the GraphQL edge (format-error.ts) turns the
 * code into `extensions.code`. Anything else thrown is treated as a bug: logged, and shown to the
 * client only as "Internal error".
 */
import { ErrorCode } from '@relay/core';

// The codes themselves are the API's contract with the admin app: declared in @relay/core.
export { ErrorCode };

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    /** The input field at fault, for BAD_USER_INPUT / CONFLICT (shown as extensions.field). */
    readonly field?: string,
    /** Extra non-secret details for the client (e.g. retryAfterSeconds). */
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** Factories with stable messages, so callers never spell a code by hand. */
export const errors = {
  unauthenticated: (message = 'Not logged in or the session has expired') => new DomainError(ErrorCode.UNAUTHENTICATED, message),
  forbidden: (message = 'You are not allowed to do this') => new DomainError(ErrorCode.FORBIDDEN, message),
  badInput: (field: string, message: string) => new DomainError(ErrorCode.BAD_USER_INPUT, `${field}: ${message}`, field),
  notFound: (what: string, id?: string | number) =>
    new DomainError(ErrorCode.NOT_FOUND, id === undefined ? `${what} not found` : `${what} ${id} not found`),
  conflict: (field: string, message: string) => new DomainError(ErrorCode.CONFLICT, `${field}: ${message}`, field),
  /** A date range longer than a query allows; `maxRangeDays` lets the client say so in its language. */
  rangeTooLong: (field: string, maxRangeDays: number) =>
    new DomainError(ErrorCode.BAD_USER_INPUT, `${field}: the range may cover at most ${maxRangeDays} days`, field, { maxRangeDays }),
  limitExceeded: (message: string, details?: Record<string, unknown>) => new DomainError(ErrorCode.LIMIT_EXCEEDED, message, undefined, details),
};
