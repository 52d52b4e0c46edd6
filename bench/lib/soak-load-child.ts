// Child process: one long autocannon run for `pnpm soak`; prints a SoakLoadResult as JSON. Unlike the
// benchmark's load child it reports requests SENT too, so the soak can count those still in flight
// when the run ended (sent but never answered) against the rows the ingester wrote.
import autocannon from 'autocannon';

/** What one soak load run did. */
export interface SoakLoadResult {
  sent: number;
  /** Responses received (any status). */
  completed: number;
  non2xx: number;
  errors: number;
  durationS: number;
}

const spec = JSON.parse(process.argv[2]) as { url: string; headers: Record<string, string>; body: string; connections: number; durationS: number };
const r = await autocannon({
  url: spec.url, method: 'POST', headers: spec.headers, body: spec.body,
  connections: spec.connections, duration: spec.durationS, timeout: 30,
});
const result: SoakLoadResult = {
  sent: r.requests.sent, completed: r.requests.total, non2xx: r.non2xx, errors: r.errors + r.timeouts, durationS: r.duration,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
