import type { IncomingMessage } from 'node:http';
import { proxyError } from '../errors.ts';

/**
 * Reads the raw request body with a byte limit: refused at once from Content-Length when it
 * declares too much, and while reading when a chunked body grows past it (413 either way).
 */
export async function readRawBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
}

function tooLarge(limit: number) {
  return proxyError('request_too_large', `Request body exceeds ${limit} bytes`);
}

/** Parses the body once; 400 invalid_json for anything that is not a JSON object. */
export function parseJsonBody(raw: Buffer): any {
  let v: unknown;
  try {
    v = JSON.parse(raw.toString('utf8'));
  } catch {
    throw proxyError('invalid_json', 'Request body is not valid JSON');
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw proxyError('invalid_json', 'Request body must be a JSON object');
  return v;
}
