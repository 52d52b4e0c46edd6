import { timingSafeEqual, createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import { ConfigError, loadPlaneConfig, type EnvReader } from './config.ts';
import { CONFIG_VARIABLES } from './config-spec.ts';

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

/**
 * The rule that spans the operator variables (each is declared in config-spec.ts): without
 * METRICS_TOKEN the separate listener is the only protection, so it must not face the network.
 */
export function checkOperatorSettings(settings: OperatorSettings): void {
  const listen = settings.metricsListen;
  if (listen && !settings.metricsToken && !isLoopbackHost(listen.host)) {
    throw new ConfigError('METRICS_LISTEN', 'a loopback address (127.0.0.1 or ::1) unless METRICS_TOKEN is set', `${listen.host}:${listen.port}`);
  }
}

/** Reads METRICS_TOKEN, METRICS_LISTEN and UPSTREAM_ALLOW_PRIVATE through their declarations; throws ConfigError naming the variable. */
export function readOperatorSettings(env: EnvReader): OperatorSettings {
  const settings = loadPlaneConfig(CONFIG_VARIABLES.filter((v) => OPERATOR_KEYS.has(v.key)), 'proxy', env) as OperatorSettings;
  checkOperatorSettings(settings);
  return { metricsToken: settings.metricsToken, metricsListen: settings.metricsListen, allowPrivateUpstreams: settings.allowPrivateUpstreams };
}

const OPERATOR_KEYS = new Set<string>(['metricsToken', 'metricsListen', 'allowPrivateUpstreams']);

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
