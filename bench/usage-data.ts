// `pnpm bench:usage-data -- --rows 10000000 --database relay_bench_10m [--seed 42] [--end-day YYYY-MM-DD]`:
// creates (replacing) the database on the server of DATABASE_URL / TEST_DATABASE_URL with the
// project's migrations and fills it with generated usage (bench/lib/usage-data.ts).
import { generateUsageData } from './lib/usage-data.ts';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const rows = Number(arg('rows') ?? 1_000_000);
const database = arg('database') ?? `relay_bench_${rows >= 1_000_000 ? `${rows / 1_000_000}m` : rows}`;
if (!Number.isSafeInteger(rows) || rows < 1) throw new Error('--rows must be a positive integer');
if (!/^relay_bench_[A-Za-z0-9_]+$/.test(database)) throw new Error('--database must start with relay_bench_ (it is dropped and recreated)');
const serverUrl = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/test';
const result = await generateUsageData({
  serverUrl,
  database,
  rows,
  seed: Number(arg('seed') ?? 42),
  endDay: arg('end-day'),
  log: (m) => process.stderr.write(`[usage-data] ${m}\n`),
});
process.stdout.write(`${JSON.stringify(result)}\n`);
