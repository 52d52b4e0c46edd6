import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, EnvReader, loadPlaneConfig, parse, variable } from './config.ts';
import { CONFIG_VARIABLES } from './config-spec.ts';

describe('configuration declarations', () => {
  it('name the variable and what it expects, hiding passwords', () => {
    const url = parse.url(['mysql', 'mariadb']);
    expect(() => url('postgres://u:hunter2@h/db', 'DATABASE_URL')).toThrow(ConfigError);
    try {
      url('postgres://u:hunter2@h/db', 'DATABASE_URL');
    } catch (e) {
      expect((e as Error).message).toContain('DATABASE_URL: expected a URL (mysql://… or mariadb://…)');
      expect((e as Error).message).not.toContain('hunter2');
    }
    expect(() => parse.integer()('x', 'N')).toThrow(/N: expected an integer/);
  });

  it('read a declared secret from NAME_FILE, and only a declared one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    writeFileSync(join(dir, 's'), 'from-file\n');
    const vars = [
      variable({ name: 'SECRET', key: 'secret', type: 'string', file: true, parse: parse.string, description: '', planes: { proxy: { required: true } } }),
      variable({ name: 'PLAIN', key: 'plain', type: 'string', parse: parse.string, description: '', planes: { proxy: {} } }),
    ] as const;
    const c = loadPlaneConfig(vars, 'proxy', new EnvReader({ SECRET_FILE: join(dir, 's'), PLAIN_FILE: join(dir, 's') }));
    expect(c).toEqual({ secret: 'from-file', plain: undefined });
    expect(() => loadPlaneConfig(vars, 'proxy', new EnvReader({ SECRET_FILE: join(dir, 'missing') }))).toThrow(/SECRET_FILE: expected a readable file/);
    expect(() => loadPlaneConfig(vars, 'proxy', new EnvReader({}))).toThrow(/SECRET: expected a value \(it is required\)/);
  });

  it('declare each variable once, with a description and a key unique within each plane', () => {
    const names = CONFIG_VARIABLES.map((v) => v.name);
    expect(new Set(names).size).toBe(names.length);
    for (const plane of ['proxy', 'control-plane'] as const) {
      const keys = CONFIG_VARIABLES.filter((v) => plane in v.planes).map((v) => v.key);
      expect(new Set(keys).size).toBe(keys.length);
    }
    for (const v of CONFIG_VARIABLES) {
      expect(v.description.length, v.name).toBeGreaterThan(10);
      // A declared default must pass the variable's own validator.
      for (const use of Object.values(v.planes) as { default?: string }[]) if (use.default) v.parse(use.default, v.name);
    }
  });
});
