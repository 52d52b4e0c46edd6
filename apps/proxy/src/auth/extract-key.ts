import type { IncomingHttpHeaders } from 'node:http';

/**
 * The client's API key from wherever its SDK puts it: `Authorization: Bearer`, `x-api-key`
 * (Anthropic), `x-goog-api-key` (Gemini), `api-key` (Azure), or `?key=` (Gemini REST).
 */
export function extractApiKey(headers: IncomingHttpHeaders, search: string): string | null {
  const auth = headers.authorization;
  if (auth) {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m) return m[1].trim();
  }
  for (const h of ['x-api-key', 'x-goog-api-key', 'api-key'] as const) {
    const v = headers[h];
    if (typeof v === 'string' && v.trim()) return v.trim();
  }
  if (search.includes('key=')) {
    const k = new URLSearchParams(search).get('key');
    if (k) return k;
  }
  return null;
}
