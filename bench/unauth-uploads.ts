// The "bodies before keys" attack, measured: 40 clients upload 10 MB bodies with a wrong key, over
// and over (each starts a new upload as soon as its last one ended), while one keyed client sends
// small requests (and, for comparison, a flood of 1 KB ones). Prints the proxy's resident memory and the keyed client's latency before and
// during the attack. The attackers run in a child process of their own, so their socket work does
// not delay the keyed client's timings. `npx tsx bench/unauth-uploads.ts`
// (needs Redis at REDIS_URL / TEST_REDIS_URL, default redis://127.0.0.1:6379).
import { fork } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { BENCH_KEY } from './lib/cases.ts';
import { cpuMicros, rssBytes, spawnPinned, type Child } from './lib/proc.ts';
import { publishBenchSnapshot, ROOT, startProxy } from './lib/proxy.ts';

const REDIS_URL = process.env.REDIS_URL ?? process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const ATTACKERS = 40;
const UPLOAD_BYTES = 10 * 1024 * 1024;
const KEYED_REQUESTS = 200;
const WAVES = 20;
const WAVE_PAUSE_MS = 200;
const MB = 1024 * 1024;

/** One unauthenticated upload: headers, then the body as fast as the socket takes it. Resolves with the status (0 = none). */
function upload(port: number, bytes: number): Promise<number> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunk = Buffer.alloc(Math.min(bytes, 256 * 1024), 0x20);
    let sent = 0;
    let head = '';
    const pump = () => {
      while (sent < bytes && !socket.destroyed) {
        sent += chunk.length;
        if (!socket.write(chunk)) return void socket.once('drain', pump);
      }
    };
    socket.on('connect', () => {
      socket.write(`POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nauthorization: Bearer sk-relay-wrong\r\ncontent-type: application/json\r\ncontent-length: ${bytes}\r\n\r\n`);
      pump();
    });
    socket.on('data', (d) => (head += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(Number(/^HTTP\/1\.1 (\d{3})/.exec(head)?.[1] ?? 0)));
  });
}

