/**
 * Sets users' price rates in bulk through the GraphQL API with a personal access token.
 *
 *   RELAY_URL=http://localhost:8080 RELAY_TOKEN=pat_… tsx scripts/set-price-rates.ts --users 3,5 --rate 1.25
 *   RELAY_URL=http://localhost:8080 RELAY_TOKEN=pat_… tsx scripts/set-price-rates.ts --all --rate 0.9
 *
 * Exit codes: 0 done, 1 the API refused or could not be reached, 2 bad arguments or environment.
 */
import { parseArgs } from 'node:util';

const USAGE = 'usage: set-price-rates.ts (--users <id,id,…> | --all) --rate <decimal>   (env RELAY_URL, RELAY_TOKEN)';

function fail(code: 1 | 2, message: string): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

interface Plan {
  url: string;
  token: string;
  rate: string;
  userIds: string[] | 'all';
}

/** Reads and checks the arguments and environment; exits 2 with the usage line when they are wrong. */
function readPlan(): Plan {
  let values: { users?: string; all?: boolean; rate?: string };
  try {
    ({ values } = parseArgs({ options: { users: { type: 'string' }, all: { type: 'boolean' }, rate: { type: 'string' } }, strict: true }));
  } catch (e) {
    fail(2, `${(e as Error).message}\n${USAGE}`);
  }
  const url = process.env.RELAY_URL;
  const token = process.env.RELAY_TOKEN;
  if (!url || !/^https?:\/\//.test(url)) fail(2, `RELAY_URL must be the http(s) URL of the control plane\n${USAGE}`);
  if (!token) fail(2, `RELAY_TOKEN must be a personal access token of an admin\n${USAGE}`);
  if (!values.rate || !/^\d{1,6}(\.\d{1,4})?$/.test(values.rate)) fail(2, `--rate must be a decimal with at most 4 decimals, e.g. 1.25\n${USAGE}`);
  if (values.all === Boolean(values.users)) fail(2, `give exactly one of --users or --all\n${USAGE}`);
  let userIds: string[] | 'all' = 'all';
  if (values.users) {
    userIds = values.users.split(',').map((s) => s.trim()).filter(Boolean);
    if (userIds.length === 0 || userIds.some((id) => !/^\d+$/.test(id))) fail(2, `--users must be a comma-separated list of user ids, e.g. 3,5\n${USAGE}`);
  }
  return { url: url.replace(/\/+$/, ''), token, rate: values.rate, userIds };
}

async function main(): Promise<void> {
  const plan = readPlan();
  const [query, variables] =
    plan.userIds === 'all'
      ? ['mutation($rate: Rate!) { changed: setAllUserPriceRates(priceRate: $rate) }', { rate: plan.rate }]
      : ['mutation($ids: [ID!]!, $rate: Rate!) { changed: setUserPriceRates(userIds: $ids, priceRate: $rate) }', { ids: plan.userIds, rate: plan.rate }];
  let body: { data?: { changed: number } | null; errors?: { message: string; extensions?: { code?: string } }[] };
  try {
    const res = await fetch(`${plan.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${plan.token}` },
      body: JSON.stringify({ query, variables }),
    });
    body = (await res.json()) as typeof body;
  } catch (e) {
    fail(1, `could not reach ${plan.url}: ${(e as Error).message}`);
  }
  if (body.errors?.length || !body.data) {
    const err = body.errors?.[0];
    fail(1, `refused: ${err?.message ?? 'no data in the answer'}${err?.extensions?.code ? ` (${err.extensions.code})` : ''}`);
  }
  const who = plan.userIds === 'all' ? 'all users' : `users ${plan.userIds.join(', ')}`;
  process.stdout.write(`Set the price rate of ${who} to ${plan.rate}: ${body.data.changed} user(s) changed.\n`);
}

await main();
