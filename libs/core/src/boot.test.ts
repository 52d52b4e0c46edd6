import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BootError, bootStep, describeError, restrictDataDir } from './boot.ts';
import { ConfigError } from './config.ts';

describe('boot failures', () => {
  it('bootStep turns any failure into one line: what failed, why, what to fix (URL passwords hidden)', async () => {
    const err = await bootStep('Cannot open the database', 'check DATABASE_URL', () => {
      throw Object.assign(new Error('connect ECONNREFUSED mysql://relay:hunter2@db:3306\n    at TCPConnectWrap.afterConnect'), { code: 'ECONNREFUSED' });
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BootError);
    expect((err as Error).message).toBe('Cannot open the database: connect ECONNREFUSED mysql://relay:***@db:3306; check DATABASE_URL');
    const config = new ConfigError('PORT', 'an integer');
    expect(await bootStep('x', 'y', () => Promise.reject(config)).catch((e: unknown) => e)).toBe(config);
    expect(describeError(new AggregateError([Object.assign(new Error('connect ECONNREFUSED ::1:3306'), { code: 'ECONNREFUSED' })], ''))).toBe('connect ECONNREFUSED ::1:3306');
    expect(describeError(Object.assign(new Error("Unknown database 'x'"), { code: 'ER_BAD_DB_ERROR' }))).toBe("Unknown database 'x' (ER_BAD_DB_ERROR)");
  });
});

describe('restrictDataDir', () => {
  const previous = process.umask();
  afterEach(() => void process.umask(previous));

  it('makes new files private and tightens what an older version left open', () => {
    const dir = mkdtempSync(join(tmpdir(), 'relay-datadir-'));
    try {
      mkdirSync(join(dir, 'logs'), { mode: 0o755 });
      writeFileSync(join(dir, 'relay.db'), '', { mode: 0o644 });
      writeFileSync(join(dir, 'logs', 'relay.1.log'), '', { mode: 0o644 });
      restrictDataDir(dir);
      writeFileSync(join(dir, 'new.json'), '{}');
      const mode = (p: string) => (statSync(join(dir, p)).mode & 0o777).toString(8);
      expect([mode(''), mode('logs'), mode('relay.db'), mode('logs/relay.1.log'), mode('new.json')]).toEqual(['700', '700', '600', '600', '600']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
