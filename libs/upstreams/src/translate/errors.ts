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

/** An upstream error envelope read from a JSON body or a stream event. */
export interface UpstreamError {
  status: number;
  message: string;
  /** The upstream's own name for it (Anthropic `overloaded_error`, OpenAI `server_error`, Gemini `UNAVAILABLE`). */
  upstreamType: string;
}

/** Reads an upstream error envelope (JSON body or stream event) of any format; null when `body` is not one. */
export function readUpstreamError(format: WireFormat, body: any): UpstreamError | null {
  const err = body?.error;
  if (!err || typeof err !== 'object') return null;
  const message = typeof err.message === 'string' ? err.message : 'upstream error';
  const named = (v: unknown, fallback: string) => (typeof v === 'string' && v ? v : fallback);
  switch (format) {
    case 'anthropic': return { status: ANTHROPIC_ERROR_STATUS[err.type] ?? 500, message, upstreamType: named(err.type, 'api_error') };
    case 'openai': return { status: OPENAI_ERROR_STATUS[err.type] ?? OPENAI_ERROR_STATUS[err.code] ?? 500, message, upstreamType: named(err.type, named(err.code, 'server_error')) };
    case 'gemini': return { status: typeof err.code === 'number' ? err.code : 500, message, upstreamType: named(err.status, 'INTERNAL') };
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

/**
 * The frame that tells a streaming client of `format` its stream failed, in that API's own wire
 * form, so its SDK raises an API error instead of seeing a cut connection:
 * Anthropic `event: error` + `{"type":"error","error":{…}}`; OpenAI a `data: {"error":{…}}` chunk
 * (then `[DONE]`); Gemini a bare `{"error":{code,message,status}}` JSON chunk, which is how the
 * Gemini API reports a failure mid-stream and the only form @google/genai raises as ApiError
 * (it must reach the client as a chunk of its own: the relay writes it separately).
 */
export function streamErrorFrame(format: WireFormat, status: number, message: string): string {
  const body = clientError(format, status, message);
  switch (format) {
    case 'anthropic': return `event: error\ndata: ${JSON.stringify(body)}\n\n`;
    case 'openai': return `data: ${JSON.stringify(body)}\n\ndata: [DONE]\n\n`;
    case 'gemini': return `${JSON.stringify(body)}\n`;
    default: { const never: never = format; return never; }
  }
}
