import type { IncomingMessage, ServerResponse } from 'node:http';
import { clientErrorBody, type ClientErrorCode, type WireFormat } from '@relay/core';
import { ProxyError, proxyError } from '@relay/upstreams';

// ProxyError lives in @relay/upstreams (reading a request's limits throws it); re-exported so the
// proxy's own code keeps one place to import its errors from.
export { ProxyError, proxyError };

/** Writes a JSON response with the request id; used for every non-streamed answer. */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const data = JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) });
  res.end(data);
}

/**
 * The one error writer: the client's own error envelope, unknown messages hidden, nothing
 * written once headers are out (the stream is just ended), 499 recorded for client aborts.
 * Returns the status that was (or would have been) sent.
 */
export function writeClientError(res: ServerResponse, format: WireFormat, err: unknown, requestId: string): number {
  const pe = err instanceof ProxyError ? err : null;
  const status = pe ? pe.status : isClientAbort(err, res) ? 499 : 500;
  if (res.headersSent || res.destroyed || status === 499) {
    if (!res.writableEnded) res.end();
    return status;
  }
  const code: ClientErrorCode = pe ? pe.code : 'internal_error';
  const message = pe ? pe.message : 'Internal error';
  // A request refused before its body was read (bad key, declared body too large): close the
  // connection after the answer instead of reading the rest of the upload off the wire just to
  // keep the connection alive; the client reconnects for its next request.
  const unread: Record<string, string> = res.req && hasUnreadBody(res.req) ? { connection: 'close' } : {};
  sendJson(res, status, clientErrorBody(format, code, message), { 'x-request-id': requestId, ...(pe?.headers ?? {}), ...unread });
  return status;
}

/** Whether a request declared a body that has not been read to its end. */
function hasUnreadBody(req: IncomingMessage): boolean {
  if (req.complete) return false;
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

function isClientAbort(err: unknown, res: ServerResponse): boolean {
  const code = (err as { code?: string } | null)?.code;
  return res.destroyed || code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE';
}
