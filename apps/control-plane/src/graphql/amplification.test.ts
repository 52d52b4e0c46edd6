/**
 * Issue 14's GraphQL amplification attack, replayed: one user's query of 4,900 `usageSummary`
 * aliases (on the old cost model it fit the cap, ran 10 s and stalled everyone), over-budget
 * queries, four attackers at once beside a 1,000-request load. The refusals must come before any
 * execution and other callers must not notice. Figures are printed (`[amplification]` lines) for
 * the record; the assertions keep generous margins because the machine is shared — the targets
 * are under 100 ms.
 */
import { loadavg } from 'node:os';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestControlPlane, type TestControlPlane, controlPlaneBackends } from '@relay/testkit';

const ALIASES_4900 = `{ ${Array.from({ length: 4900 }, (_, i) => `a${i}: usageSummary { totalRequests totalTokens totalCost }`).join(' ')} }`;
/** Ten usage aggregates: exactly the per-operation cap (200), so only the per-minute budget stops it. */
const TEN_SUMMARIES = `{ ${Array.from({ length: 10 }, (_, i) => `s${i}: usageSummary { totalCost todayCost }`).join(' ')} }`;
const LOAD_QUERY = '{ me { id username } myApiKeys { id name } usageSummary { totalRequests totalCost } }';
const PROBE_QUERY = '{ me { id } }';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summary(ms: number[]): { n: number; p50: number; p99: number; max: number } {
  const s = [...ms].sort((a, b) => a - b);
  const r = (x: number) => Math.round(x * 10) / 10;
  return { n: s.length, p50: r(percentile(s, 50)), p99: r(percentile(s, 99)), max: r(s[s.length - 1]) };
}

