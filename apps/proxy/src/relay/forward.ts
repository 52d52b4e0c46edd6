import type { IncomingMessage, ServerResponse } from 'node:http';
import { clientErrorBody, hotKeys, PLATFORM_FORMAT, type AccountCredentials, type ClientErrorCode, type SnapshotAccount, type TokenUsage } from '@relay/core';
import type { SettleOp } from '@relay/hot-store';
import { request as undiciRequest } from 'undici';
import type { ProxyState } from '../context.ts';
import { ProxyError, proxyError, sendJson } from '../errors.ts';
import type { AttemptVerdict } from '../routing/account-health.ts';
import { cooldownUntil, explicitCooldownUntil } from '../routing/cooldown-headers.ts';
import { earliestResume, noAccountError, planAccounts, retryAfter, sessionHash, windowsSpentError } from '../routing/select-account.ts';
import type { ProxyRuntime } from '../runtime.ts';
import type { RequestOutcome } from '../usage/build-event.ts';
import { countedUsage, LEASE_TTL_MS } from '../usage/inflight-registry.ts';
import { pipeJson, pipeStream, readBounded, writeFinalFrame } from './pipe-response.ts';

const ERROR_BODY_LIMIT = 1024 * 1024;
const TRANSLATE_BODY_LIMIT = 32 * 1024 * 1024;
const STICKY_TTL_MS = 3600_000;

/** What the relay reports back to the route: the outcome for billing plus lease releases to settle. */
export interface ForwardOutcome extends RequestOutcome {
  /** Set when nothing was relayed and the route must answer with this error. */
  error: ProxyError | null;
  /** Account lease releases to include in the settle round trip. */
  settle: SettleOp[];
}

const ZERO_USAGE: TokenUsage = { inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };

function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 529 || status >= 500 || status === 401 || status === 403;
}

/** Maps the last upstream failure to what the client is told when every account failed. */
function exhaustedError(last: { status: number | null; timeout: boolean }): ProxyError {
  if (last.timeout) return proxyError('upstream_timeout', 'The upstream did not answer in time');
  if (last.status === 429) return proxyError('rate_limited', 'All upstream accounts are rate limited; retry later', { 'retry-after': '60' });
  if (last.status === 529 || last.status === 503) return proxyError('overloaded', 'Upstream overloaded; retry later');
  return proxyError('upstream_error', 'Upstream request failed');
}

function upstreamErrorCode(status: number): ClientErrorCode {
  if (status === 400 || status === 422) return 'invalid_request';
  if (status === 404) return 'model_not_found';
  if (status === 413) return 'request_too_large';
  if (status === 429) return 'rate_limited';
  return 'upstream_error';
}

/** The abort reason of requests cut at the drain deadline (SIGTERM, SHUTDOWN_GRACE_MS elapsed). */
const SHUTDOWN_CUT = 'proxy_shutdown';
const SHUTDOWN_MESSAGE = 'The proxy shut down before the response was complete; retry the request';

/**
 * Chooses accounts and relays the request: failover on connect errors, a stream's first-byte
 * timeout, 429/529/5xx and 401/403 while nothing has reached the client; never once bytes were
 * sent. A non-streaming request past its first-byte timeout answers 504 without failover (see
 * nonStreamFirstByteTimeoutMs). Each attempt passes the account's circuit breaker and reports
 * to it; 429/529 and other explicit reset headers cool the account as they say.
 * The client hanging up aborts the upstream at once; usage produced so far is reported.
 */
