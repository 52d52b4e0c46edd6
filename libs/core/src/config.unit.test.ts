import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, EnvReader } from './config.ts';

describe('EnvReader', () => {
  it('names the variable and what it expects, hiding passwords', () => {
    const env = new EnvReader({ DATABASE_URL: 'postgres://u:hunter2@h/db', N: 'x' });
    expect(() => env.url('DATABASE_URL', ['mysql', 'mariadb'])).toThrow(ConfigError);
    try {
      env.url('DATABASE_URL', ['mysql', 'mariadb']);
    } catch (e) {
      expect((e as Error).message).toContain('DATABASE_URL: expected a URL (mysql://… or mariadb://…)');
      expect((e as Error).message).not.toContain('hunter2');
    }
    expect(() => env.int('N', 1)).toThrow(/N: expected an integer/);
  });

  it('reads secrets from *_FILE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    writeFileSync(join(dir, 's'), 'from-file\n');
    expect(new EnvReader({ SECRET_FILE: join(dir, 's') }).string('SECRET')).toBe('from-file');
    expect(() => new EnvReader({ SECRET_FILE: join(dir, 'missing') }).string('SECRET')).toThrow(/SECRET_FILE: expected a readable file/);
  });
});