describe.each(controlPlaneBackends())('GraphQL amplification ($name)', ({ name, opts }) => {
  let cp: TestControlPlane;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    cp = await startTestControlPlane(opts);
    const names = [...Array.from({ length: 4 }, (_, i) => `mallory${i}`), ...Array.from({ length: 20 }, (_, i) => `load${i}`), 'probe'];
    for (const username of names) {
      const c = await cp.gql('mutation($u: String!) { createUser(input: { username: $u, password: "password-123", role: USER }) { id } }', { u: username }, cp.adminToken);
      expect(c.errors).toBeUndefined();
      const l = await cp.gql<{ login: { token: string } }>('mutation($u: String!) { login(username: $u, password: "password-123") { token } }', { u: username });
      tokens[username] = l.data!.login.token;
    }
  }, 120_000);
  afterAll(async () => cp?.close());

  async function timed(query: string, token: string): Promise<{ ms: number; code?: string; limit?: string }> {
    const started = performance.now();
    const r = await cp.gql(query, {}, token);
    const ms = performance.now() - started;
    return { ms, code: r.errors?.[0]?.extensions?.code, limit: r.errors?.[0]?.extensions?.limit as string | undefined };
  }

  it('refuses the 4,900-alias query and over-budget queries before running them', async () => {
    const aliases = [];
    for (let i = 0; i < 10; i++) aliases.push(await timed(ALIASES_4900, tokens.mallory0));
    for (const a of aliases) expect(a).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'TOKENS' });

    // 3,000 points a minute buy 15 runs of ten aggregates; the 16th and later are refused.
    const budget = [];
    for (let i = 0; i < 20; i++) budget.push(await timed(TEN_SUMMARIES, tokens.mallory1));
    expect(budget.slice(0, 15).every((b) => b.code === undefined)).toBe(true);
    const refused = budget.slice(15);
    for (const b of refused) expect(b).toMatchObject({ code: 'LIMIT_EXCEEDED', limit: 'COST_BUDGET' });

    const a = summary(aliases.map((x) => x.ms));
    const b = summary(refused.map((x) => x.ms));
    console.log(`[amplification] ${name}: 4,900-alias query refused (TOKENS) ms ${JSON.stringify(a)}; over-budget refusals (COST_BUDGET) ms ${JSON.stringify(b)}`);
    expect(a.max).toBeLessThan(1000);
    expect(b.max).toBeLessThan(1000);
  });

  /** Probes (paced, one at a time) until `work` settles; the probe's latencies in ms. */
  async function probeDuring(work: Promise<unknown>): Promise<number[]> {
    let running = true;
    const done = work.finally(() => (running = false));
    const ms: number[] = [];
    while (running) {
      const r = await timed(PROBE_QUERY, tokens.probe);
      expect(r.code).toBeUndefined();
      ms.push(r.ms);
      await new Promise((resolve) => setTimeout(resolve, 5)); // pacing: a probe, not a second load
    }
    await done;
    return ms;
  }

  it('keeps a probe query fast while four attackers and a 1,000-request load run', async () => {
    const url = `${cp.url}/graphql`;
    const attack = (rounds: number) => Promise.all([0, 1, 2, 3].map((i) =>
      runClients({ url, requests: rounds, concurrency: 1, jobs: [ALIASES_4900, TEN_SUMMARIES].map((query) => ({ query, token: tokens[`mallory${i}`] })) }),
    )).then((r) => r.flat());
    const load = () => runClients({ url, requests: 1000, concurrency: 4, jobs: Array.from({ length: 20 }, (_, i) => ({ query: LOAD_QUERY, token: tokens[`load${i}`] })) });

    // Three phases: nothing else, four attackers alone, attackers and the load together. Attackers
    // and load run in child processes (see runClients); the probe shares the server's event loop.
    const idle = await probeDuring(new Promise((resolve) => setTimeout(resolve, 500)));
    const attackOnly = attack(10);
    const underAttack = await probeDuring(attackOnly);
    let attacks = await attackOnly;
    const both = Promise.all([attack(15), load()]);
    const underBoth = await probeDuring(both);
    const [moreAttacks, loadResults] = await both;
    attacks = [...attacks, ...moreAttacks];

    expect(loadResults.filter((r) => r.code !== null)).toEqual([]);
    expect(loadResults).toHaveLength(1000);
    // Every attack is refused: the alias flood by the token bound, the ten aggregates by the budget
    // once spent (mallory1-3 had budget left for their first runs).
    for (const r of attacks.filter((x) => x.code !== null)) expect(r.code).toBe('LIMIT_EXCEEDED');
    expect(attacks.filter((r) => r.code === null).length).toBeLessThanOrEqual(4 * 15);

    const figures = {
      probeIdle: summary(idle),
      probeUnderAttack: summary(underAttack),
      probeUnderAttackAndLoad: summary(underBoth),
      load: summary(loadResults.map((r) => r.ms)),
      refusedAttacks: summary(attacks.filter((r) => r.code).map((r) => r.ms)),
      loadavg: loadavg().map((x) => Number(x.toFixed(2))),
    };
    console.log(`[amplification] ${name}: ${JSON.stringify(figures)}`);
    // The target is 100 ms; the margins are for a machine of two cores shared with other work.
    // Unbounded, one alias flood alone ran 10 s and stalled other requests for 3 s.
    expect(figures.probeUnderAttack.p99).toBeLessThan(2000);
    expect(figures.probeUnderAttackAndLoad.p99).toBeLessThan(2000);
  }, 180_000);
});

interface ClientResult {
  ms: number;
  code: string | null;
}

/**
 * Clients in a child process at the lowest CPU priority (`nice -n 19`): like remote clients, they
 * have their own event loop, and on a machine of two shared cores they do not take the server's
 * CPU. `concurrency` loops send `requests` operations, cycling through `jobs`.
 */
function runClients(input: { url: string; requests: number; concurrency: number; jobs: { query: string; token: string }[] }): Promise<ClientResult[]> {
  const code = `
    let text = '';
    process.stdin.setEncoding('utf8').on('data', (c) => (text += c)).on('end', async () => {
      const { url, requests, concurrency, jobs } = JSON.parse(text);
      const bodies = jobs.map((j) => ({ token: j.token, body: JSON.stringify({ query: j.query }) }));
      const results = [];
      let next = 0;
      await Promise.all(Array.from({ length: concurrency }, async () => {
        while (next < requests) {
          const job = bodies[next++ % bodies.length];
          const started = performance.now();
          const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer ' + job.token }, body: job.body });
          const json = await res.json();
          results.push({ ms: performance.now() - started, code: json.errors ? json.errors[0].extensions.code : null });
        }
      }));
      process.stdout.write(JSON.stringify(results));
    });
  `;
  return new Promise((resolve, reject) => {
    const child = spawn('nice', ['-n', '19', process.execPath, '-e', code], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
    child.once('error', reject);
    child.once('exit', (status) => (status === 0 ? resolve(JSON.parse(out) as ClientResult[]) : reject(new Error(`client process exited with ${status}`))));
    child.stdin.end(JSON.stringify(input));
  });
}
