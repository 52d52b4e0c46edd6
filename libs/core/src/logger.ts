import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import pino from 'pino';

export type Logger = pino.Logger;

export interface LoggerOptions {
  /** Process name: the log file is `<dataDir>/logs/<name>.<n>.log`, and every line carries it. */
  name: string;
  /** pino level (trace|debug|info|warn|error|fatal|silent). @default 'info' */
  level?: string;
  /** When set, JSON lines go to rotated files under `<dataDir>/logs/`. */
  dataDir?: string;
  /** Readable one-line output on stdout. @default process.stdout.isTTY */
  pretty?: boolean;
}

/** Header and field names whose values never reach a log line, wherever they appear. */
const SECRET_KEYS = [
  'authorization',
  'proxy-authorization',
  'x-api-key',
  'x-goog-api-key',
  'api-key',
  'cookie',
  'set-cookie',
  'password',
  'passwordHash',
  'apiKey',
  'token',
  'accessToken',
  'refreshToken',
  'idToken',
  'credentials',
  'secret',
  'clientSecret',
  'codeVerifier',
  'egressProxy',
  'secretAccessKey',
  'sessionToken',
];

function keyPath(prefix: string, key: string): string {
  const part = /^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `["${key}"]`;
  return prefix ? `${prefix}${part}` : part.replace(/^\./, '');
}

/** pino redact paths: each secret key at the top level and up to three levels down (req.headers.x). */
export const REDACT_PATHS: string[] = SECRET_KEYS.flatMap((k) => ['', '*', '*.*', '*.*.*'].map((prefix) => keyPath(prefix, k)));

const LEVEL_LABELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
const OMIT_FROM_PRETTY = new Set(['time', 'level', 'msg', 'pid', 'hostname', 'name', 'err']);

function prettyValue(v: unknown): string {
  if (typeof v === 'string') return /^[^\s"=]+$/.test(v) ? v : JSON.stringify(v);
  return JSON.stringify(v) ?? String(v);
}

/** Turns one pino JSON line into `12:00:01.123 INFO  message key=value …` (plus an error's stack). */
export function formatPrettyLine(json: string): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const t = typeof o.time === 'string' ? o.time.slice(11, 23) : new Date(Number(o.time)).toISOString().slice(11, 23);
  const level = (LEVEL_LABELS[Number(o.level)] ?? String(o.level)).padEnd(5);
  const fields = Object.entries(o)
    .filter(([k]) => !OMIT_FROM_PRETTY.has(k))
    .map(([k, v]) => `${k}=${prettyValue(v)}`);
  let line = `${t} ${level} ${String(o.msg ?? '')}${fields.length ? ` ${fields.join(' ')}` : ''}`;
  const err = o.err as { type?: string; message?: string; stack?: string } | undefined;
  if (err) line += err.stack ? `\n  ${err.stack.split('\n').join('\n  ')}` : ` err=${prettyValue(`${err.type ?? 'Error'}: ${err.message ?? ''}`)}`;
  return `${line}\n`;
}

function prettyStream(out: Pick<Writable, 'write'>): pino.DestinationStream {
  return { write: (chunk: string) => void out.write(formatPrettyLine(chunk.replace(/\n$/, ''))) };
}

const fileTransports = new WeakMap<pino.Logger, pino.DestinationStream & NodeJS.EventEmitter>();

/**
 * Creates the process logger: JSON lines (ISO time, redacted secrets) to
 * `<dataDir>/logs/<name>.<n>.log`, rolled daily or at 50 MB with 7 old files kept, when `dataDir`
 * is given; a readable one-line form on stdout when `pretty`; plain JSON on stdout when neither
 * (so containers still collect it). The file is written by a pino worker thread.
 */
export function createLogger(opts: LoggerOptions): pino.Logger {
  const level = opts.level ?? 'info';
  const pretty = opts.pretty ?? process.stdout.isTTY === true;
  const streams: pino.StreamEntry[] = [];
  let file: (pino.DestinationStream & NodeJS.EventEmitter) | undefined;
  if (opts.dataDir) {
    // An absolute target: the worker thread resolves bare names from pino's folder, where pnpm
    // does not put pino-roll.
    const target = createRequire(import.meta.url).resolve('pino-roll');
    file = pino.transport({
      target,
      options: {
        file: join(opts.dataDir, 'logs', opts.name),
        extension: '.log',
        frequency: 'daily',
        size: '50m',
        limit: { count: 7 },
        mkdir: true,
      },
    }) as pino.DestinationStream & NodeJS.EventEmitter;
    streams.push({ level: level as pino.Level, stream: file });
  }
  if (pretty) streams.push({ level: level as pino.Level, stream: prettyStream(process.stdout) });
  else if (!opts.dataDir) streams.push({ level: level as pino.Level, stream: process.stdout });

  const logger = pino(
    {
      name: opts.name,
      level,
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    },
    pino.multistream(streams),
  );
  if (file) fileTransports.set(logger, file);
  return logger;
}

/**
 * Flushes and closes the log file of a logger made by `createLogger`; resolves once every line
 * written before the call is on disk. Call it on shutdown (and in tests before reading the file).
 */
export async function closeLogger(logger: pino.Logger): Promise<void> {
  const file = fileTransports.get(logger);
  if (!file) return;
  fileTransports.delete(logger);
  await new Promise<void>((resolve) => {
    file.once('close', () => resolve());
    (file as unknown as { end(): void }).end();
  });
}
