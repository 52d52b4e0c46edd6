// Child process: one autocannon run (used when wrk is not installed); prints a LoadResult as JSON.
import autocannon from 'autocannon';
import type { LoadResult, LoadSpec } from './load.ts';

const spec = JSON.parse(process.argv[2]) as LoadSpec;
const r = await autocannon({
  url: spec.url, method: 'POST', headers: spec.headers, body: spec.body,
  connections: spec.connections, duration: spec.durationS, timeout: 10,
});
const result: LoadResult = {
  tool: 'autocannon', requests: r.requests.total, durationS: r.duration, rps: r.requests.total / r.duration,
  p50Ms: r.latency.p50, p99Ms: r.latency.p99, meanMs: r.latency.average, errors: r.non2xx + r.errors + r.timeouts,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
