import { readFileSync } from 'node:fs';

/** Thrown at boot for a bad or missing variable; the message names the variable and what it expects. */
export class ConfigError extends Error {
  constructor(readonly variable: string, expected: string, got?: string) {
    super(`${variable}: expected ${expected}${got === undefined ? '' : `, got ${JSON.stringify(got)}`}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/**
 * Small typed reader over an environment. Every secret `X` may instead be given as `X_FILE`, a
 * path whose contents (trimmed) are the value.
 */
export class EnvReader {
  constructor(private readonly env: Env = process.env) {}

  raw(name: string): string | undefined {
    const v = this.env[name];
    if (v !== undefined && v !== '') return v;
    const file = this.env[`${name}_FILE`];
    if (file) {
      try {
        return readFileSync(file, 'utf8').trim();
      } catch {
        throw new ConfigError(`${name}_FILE`, 'a readable file', file);
      }
    }
    return undefined;
  }

  string(name: string, def?: string): string {
    const v = this.raw(name) ?? def;
    if (v === undefined) throw new ConfigError(name, 'a value (it is required)');
    return v;
  }

  optional(name: string): string | undefined {
    return this.raw(name);
  }

  int(name: string, def: number, opts: { min?: number; max?: number } = {}): number {
    const v = this.raw(name);
    if (v === undefined) return def;
    const n = Number(v);
    const { min = -Infinity, max = Infinity } = opts;
    if (!/^-?\d+$/.test(v) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new ConfigError(name, `an integer${min > -Infinity ? ` ≥ ${min}` : ''}${max < Infinity ? ` ≤ ${max}` : ''}`, v);
    }
    return n;
  }

  bool(name: string, def: boolean): boolean {
    const v = this.raw(name);
    if (v === undefined) return def;
    if (/^(1|true|yes|on)$/i.test(v)) return true;
    if (/^(0|false|no|off)$/i.test(v)) return false;
    throw new ConfigError(name, 'true or false', v);
  }

  oneOf<T extends string>(name: string, values: readonly T[], def: T): T {
    const v = this.raw(name) ?? def;
    if (!(values as readonly string[]).includes(v)) throw new ConfigError(name, `one of ${values.join(', ')}`, v);
    return v as T;
  }

  /** A URL whose scheme is one of `schemes`. */
  url(name: string, schemes: readonly string[], def?: string): string | undefined {
    const v = this.raw(name) ?? def;
    if (v === undefined) return undefined;
    let u: URL;
    try {
      u = new URL(v);
    } catch {
      throw new ConfigError(name, `a URL (${schemes.map((s) => `${s}://…`).join(' or ')})`, redactUrl(v));
    }
    if (!schemes.includes(u.protocol.replace(/:$/, ''))) {
      throw new ConfigError(name, `a URL (${schemes.map((s) => `${s}://…`).join(' or ')})`, redactUrl(v));
    }
    return v;
  }
}

/** Hides a password in a URL so config errors never print it. */
export function redactUrl(v: string): string {
  return v.replace(/\/\/([^:/@]*):([^@]*)@/, '//$1:***@');
}

/** Runs a config loader; on ConfigError prints one clear line and exits with status 78 (EX_CONFIG). */
export function loadConfigOrExit<T>(load: () => T): T {
  try {
    return load();
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`Configuration error: ${e.message}\n`);
      process.exit(78);
    }
    throw e;
  }
}
