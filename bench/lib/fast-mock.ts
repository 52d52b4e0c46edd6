// The fast mock: answers every load case from bytes captured once from the real mock at start, so
// its own latency tail (the real mock records each request and renders each reply; its p99 at one
// connection was 4–12 ms, more than the 2 ms the proxy may add) does not swamp the proxy's.
// It reads the whole request body (as an upstream must), picks the capture by path and by whether
// the body asks for a stream, and writes a stream event by event (one chunk each, as the real
// mock does) or a JSON reply in one write.
import { createServer, type OutgoingHttpHeaders, type Server } from 'node:http';
import { CASES } from './cases.ts';

interface Capture { status: number; headers: OutgoingHttpHeaders; events: Buffer[] }

const STREAM = /"stream"\s*:\s*true/;
const DROP = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding', 'content-length']);

const keyOf = (path: string, body: string) => `${path} ${STREAM.test(body) ? 'stream' : 'json'}`;

/** Captures each case's direct answer from the real mock at `mockUrl`. */
async function capture(mockUrl: string): Promise<Map<string, Capture>> {
  const out = new Map<string, Capture>();
  for (const c of CASES) {
    const body = c.directBody ?? c.body;
    const key = keyOf(c.directPath, body);
    if (out.has(key)) continue;
    const res = await fetch(mockUrl + c.directPath, { method: 'POST', headers: c.directHeaders ?? c.headers, body });
    const text = await res.text();
    const headers: OutgoingHttpHeaders = {};
    res.headers.forEach((v, k) => { if (!DROP.has(k)) headers[k] = v; });
    // A stream is replayed one SSE event per write; a JSON reply in one write with its length.
    const events = c.stream ? text.split(/(?<=\n\n)/).map((e) => Buffer.from(e)) : [Buffer.from(text)];
    if (!c.stream) headers['content-length'] = String(events[0].length);
    out.set(key, { status: res.status, headers, events });
  }
  return out;
}

/** Starts the fast mock on an ephemeral port of 127.0.0.1. */
export async function startFastMock(mockUrl: string): Promise<{ server: Server; port: number }> {
  const replies = await capture(mockUrl);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0];
      const hit = replies.get(keyOf(path, Buffer.concat(chunks).toString('utf8')));
      if (!hit) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"fast mock: no capture for this request"}}');
        return;
      }
      res.writeHead(hit.status, hit.headers);
      for (let i = 0; i < hit.events.length - 1; i++) res.write(hit.events[i]);
      res.end(hit.events[hit.events.length - 1]);
    });
  });
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const addr = server.address();
  return { server, port: typeof addr === 'object' && addr ? addr.port : 0 };
}

