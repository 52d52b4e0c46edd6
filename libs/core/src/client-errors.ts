import type { WireFormat } from './platforms.ts';

/** Stable ids of client-facing proxy errors, each with its HTTP status. */
export const CLIENT_ERRORS = {
  invalid_json: 400,
  invalid_request: 400,
  unsupported_feature: 400,
  invalid_api_key: 401,
  budget_exhausted: 402,
  permission_denied: 403,
  model_not_allowed: 403,
  platform_not_allowed: 403,
  client_not_allowed: 403,
  not_found: 404,
  model_not_found: 404,
  request_too_large: 413,
  rate_limited: 429,
  concurrency_limited: 429,
  client_closed: 499,
  internal_error: 500,
  upstream_error: 502,
  no_available_account: 503,
  overloaded: 503,
  upstream_timeout: 504,
} as const;
export type ClientErrorCode = keyof typeof CLIENT_ERRORS;

const ANTHROPIC_TYPES: Record<number, string> = {
  400: 'invalid_request_error', 401: 'authentication_error', 402: 'billing_error', 403: 'permission_error',
  404: 'not_found_error', 413: 'request_too_large', 429: 'rate_limit_error', 500: 'api_error', 502: 'api_error',
  503: 'overloaded_error', 504: 'timeout_error',
};
const GEMINI_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 402: 'RESOURCE_EXHAUSTED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND',
  413: 'INVALID_ARGUMENT', 429: 'RESOURCE_EXHAUSTED', 500: 'INTERNAL', 502: 'UNAVAILABLE', 503: 'UNAVAILABLE', 504: 'DEADLINE_EXCEEDED',
};
const OPENAI_TYPES: Record<number, string> = {
  400: 'invalid_request_error', 401: 'invalid_request_error', 402: 'insufficient_quota', 403: 'invalid_request_error',
  404: 'invalid_request_error', 413: 'invalid_request_error', 429: 'rate_limit_error', 500: 'server_error', 502: 'server_error',
  503: 'server_error', 504: 'server_error',
};

/** The error body in the client's own API format. */
export function clientErrorBody(format: WireFormat, code: ClientErrorCode, message: string): Record<string, unknown> {
  const status = CLIENT_ERRORS[code];
  switch (format) {
    case 'anthropic':
      return { type: 'error', error: { type: ANTHROPIC_TYPES[status] ?? 'api_error', message } };
    case 'gemini':
      return { error: { code: status, message, status: GEMINI_STATUS[status] ?? 'UNKNOWN' } };
    case 'openai':
      return { error: { message, type: OPENAI_TYPES[status] ?? 'server_error', param: null, code } };
    default: {
      const never: never = format;
      return never;
    }
  }
}
