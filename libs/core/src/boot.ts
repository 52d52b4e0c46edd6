import { chmodSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, redactUrl } from './config.ts';

/** A boot step that failed; its message says what failed and what to fix, in one line. */
export class BootError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BootError';
  }
}

/** One line describing an error: message (first line), its code, the first cause of an AggregateError; URLs redacted. */
export function describeError(e: unknown): string {
  const err = e instanceof AggregateError && e.errors.length ? e.errors[0] : e;
  const message = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown } | null)?.code;
  let first = (message.split('\n').find((l) => l.trim()) ?? '').trim() || 'unknown error';
  // ioredis' wording when the first connection attempt failed (fail-fast, no offline queue).
  if (first.includes("Stream isn't writeable")) first = 'not reachable';
  const withCode = typeof code === 'string' && !first.includes(code) ? `${first} (${code})` : first;
  return redactUrl(withCode).slice(0, 300);
}

/**
 * Runs one boot step (open the database, reach the hot store, …); any failure becomes a BootError
 * reading "`what`: <reason>; `fix`", so the operator gets one actionable line, not a stack trace.
 */
export async function bootStep<T>(what: string, fix: string, step: () => Promise<T> | T): Promise<T> {
  try {
    return await step();
  } catch (e) {
    if (e instanceof ConfigError || e instanceof BootError) throw e;
    throw new BootError(`${what}: ${describeError(e)}; ${fix}`);
  }
}

/**
 * Ends a process whose boot failed: one line on stderr, no stack trace. A ConfigError exits 78
 * (EX_CONFIG, as loadConfigOrExit), anything else 1.
 */
export function exitOnBootFailure(e: unknown): never {
  if (e instanceof ConfigError) {
    process.stderr.write(`Configuration error: ${e.message}\n`);
    process.exit(78);
  }
  process.stderr.write(`${e instanceof BootError ? e.message : `Startup failed: ${describeError(e)}`}\n`);
  process.exit(1);
}

/**
 * Makes everything this process creates private to its user (umask 077: files 0600, folders 0700)
 * — the SQLite database, secrets, logs and the usage spool hold credentials, usage and keys —
 * and tightens what an earlier version left readable under `dataDir` (two levels deep).
 */
export function restrictDataDir(dataDir: string): void {
  process.umask(0o077);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // Tightening is best effort: an entry this user does not own (a mounted volume's root, say) keeps
  // its mode rather than stopping the start; what the process creates is private either way.
  const chmod = (path: string, mode: number) => {
    try {
      chmodSync(path, mode);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EPERM') throw e;
    }
  };
  const tighten = (dir: string, depth: number) => {
    chmod(dir, 0o700);
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory() && depth > 0) tighten(path, depth - 1);
      else if (entry.isFile()) chmod(path, 0o600);
    }
  };
  tighten(dataDir, 1);
}
