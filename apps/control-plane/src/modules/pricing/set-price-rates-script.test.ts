import { execFile } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { User } from '@relay/db';
import { startTestControlPlane, type TestControlPlane } from '@relay/testkit';

const run = promisify(execFile);
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../..');
const SCRIPT = resolve(ROOT, 'scripts/set-price-rates.ts');
const TSX = resolve(ROOT, 'node_modules/.bin/tsx');

/** Runs the script as a child process; resolves with its exit code and output. */
async function script(args: string[], env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(TSX, [SCRIPT, ...args], { env: { ...process.env, ...env }, cwd: ROOT, timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string };
    return { code: err.code ?? -1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' };
  }
}

// The script only talks HTTP, so one backend is enough here.
describe('scripts/set-price-rates.ts', () => {
  let cp: TestControlPlane;
  let env: Record<string, string>;
  const ids: Record<string, number> = {};

  async function rates(): Promise<Record<string, string>> {
    const users = await cp.orm.em.fork().find(User, {});
    return Object.fromEntries(users.map((u) => [u.username, u.priceRate]));
  }

  beforeAll(async () => {
    cp = await startTestControlPlane({ db: 'sqlite' });
    for (const name of ['ann', 'ben', 'cid']) {
      const r = await cp.gql<any>(`mutation { createUser(input: { username: "${name}", password: "${name}-password-1" }) { id } }`, {}, cp.adminToken);
      ids[name] = Number(r.data.createUser.id);
    }
    const pat = await cp.gql<any>('mutation { createAccessToken(name: "price script") { token } }', {}, cp.adminToken);
    env = { RELAY_URL: cp.url, RELAY_TOKEN: pat.data.createAccessToken.token };
  });
  afterAll(async () => cp?.close());

  it('sets the listed users\' rate, then every user\'s rate', async () => {
    const some = await script(['--users', `${ids.ann},${ids.cid}`, '--rate', '1.25'], env);
    expect(some.stderr).toBe('');
    expect(some.code).toBe(0);
    expect(some.stdout).toContain('2 user(s) changed');
    expect(await rates()).toMatchObject({ ann: '1.2500', ben: '1.0000', cid: '1.2500' });

    const all = await script(['--all', '--rate', '0.9'], env);
    expect(all.code).toBe(0);
    expect(await rates()).toMatchObject({ admin: '0.9000', ann: '0.9000', ben: '0.9000', cid: '0.9000' });
    expect(all.stdout).not.toContain(env.RELAY_TOKEN);
  });

  it('exits 2 on bad arguments and 1 when the API refuses, changing nothing', async () => {
    const before = await rates();
    expect((await script(['--users', 'x,y', '--rate', '1'], env)).code).toBe(2);
    expect((await script(['--all', '--rate', '1'], { ...env, RELAY_TOKEN: '' })).code).toBe(2);
    const refused = await script(['--all', '--rate', '1000'], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('BAD_USER_INPUT');
    const badToken = await script(['--all', '--rate', '1'], { ...env, RELAY_TOKEN: 'pat_not-a-real-token' });
    expect(badToken.code).toBe(1);
    expect(badToken.stderr).toContain('UNAUTHENTICATED');
    expect(await rates()).toEqual(before);
  });
});