export async function forwardRequest(rt: ProxyRuntime, req: IncomingMessage, res: ServerResponse, s: ProxyState): Promise<ForwardOutcome> {
  const { config, store, health, metrics } = rt;
  const out: ForwardOutcome = { status: 0, errorType: null, accountId: null, platform: null, upstreamModel: s.model, usage: ZERO_USAGE, attempts: 0, firstTokenMs: null, error: null, settle: [] };
  const stickyHash = sessionHash(s.body, req.headers);
  const stickyId = stickyHash ? await store.get(hotKeys.sticky(stickyHash)).catch(() => null) : null;
  const selection = planAccounts({
    index: s.index, health, windows: rt.windows, key: s.key, model: s.model, clientFormat: s.clientFormat, endpoint: s.endpoint,
    canTranslate: rt.translation.canTranslate, stickyAccountId: stickyId, now: Date.now(),
  });
  const candidates = selection.accounts;

  const ac = new AbortController();
  let clientGone = false;
  const onClose = () => {
    if (!res.writableFinished) {
      clientGone = true;
      ac.abort();
    }
  };
  res.on('close', onClose);
  let totalTimedOut = false;
  const totalTimer = setTimeout(() => {
    totalTimedOut = true;
    ac.abort();
  }, config.totalTimeoutMs);
  // The drain's grace deadline cuts the request like a timeout, with its own reason for the client.
  let shutdownCut = false;
  const onDrainDeadline = () => {
    shutdownCut = true;
    ac.abort(SHUTDOWN_CUT);
  };
  rt.drain.deadline.addEventListener('abort', onDrainDeadline, { once: true });
  let last: { status: number | null; timeout: boolean } | null = null;
  try {
    for (const account of candidates) {
      if (clientGone || totalTimedOut || shutdownCut) break;
      const leaseKey = hotKeys.accountLeases(account.id);
      if (account.concurrency !== null) {
        // Short TTL: the instance's heartbeat renews it while the request runs (see InflightRegistry).
        const granted = await store.acquireLease(leaseKey, s.requestId, account.concurrency, LEASE_TTL_MS).catch(() => false);
        if (!granted) continue;
        rt.inflight.holdAccountLease(s.requestId, { key: leaseKey, leaseId: s.requestId });
      }
      const release: SettleOp[] = account.concurrency !== null ? [{ kind: 'release', key: leaseKey, leaseId: s.requestId }] : [];
      const ticket = await health.admit(account.id, s.requestId, Date.now());
      if (!ticket) {
        if (release.length) void store.settle(release).catch(() => undefined);
        continue;
      }
      out.attempts++;
      let attempt: Attempt;
      try {
        attempt = await tryAccount(rt, account, req, res, s, ac.signal, out);
      } catch (e) {
        if (release.length) void store.settle(release).catch(() => undefined);
        void health.report(account.id, s.requestId, ticket, 'none');
        throw e;
      }
      if (attempt.verdict === 'failure') await health.report(account.id, s.requestId, ticket, 'failure');
      else void health.report(account.id, s.requestId, ticket, attempt.verdict);
      if (attempt.kind === 'retry') {
        rt.inflight.holdAccountLease(s.requestId, null);
        if (release.length) void store.settle(release).catch(() => undefined);
        metrics.upstreamErrors.inc({ platform: account.platform, account: metrics.accountLabel(account.id) });
        last = { status: attempt.status, timeout: attempt.timeout };
        continue;
      }
      out.settle.push(...release);
      health.markUsed(account.id, Date.now());
      // Written on every success, not only on a change: each use renews the session's TTL.
      if (stickyHash && attempt.kind === 'done' && out.status < 400) {
        void store.set(hotKeys.sticky(stickyHash), account.id, STICKY_TTL_MS).catch(() => undefined);
      }
      return finish(out, clientGone, totalTimedOut, shutdownCut, res);
    }
    if (clientGone || totalTimedOut || shutdownCut) return finish(out, clientGone, totalTimedOut, shutdownCut, res);
    out.error = unservedError(rt, s.model, candidates, selection.resumeAt, last);
    out.status = out.error.status;
    out.errorType = out.error.code;
    return out;
  } finally {
    clearTimeout(totalTimer);
    rt.drain.deadline.removeEventListener('abort', onDrainDeadline);
    res.off('close', onClose);
  }
}

/**
 * What the client is told when no account served: with `retry-after` = seconds until the first
 * account (tried or left out) can serve again — a usage-window pause's end or a cooldown's, whichever
 * comes first — when that is known. 429 when the last attempt was rate limited and a usage window is
 * spent; 503 `no_available_account` when nothing could be tried; else the last failure's error.
 */
