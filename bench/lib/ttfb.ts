// Time to first byte on a slow stream: a fresh connection per sample, the clock stops at the first
// body byte (the stream is then dropped). Proxy minus direct = what the proxy adds.
import { request } from 'node:http';

export interface TtfbResult { samples: number; p50Ms: number; p99Ms: number; meanMs: number }

function oneSample(url: string, path: string, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const started = performance.now();
    const req = request({ host: target.hostname, port: target.port, path, method: 'POST', agent: false, headers: { ...headers, 'content-length': Buffer.byteLength(body) } }, (res) => {
      if (res.statusCode !== 200) {
        req.destroy();
        reject(new Error(`TTFB ${path}: status ${res.statusCode}`));
        return;
      }
      res.once('data', () => {
        const ms = performance.now() - started;
        req.destroy();
        resolve(ms);
      });
    });
    req.on('error', (err) => {
      if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(err);
    });
    req.end(body);
  });
}

const pct = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];

/** `samples` sequential requests (after 3 unrecorded ones), first-byte latency percentiles. */
export async function measureTtfb(url: string, path: string, headers: Record<string, string>, body: string, samples: number): Promise<TtfbResult> {
  for (let i = 0; i < 3; i++) await oneSample(url, path, headers, body);
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    times.push(await oneSample(url, path, headers, body));
    // Let the aborted upstream request wind down so samples do not overlap.
    await new Promise((r) => setTimeout(r, 5));
  }
  times.sort((a, b) => a - b);
  return { samples, p50Ms: pct(times, 50), p99Ms: pct(times, 99), meanMs: times.reduce((a, b) => a + b, 0) / times.length };
}
