// Child process: opens N concurrent slow streams (node http, one keep-alive Agent, maxSockets 2000),
// prints `OPEN <n>` once every stream has delivered its first byte, and at the end one JSON line
// with the worst gap between two chunks any client saw.
import { Agent, request } from 'node:http';

interface Spec { url: string; path: string; headers: Record<string, string>; body: string; clients: number }
const spec = JSON.parse(process.argv[2]) as Spec;
const agent = new Agent({ keepAlive: true, maxSockets: 2000 });
const target = new URL(spec.url);

interface StreamStats { firstByteMs: number; maxGapMs: number; maxGapAfterOpenMs: number; bytes: number; ok: boolean; error?: string }

let open = 0;
/** When the last stream delivered its first byte: gaps after it are steady state, not the opening burst. */
let allOpenAt = Infinity;
function oneStream(): Promise<StreamStats> {
  return new Promise((resolve) => {
    const started = performance.now();
    const stats: StreamStats = { firstByteMs: -1, maxGapMs: 0, maxGapAfterOpenMs: 0, bytes: 0, ok: false };
    let last = 0;
    const req = request({ host: target.hostname, port: target.port, path: spec.path, method: 'POST', agent, headers: { ...spec.headers, 'content-length': Buffer.byteLength(spec.body) } }, (res) => {
      res.on('data', (chunk: Buffer) => {
        const now = performance.now();
        if (stats.firstByteMs < 0) {
          stats.firstByteMs = now - started;
          if (++open === spec.clients) {
            allOpenAt = now;
            process.stdout.write(`OPEN ${open}\n`);
          }
        } else {
          stats.maxGapMs = Math.max(stats.maxGapMs, now - last);
          if (last >= allOpenAt) stats.maxGapAfterOpenMs = Math.max(stats.maxGapAfterOpenMs, now - last);
        }
        last = now;
        stats.bytes += chunk.length;
      });
      res.on('end', () => resolve({ ...stats, ok: res.statusCode === 200 }));
      res.on('error', (err) => resolve({ ...stats, error: err.message }));
    });
    req.on('error', (err) => resolve({ ...stats, error: err.message }));
    req.end(spec.body);
  });
}

const all = await Promise.all(Array.from({ length: spec.clients }, () => oneStream()));
const gaps = all.filter((s) => s.ok).map((s) => s.maxGapMs).sort((a, b) => a - b);
const errors = all.filter((s) => !s.ok);
process.stdout.write(`${JSON.stringify({
  clients: spec.clients,
  completed: gaps.length,
  failed: errors.length,
  firstError: errors[0]?.error ?? null,
  worstGapMs: gaps.at(-1) ?? null,
  p99MaxGapMs: gaps.length ? gaps[Math.floor(gaps.length * 0.99)] : null,
  medianMaxGapMs: gaps.length ? gaps[Math.floor(gaps.length / 2)] : null,
  worstGapAfterOpenMs: Math.max(0, ...all.filter((s) => s.ok).map((s) => s.maxGapAfterOpenMs)),
  bytesPerStream: all.length ? Math.round(all.reduce((n, s) => n + s.bytes, 0) / all.length) : 0,
})}\n`);
agent.destroy();