function unservedError(rt: ProxyRuntime, model: string, candidates: SnapshotAccount[], leftOutResumeAt: number | null, last: { status: number | null; timeout: boolean } | null): ProxyError {
  const now = Date.now();
  const tried = earliestResume(candidates, rt.health, rt.windows, now);
  const resumeAt = tried === null ? leftOutResumeAt : leftOutResumeAt === null ? tried : Math.min(tried, leftOutResumeAt);
  if (!last) return noAccountError(model, resumeAt, now);
  const paused = candidates.filter((a) => rt.windows.pausedUntil(a.id, now) !== null).length;
  if (last.status === 429 && paused > 0 && resumeAt !== null) return windowsSpentError(model, resumeAt, now, paused === candidates.length);
  const err = exhaustedError(last);
  return err.status === 503 && resumeAt !== null ? proxyError(err.code, err.message, retryAfter(resumeAt, now)) : err;
}

/** Final status when the request was cut short: 499 for a client that left, 504 for the total timeout, 503 at the drain deadline. */
function finish(out: ForwardOutcome, clientGone: boolean, totalTimedOut: boolean, shutdownCut: boolean, res: ServerResponse): ForwardOutcome {
  if (clientGone) {
    out.status = 499;
    out.errorType = 'client_closed';
  } else if (shutdownCut) {
    out.status = 503;
    out.errorType = 'proxy_shutdown';
    if (!res.headersSent) out.error = proxyError('overloaded', SHUTDOWN_MESSAGE);
  } else if (totalTimedOut) {
    out.status = 504;
    out.errorType = 'upstream_timeout';
    if (!res.headersSent) out.error = proxyError('upstream_timeout', 'The request took longer than the total timeout');
  }
  return out;
}

/** How one attempt ended, and what it says about the account's health. */
type Attempt = ({ kind: 'retry'; status: number | null; timeout: boolean } | { kind: 'done' }) & { verdict: AttemptVerdict };

