import { CLIENT_ERRORS, type ClientErrorCode } from '@relay/core';

/**
 * A client-facing error with a stable code from CLIENT_ERRORS. Its message is shown to the
 * client; any other thrown error is reported as `internal_error` with a generic message.
 * Lives here (not in the proxy) because reading a request's limits refuses bad values with it.
 */
export class ProxyError extends Error {
  readonly status: number;
  constructor(
    readonly code: ClientErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
    /** Status override (e.g. an upstream 4xx relayed in the client's format). */
    status?: number,
  ) {
    super(message);
    this.name = 'ProxyError';
    this.status = status ?? CLIENT_ERRORS[code];
  }
}

/** Factory: `proxyError('invalid_json', 'Body is not valid JSON')`. */
export function proxyError(code: ClientErrorCode, message: string, headers?: Record<string, string>): ProxyError {
  return new ProxyError(code, message, headers);
}
