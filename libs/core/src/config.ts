import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseRate, type RateBp } from './money.ts';
import { isValidTimeZone } from './time.ts';

/** Thrown at boot for a bad or missing variable; the message names the variable and what it expects. */
export class ConfigError extends Error {
  constructor(readonly variable: string, expected: string, got?: string) {
    super(`${variable}: expected ${expected}${got === undefined ? '' : `, got ${JSON.stringify(got)}`}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

/**
 * The environment a loader reads: the one place in the code base that touches `process.env`.
 * Tests and embedded mode pass their own map (or `with(...)` overrides) instead.
 */
export class EnvReader {
  constructor(private readonly env: Env = process.env) {}

  /** The same environment with some variables replaced (embedded mode hands the proxy its secrets and port). */
  with(overrides: Env): EnvReader {
    return new EnvReader({ ...this.env, ...overrides });
  }

  /**
   * The raw value of `name`, or undefined when unset or empty. With `fromFile`, `NAME_FILE` may
   * instead name a file whose contents (trimmed) are the value.
   */
  raw(name: string, fromFile = false): string | undefined {
    const v = this.env[name];
    if (v !== undefined && v !== '') return v;
    const file = fromFile ? this.env[`${name}_FILE`] : undefined;
    if (file) {
      try {
        return readFileSync(file, 'utf8').trim();
      } catch {
        throw new ConfigError(`${name}_FILE`, 'a readable file', file);
      }
    }
    return undefined;
  }
}

/** The config objects a variable can belong to. Embedded mode (`pnpm start`) loads both. */
export type Plane = 'proxy' | 'control-plane';

/** How one plane uses a variable; the empty object means "optional, no default, shared description". */
export interface PlaneUse {
  /** Used when the variable is unset, as if given in the environment (parsed and validated like a set value). */
  readonly default?: string;
  /** The default as the docs show it when there is no literal one, e.g. "(unset: in-process store)". */
  readonly defaultDoc?: string;
  /** Boot fails when the variable is unset. */
  readonly required?: boolean;
  /** This plane's meaning, when it differs from the shared description. */
  readonly description?: string;
}

/**
 * The one declaration of an environment variable: everything the loaders, the config types and
 * docs/CONFIGURATION.md know about it.
 */
export interface ConfigVariable<K extends string = string, U extends Partial<Record<Plane, PlaneUse>> = Partial<Record<Plane, PlaneUse>>, T = unknown> {
  /** Environment variable name. */
  readonly name: string;
  /** Property of the config object(s) that carries the parsed value. */
  readonly key: K;
  /** The planes that read it, with their default, requirement and wording. */
  readonly planes: U;
  /** Type as the docs describe it (e.g. "integer 1–65535"). */
  readonly type: string;
  readonly description: string;
  /** Also accepted as `NAME_FILE`, a path to a file holding the value (secrets). */
  readonly file?: boolean;
  /** Read only by the standalone proxy process, not by embedded mode. */
  readonly standaloneOnly?: boolean;
  /** Validates a set (non-empty) value and returns it parsed; throws ConfigError naming the variable. */
  readonly parse: (raw: string, name: string) => T;
}

/** Declares a variable; `const` inference keeps its key and per-plane use visible to the config types. */
export function variable<const K extends string, const U extends Partial<Record<Plane, PlaneUse>>, T>(spec: ConfigVariable<K, U, T>): ConfigVariable<K, U, T> {
  return spec;
}

/** Any declared variable (the element type of a declaration list). */
type AnyVariable = ConfigVariable<string, any, any>;
type UseIn<V, P extends Plane> = V extends ConfigVariable<string, infer U, unknown> ? (P extends keyof U ? U[P] : never) : never;
type ValueOf<V> = V extends ConfigVariable<string, Partial<Record<Plane, PlaneUse>>, infer T> ? T : never;
/** Planes where a variable always has a value: a default or a requirement. */
type AlwaysSet<V, P extends Plane> = UseIn<V, P> extends { default: string } | { required: true } ? true : false;

/**
 * The config object of one plane, derived from the declarations: a property per variable that
 * plane reads, optional when the variable has neither a default nor a requirement there.
 */
export type PlaneConfig<Vs extends readonly AnyVariable[], P extends Plane> = {
  -readonly [V in Vs[number] as P extends keyof V['planes'] ? (AlwaysSet<V, P> extends true ? V['key'] : never) : never]: ValueOf<V>;
} & {
  -readonly [V in Vs[number] as P extends keyof V['planes'] ? (AlwaysSet<V, P> extends true ? never : V['key']) : never]?: ValueOf<V>;
};

/** Reads every variable `plane` uses from `env`, applying defaults and validators; throws ConfigError on the first bad one. */
export function loadPlaneConfig<const Vs extends readonly AnyVariable[], P extends Plane>(variables: Vs, plane: P, env: EnvReader): PlaneConfig<Vs, P> {
  const out: Record<string, unknown> = {};
  for (const v of variables) {
    const use = (v.planes as Partial<Record<Plane, PlaneUse>>)[plane];
    if (!use) continue;
    const raw = env.raw(v.name, v.file) ?? use.default;
    if (raw === undefined) {
      if (use.required) throw new ConfigError(v.name, 'a value (it is required)');
      out[v.key] = undefined;
      continue;
    }
    out[v.key] = v.parse(raw, v.name);
  }
  return out as PlaneConfig<Vs, P>;
}

/** Parsers for the declarations: each validates one raw value and names the variable when it is wrong. */
export const parse = {
  string: (raw: string): string => raw,

  /** A string of at least `min` characters (secrets, passwords). */
  minLength: (min: number, hint = '') => (raw: string, name: string): string => {
    if (raw.length < min) throw new ConfigError(name, `at least ${min} characters${hint}`);
    return raw;
  },

  integer: (opts: { min?: number; max?: number } = {}) => (raw: string, name: string): number => {
    const n = Number(raw);
    const { min = -Infinity, max = Infinity } = opts;
    if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new ConfigError(name, `an integer${min > -Infinity ? ` ≥ ${min}` : ''}${max < Infinity ? ` ≤ ${max}` : ''}`, raw);
    }
    return n;
  },

  boolean: (raw: string, name: string): boolean => {
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    throw new ConfigError(name, 'true or false', raw);
  },

  oneOf: <const T extends string>(values: readonly T[]) => (raw: string, name: string): T => {
    if (!(values as readonly string[]).includes(raw)) throw new ConfigError(name, `one of ${values.join(', ')}`, raw);
    return raw as T;
  },

  /** A URL whose scheme is one of `schemes`; a password in it never appears in the error. */
  url: (schemes: readonly string[]) => (raw: string, name: string): string => {
    const expected = `a URL (${schemes.map((s) => `${s}://…`).join(' or ')})`;
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      throw new ConfigError(name, expected, redactUrl(raw));
    }
    if (!schemes.includes(u.protocol.replace(/:$/, ''))) throw new ConfigError(name, expected, redactUrl(raw));
    return raw;
  },

  /** A folder, made absolute against the working directory. */
  path: (raw: string): string => resolve(raw),

  timeZone: (raw: string, name: string): string => {
    if (!isValidTimeZone(raw)) throw new ConfigError(name, 'an IANA time zone such as UTC or Europe/Berlin', raw);
    return raw;
  },

  /** A positive price rate with at most 4 decimals, as ten-thousandths. */
  rate: (raw: string, name: string): RateBp => {
    let rate: RateBp;
    try {
      rate = parseRate(raw);
    } catch {
      throw new ConfigError(name, 'a positive decimal with at most 4 decimals', raw);
    }
    if (rate <= 0) throw new ConfigError(name, 'a rate greater than 0', raw);
    return rate;
  },
};

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
