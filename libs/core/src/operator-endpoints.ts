import { timingSafeEqual, createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { ConfigError, type EnvReader } from './config.ts';

/** What both planes read about their operator-only endpoints and upstream policy. */
export interface OperatorSettings {
  /** METRICS_TOKEN: bearer token `/metrics` requires on the public port; unset = `/metrics` there always answers 401. */
  metricsToken?: string;
  /** METRICS_LISTEN: `host:port` of a separate listener serving only `/metrics` (loopback unless METRICS_TOKEN is set). */
  metricsListen?: { host: string; port: number };
  /** UPSTREAM_ALLOW_PRIVATE: upstreams may be loopback or private addresses (never link-local/metadata). */
  allowPrivateUpstreams: boolean;
}

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || (isIP(host) === 4 && host.startsWith('127.'));
}

/** Reads METRICS_TOKEN, METRICS_LISTEN and UPSTREAM_ALLOW_PRIVATE; throws ConfigError naming the variable. */
export function readOperatorSettings(env: EnvReader): OperatorSettings {
  const metricsToken = env.optional('METRICS_TOKEN');
  if (metricsToken !== undefined && metricsToken.length < 16) throw new ConfigError('METRICS_TOKEN', 'at least 16 characters');
  const listenRaw = env.optional('METRICS_LISTEN');
  let metricsListen: OperatorSettings['metricsListen'];
  if (listenRaw !== undefined) {
    const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(listenRaw);
    const port = m ? Number(m[2]) : NaN;
    if (!m || port > 65535) throw new ConfigError('METRICS_LISTEN', 'host:port, e.g. 127.0.0.1:9464', listenRaw);
    // Without a token the separate listener is the only protection, so it must not face the network.
    if (!metricsToken && !isLoopbackHost(m[1])) throw new ConfigError('METRICS_LISTEN', 'a loopback address (127.0.0.1 or ::1) unless METRICS_TOKEN is set', listenRaw);
    metricsListen = { host: m[1], port };
  }
  return { metricsToken, metricsListen, allowPrivateUpstreams: env.bool('UPSTREAM_ALLOW_PRIVATE', false) };
}

/** The METRICS_TOKEN, METRICS_LISTEN and UPSTREAM_ALLOW_PRIVATE rows of both planes' variable tables. */
export const OPERATOR_VARIABLES: readonly { name: string; default: string; description: string }[] = [
  { name: 'METRICS_TOKEN', default: '(unset: /metrics on the public port answers 401)', description: 'Bearer token Prometheus sends (`Authorization: Bearer …`) to read /metrics; at least 16 characters.' },
  { name: 'METRICS_LISTEN', default: '(unset: no separate listener)', description: 'host:port of a separate listener serving only /metrics, e.g. 127.0.0.1:9464. Without METRICS_TOKEN it must be a loopback address and needs no token; with one, it asks for the token too.' },
  { name: 'UPSTREAM_ALLOW_PRIVATE', default: 'false', description: 'Let account base URLs and egress proxies point at loopback or private addresses (127/8, 10/8, 172.16/12, 192.168/16, fc00::/7, …). Link-local and cloud metadata addresses are refused regardless.' },
];

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Whether an Authorization header carries `Bearer <token>` (constant-time; false when no token is configured). */
export function hasBearerToken(authorization: string | undefined, token: string | undefined): boolean {
  if (!token || !authorization?.startsWith('Bearer ')) return false;
  return timingSafeEqual(digest(authorization.slice(7).trim()), digest(token));
}

/** Prometheus text and its content type. */
export interface MetricsText {
  contentType: string;
  body: string;
}

/** Answers one `/metrics` request: 401 without the token (when `requireToken`), else the text. */
export async function answerMetrics(req: IncomingMessage, res: ServerResponse, collect: () => Promise<MetricsText>, token: string | undefined, requireToken: boolean): Promise<void> {
  if (requireToken && !hasBearerToken(req.headers.authorization, token)) {
    const message = token ? 'metrics need Authorization: Bearer <METRICS_TOKEN>' : 'metrics are disabled on this port: set METRICS_TOKEN, or METRICS_LISTEN for a loopback listener';
    res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="metrics"' });
    res.end(JSON.stringify({ error: message }));
    return;
  }
  const m = await collect();
  res.writeHead(200, { 'content-type': m.contentType });
  res.end(m.body);
}

/**
 * The METRICS_LISTEN listener: `/metrics` only (token required when one is configured), 404 for
 * anything else. Resolves once listening.
 */
export async function startMetricsListener(address: { host: string; port: number }, collect: () => Promise<MetricsText>, token: string | undefined): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    answerMetrics(req, res, collect, token, token !== undefined).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => resolve());
  });
  return server;
}