/** One upstream call. 'retry' only while the client has received nothing. */
async function tryAccount(rt: ProxyRuntime, account: SnapshotAccount, req: IncomingMessage, res: ServerResponse, s: ProxyState, signal: AbortSignal, out: ForwardOutcome): Promise<Attempt> {
  const adapter = rt.adapters[account.platform];
  const upstreamFormat = PLATFORM_FORMAT[account.platform];
  // An OpenAI account serves the Responses API as sent; every other account translates it.
  const translating = upstreamFormat !== s.clientFormat;
  const dialect = s.endpoint === 'responses' ? 'responses' : s.clientFormat;
  const upstreamModel = account.modelMapping[s.model] ?? adapter.defaultModelId?.(s.model) ?? s.model;
  out.accountId = account.id;
  out.platform = account.platform;
  out.upstreamModel = upstreamModel;

  let body = s.body;
  let rawBody: Buffer | null = s.rawBody;
  if (translating) {
    try {
      body = rt.translation.translateRequest(dialect, upstreamFormat, s.body, { upstreamModel, stream: s.stream, output: s.limits.output, endpoint: s.endpoint });
    } catch (e) {
      const feature = rt.translation.unsupportedFeature(e);
      throw proxyError(feature ? 'unsupported_feature' : 'invalid_request', feature ? `Not supported across API formats: ${feature}` : 'Request cannot be translated for the serving account');
    }
    rawBody = null;
  }

  let upstream;
  try {
    const fromSnapshot = s.index.accountCredentials(account);
    const dispatcher = rt.dispatchers.forAccount(account, s.index.egressProxy(account));
    const send = async (credentials: AccountCredentials) => {
      const built = await adapter.buildRequest({ account, credentials, endpoint: s.endpoint, clientModel: s.model, upstreamModel, stream: s.stream, body, rawBody, clientHeaders: req.headers });
      return { built, credentials, response: await undiciRequest(built.url, {
        method: built.method, headers: built.headers, body: built.body, dispatcher, signal,
        headersTimeout: s.stream ? rt.config.firstByteTimeoutMs : rt.config.nonStreamFirstByteTimeoutMs, bodyTimeout: rt.config.idleTimeoutMs,
      }) };
    };
    upstream = await send(adapter.prepareCredentials ? await adapter.prepareCredentials(account, fromSnapshot, dispatcher) : fromSnapshot);
    // A 401 to refreshable (OAuth) credentials: refresh once — single-flight across proxies — and
    // resend with the new token, so the client never sees that 401 (see refreshRejected).
    if (upstream.response.statusCode === 401 && adapter.refreshRejected) {
      const fresh = await adapter.refreshRejected(account, upstream.credentials, dispatcher).catch(() => null);
      if (fresh) {
        await upstream.response.body.dump().catch(() => undefined);
        upstream = await send(fresh);
      }
    }
  } catch (e) {
    if (signal.aborted) return { kind: 'done', verdict: 'none' };
    const code = (e as { code?: string })?.code;
    if (code === 'UND_ERR_HEADERS_TIMEOUT' && !s.stream) {
      // A non-streaming answer arrives only when the generation is done: past the timeout the
      // request is most likely just long. Another account would wait as long again (and the
      // first may still bill it), so the client gets 504; one timeout alone opens no breaker.
      out.status = 504;
      out.errorType = 'upstream_timeout';
      out.error = proxyError('upstream_timeout', 'The upstream did not answer within the non-streaming timeout');
      return { kind: 'done', verdict: 'failure' };
    }
    return { kind: 'retry', status: null, timeout: code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT', verdict: 'failure' };
  }

  const { built, response } = upstream;
  const status = response.statusCode;
  void rt.windows.record(account, response.headers, Date.now());
  if (isRetryableStatus(status)) {
    let bodyReset: number | null = null;
    if (rt.windows.wantsLimitBody(account, status, response.headers)) {
      // A subscription 429 without unified headers may name its reset in the (small) error body.
      const text = await readBounded(response.body, ERROR_BODY_LIMIT).then((b) => b.toString('utf8'), () => '');
      bodyReset = rt.windows.recordLimitBody(account, text, Date.now());
    } else await response.body.dump().catch(() => undefined);
    if (status === 401 || status === 403) {
      await rt.health.recordAuthFailure(account.id, status);
      return { kind: 'retry', status, timeout: false, verdict: 'none' };
    }
    if (status === 429 || status === 529) {
      await rt.health.markCooldown(account.id, cooldownUntil(status, response.headers, Date.now(), bodyReset), `upstream ${status}`);
      return { kind: 'retry', status, timeout: false, verdict: 'none' };
    }
    // Other 5xx count towards the breaker; a reset time the upstream names is still honoured.
    const said = explicitCooldownUntil(response.headers, Date.now());
    if (said !== null) await rt.health.markCooldown(account.id, said, `upstream ${status}`);
    return { kind: 'retry', status, timeout: false, verdict: 'failure' };
  }

  const collector = rt.inflight.attempt(s.requestId, out, adapter.createUsageCollector(s.endpoint));
  const ctype = String(response.headers['content-type'] ?? '');
  out.status = status;
  /** Set once a broken stream got its error frame: it then ends normally instead of being reset. */
  let errorFrameSent = false;
  const onFirstByte = () => {
    if (out.firstTokenMs === null) {
      out.firstTokenMs = Date.now() - s.startedAt;
      rt.metrics.ttft.observe(out.firstTokenMs / 1000);
    }
  };
  try {
    if (status >= 400) {
      await relayUpstreamError(rt, res, s, response.body, status, ctype, translating || adapter.transcodesStream);
      out.errorType = `upstream_${status}`;
    } else if (ctype.includes('text/event-stream') || ctype.includes('amazon.eventstream')) {
      // The head leaves with the first frame (one socket write, not two) when that frame is
      // already here — usually it came in the same read as the upstream's head; otherwise it is
      // flushed on its own right after this I/O turn, so a slow first token never holds it back.
      const jsonArray = s.jsonArrayStream === true;
      res.writeHead(status, { 'content-type': jsonArray ? 'application/json; charset=UTF-8' : 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'x-request-id': s.requestId });
      const headFlush = setImmediate(() => {
        if (!res.headersSent && !res.destroyed) res.flushHeaders();
      });
      rt.metrics.activeStreams.inc();
      const translator = translating || jsonArray
        ? rt.translation.createStreamTranslator(upstreamFormat, dialect, { clientModel: s.model, requestId: s.requestId, clientBody: s.body, includeUsage: s.body?.stream_options?.include_usage === true, jsonArray })
        : undefined;
      try {
        await pipeStream(response.body, res, {
          decoder: adapter.createDecoder(),
          usage: collector,
          raw: !translating && !jsonArray && !adapter.transcodesStream && !built.dropEvent,
          // Translating: the translator needs every upstream event (OpenAI's usage chunk included);
          // only frames that are not part of the format at all (Bedrock metrics) stay dropped.
          dropEvent: translating && !adapter.transcodesStream ? undefined : built.dropEvent,
          translator,
          onFirstByte,
        });
      } catch (e) {
        // Unless the client left, it learns of the break in its own format, as the stream's last event.
        if (!res.destroyed && !res.writableEnded) {
          const [code, message] = signal.reason === SHUTDOWN_CUT ? [503, SHUTDOWN_MESSAGE]
            : signal.aborted ? [504, 'The request took longer than the total timeout'] : [502, 'The upstream stream broke off before the response was complete'];
          await writeFinalFrame(res, translator ? translator.fail(code, message) : rt.translation.streamErrorFrame(s.clientFormat, code, message));
          errorFrameSent = true;
        }
        throw e;
      } finally {
        clearImmediate(headFlush);
        rt.metrics.activeStreams.dec();
      }
      // Usually ended already, in the tick of the upstream's last event (pipeStream).
      if (!res.writableEnded) res.end();
      // The upstream reported an error inside its 2xx stream (relayed to the client as an error event).
      const streamError = collector.streamError();
      if (streamError) {
        out.status = streamError.status;
        out.errorType = streamError.upstreamType;
      } else if (translator?.failed()) {
        // The upstream ended cleanly but without finishing its answer; the client was told so.
        out.status = 502;
        out.errorType = 'upstream_stream_incomplete';
      }
    } else if (translating) {
      const raw = await readBounded(response.body, TRANSLATE_BODY_LIMIT);
      onFirstByte();
      const parsed = JSON.parse(raw.toString('utf8'));
      collector.json(parsed);
      sendJson(res, status, rt.translation.translateResponse(upstreamFormat, dialect, parsed, { clientModel: s.model, requestId: s.requestId, endpoint: s.endpoint, clientBody: s.body }), { 'x-request-id': s.requestId });
    } else {
      // The upstream's length, when it sent one, goes to the client too: the body is relayed
      // byte for byte, so it is exact, and without chunked framing the response needs no
      // separate terminating write at the end.
      const length = response.headers['content-length'];
      const head: Record<string, string> = { 'content-type': ctype || 'application/json', 'x-request-id': s.requestId };
      if (typeof length === 'string' && /^\d{1,15}$/.test(length)) head['content-length'] = length;
      res.writeHead(status, head);
      await pipeJson(response.body, res, collector, onFirstByte);
      res.end();
    }
  } catch (e) {
    // After the first byte there is no retry: a stream ends with an error event in the client's
    // format (above); a JSON body that broke off can only be cut.
    if (!signal.aborted) {
      out.status = 502;
      out.errorType = (e as { code?: string })?.code === 'UND_ERR_BODY_TIMEOUT' ? 'stream_idle_timeout' : 'upstream_stream_error';
      rt.metrics.upstreamErrors.inc({ platform: account.platform, account: rt.metrics.accountLabel(account.id) });
    }
    if (!res.headersSent) sendJson(res, 502, clientErrorBody(s.clientFormat, 'upstream_error', 'Upstream response failed'), { 'x-request-id': s.requestId });
    else if (errorFrameSent) res.end();
    else if (!res.writableEnded) res.destroy();
  }
  out.usage = countedUsage(collector, s);
  return { kind: 'done', verdict: 'success' };
}


/** A non-retryable upstream error (400, 404, …): passed through as sent, or re-wrapped in the client's format. */
async function relayUpstreamError(rt: ProxyRuntime, res: ServerResponse, s: ProxyState, body: AsyncIterable<Buffer> & import('node:stream').Readable, status: number, ctype: string, rewrap: boolean): Promise<void> {
  const raw = await readBounded(body, ERROR_BODY_LIMIT).catch(() => Buffer.alloc(0));
  if (!rewrap) {
    res.writeHead(status, { 'content-type': ctype || 'application/json', 'x-request-id': s.requestId });
    res.end(raw);
    return;
  }
  let message = `Upstream answered ${status}`;
  try {
    const j = JSON.parse(raw.toString('utf8'));
    message = j?.error?.message ?? j?.message ?? message;
  } catch {}
  sendJson(res, status, clientErrorBody(s.clientFormat, upstreamErrorCode(status), message), { 'x-request-id': s.requestId });
}