/** Latencies (ms) of `n` sequential keyed requests. */
async function keyedLatencies(url: string, n: number): Promise<number[]> {
  const out: number[] = [];
  const body = JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }], max_tokens: 16 });
  for (let i = 0; i < n; i++) {
    const started = performance.now();
    const r = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${BENCH_KEY}` }, body });
    await r.text();
    if (r.status !== 200) throw new Error(`keyed request answered ${r.status}`);
    out.push(performance.now() - started);
  }
  return out;
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const fmt = (xs: number[]) => `median ${pct(xs, 50).toFixed(2)} ms, p95 ${pct(xs, 95).toFixed(2)} ms, max ${Math.max(...xs).toFixed(2)} ms`;

/**
 * Child-process mode, against `port`: `waves` sends WAVES bursts of 40 concurrent uploads (a pause
 * between bursts); `flood` keeps 40 uploads going (each client starts a new one as soon as its last
 * one ended) until told to stop. Reports the statuses the uploads got.
 */
async function runAttackers(mode: string, port: number, bytes: number): Promise<void> {
  let attacking = true;
  process.on('message', () => (attacking = false));
  const statuses: Record<number, number> = {};
  const one = async () => {
    const status = await upload(port, bytes);
    statuses[status] = (statuses[status] ?? 0) + 1;
  };
  process.send!({ started: true });
  if (mode === 'waves') {
    for (let w = 0; w < WAVES; w++) {
      await Promise.all(Array.from({ length: ATTACKERS }, one));
      await new Promise((r) => setTimeout(r, WAVE_PAUSE_MS));
    }
  } else {
    await Promise.all(Array.from({ length: ATTACKERS }, async () => {
      while (attacking) await one();
    }));
  }
  process.send!({ statuses }, () => process.exit(0));
}

async function main(): Promise<void> {
  const children: Child[] = [];
  try {
    const mock = await spawnPinned(1, process.execPath, ['--import', 'tsx', join(ROOT, 'bench/mock-server.ts')], { cwd: ROOT, ready: /MOCK_PORT=(\d+)/ });
    children.push(mock.child);
    const prefix = `bench-uploads:${process.pid}:`;
    await publishBenchSnapshot(REDIS_URL, prefix, `http://127.0.0.1:${mock.match[1]}`);
    const proxy = await startProxy({ mode: 'tsx', redisUrl: REDIS_URL, prefix, core: 0 });
    children.push(proxy.child);
    const port = new URL(proxy.url).port;

    await keyedLatencies(proxy.url, 200); // warm-up (JIT, connections)
    const rssBefore = rssBytes(proxy.child.pid);
    const baseline = await keyedLatencies(proxy.url, KEYED_REQUESTS);

    const lines = [`proxy RSS before: ${(rssBefore / MB).toFixed(1)} MB; keyed latency before: ${fmt(baseline)}`];
    // The last scenario sends 1 KB bodies: what a flood of new unauthenticated connections costs by
    // itself, so the share the 10 MB bodies add can be read off.
    const scenarios = [{ mode: 'waves', bytes: UPLOAD_BYTES }, { mode: 'flood', bytes: UPLOAD_BYTES }, { mode: 'flood', bytes: 1024 }] as const;
    for (const { mode, bytes } of scenarios) {
      let rssPeak = rssBytes(proxy.child.pid);
      const rssStart = rssPeak;
      const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, rssBytes(proxy.child.pid))), 20);
      const cpuStart = cpuMicros(proxy.child.pid);
      const attackers = fork(import.meta.filename, ['attack', mode, port, String(bytes)], { execArgv: ['--import', 'tsx'] });
      const next = () => new Promise<{ started?: boolean; statuses?: Record<number, number> }>((resolve) => attackers.once('message', (m) => resolve(m as never)));
      await next();
      const report = next();
      // The keyed client runs for as long as the attack: the whole run of waves, or KEYED_REQUESTS under the flood.
      const during: number[] = [];
      let done = false;
      void report.then(() => (done = true));
      if (mode === 'waves') while (!done) during.push(...(await keyedLatencies(proxy.url, 1)));
      else during.push(...(await keyedLatencies(proxy.url, KEYED_REQUESTS)));
      attackers.send('stop');
      const { statuses = {} } = await report;
      clearInterval(sampler);
      const uploads = Object.values(statuses).reduce((a, b) => a + b, 0);
      const cpuPerUploadUs = (cpuMicros(proxy.child.pid) - cpuStart) / Math.max(1, uploads);
      const growth = (rssPeak - Math.min(rssBefore, rssStart)) / MB;
      const ratio = pct(during, 50) / pct(baseline, 50);
      lines.push(
        `${mode === 'waves' ? `${WAVES} bursts of ${ATTACKERS} concurrent` : `a continuous flood by ${ATTACKERS} concurrent clients:`} ${bytes >= MB ? `${bytes / MB} MB` : `${bytes / 1024} KB`} uploads, ${uploads} in all, statuses ${JSON.stringify(statuses)} (0 = closed before the client read the answer)`,
        `  proxy RSS peak ${(rssPeak / MB).toFixed(1)} MB (growth ${growth.toFixed(1)} MB); proxy CPU ${cpuPerUploadUs.toFixed(0)} µs per upload (the keyed requests' CPU included)`,
        `  keyed latency during (${during.length} requests): ${fmt(during)} — median ${ratio.toFixed(2)}× the baseline`,
        `  verdict: RSS growth < 30 MB ${growth < 30 ? 'yes' : 'NO'}, keyed median within 2× ${ratio <= 2 ? 'yes' : 'NO'}`,
      );
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  } finally {
    for (const c of children) await c.stop();
  }
}

if (process.argv[2] === 'attack') await runAttackers(process.argv[3], Number(process.argv[4]), Number(process.argv[5]));
else await main();
