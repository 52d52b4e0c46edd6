import { clientErrorBody, type ClientErrorCode, type WireFormat } from '@relay/core';

/**
 * Thrown when the client asked for something the upstream format cannot express and that would
 * change the answer (e.g. OpenAI `n` > 1 to Anthropic). The proxy answers 400 naming `feature`.
 */
export class UnsupportedFeatureError extends Error {
  readonly feature: string;
  constructor(feature: string, detail?: string) {
    super(`unsupported feature for the selected upstream: ${feature}${detail ? ` (${detail})` : ''}`);
    this.name = 'UnsupportedFeatureError';
    this.feature = feature;
  }
}

const ANTHROPIC_ERROR_STATUS: Record<string, number> = {
  invalid_request_error: 400, authentication_error: 401, billing_error: 402, permission_error: 403, not_found_error: 404,
  request_too_large: 413, rate_limit_error: 429, api_error: 500, timeout_error: 504, overloaded_error: 529,
};
const OPENAI_ERROR_STATUS: Record<string, number> = {
  invalid_request_error: 400, authentication_error: 401, insufficient_quota: 429, rate_limit_error: 429, server_error: 500,
};

/** Reads an upstream error envelope (JSON body or stream event) of any format; null when `body` is not one. */
export function readUpstreamError(format: WireFormat, body: any): { status: number; message: string } | null {
  const err = body?.error;
  if (!err || typeof err !== 'object') return null;
  const message = typeof err.message === 'string' ? err.message : 'upstream error';
  switch (format) {
    case 'anthropic': return { status: ANTHROPIC_ERROR_STATUS[err.type] ?? 500, message };
    case 'openai': return { status: OPENAI_ERROR_STATUS[err.type] ?? OPENAI_ERROR_STATUS[err.code] ?? 500, message };
    case 'gemini': return { status: typeof err.code === 'number' ? err.code : 500, message };
    default: { const never: never = format; return never; }
  }
}

function codeForStatus(status: number): ClientErrorCode {
  if (status === 400) return 'invalid_request';
  if (status === 413) return 'request_too_large';
  if (status === 429) return 'rate_limited';
  if (status === 503 || status === 529) return 'overloaded';
  if (status === 504) return 'upstream_timeout';
  return 'upstream_error';
}

/** An upstream error re-expressed as the client format's error envelope. */
export function clientError(format: WireFormat, status: number, message: string): Record<string, unknown> {
  return clientErrorBody(format, codeForStatus(status), message);
}
