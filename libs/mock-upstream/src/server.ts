// The mock upstream's HTTP server: records every request, picks a reply (responder → queue → default),
// and writes it in the wire format the path asks for, with delays, breaks and refusals on demand.
// Also used by benchmarks: no logging, no framework, frames pre-rendered before the first write.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { constants as h2constants, createServer as createH2Server, type Http2ServerRequest, type Http2ServerResponse } from 'node:http2';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { renderAnthropicCountTokens, renderAnthropicError, renderAnthropicJson, renderAnthropicStream } from './formats/anthropic.ts';
import { renderBedrockError, renderBedrockJson, renderBedrockStream } from './formats/bedrock.ts';
import { renderGeminiError, renderGeminiJson, renderGeminiStream } from './formats/gemini.ts';
import { renderGeminiCountTokens, renderGeminiEmbeddings, renderGeminiModel, renderOpenAIEmbeddings } from './formats/embeddings.ts';
import { renderOpenAIError, renderOpenAIJson, renderOpenAIModels, renderOpenAIStream } from './formats/openai.ts';
import { FakeOAuthServer, type IssuedTokens } from './oauth.ts';
import { planReply, type RenderedBody, type RenderedStream } from './reply-plan.ts';
import { renderResponsesJson, renderResponsesStream } from './formats/responses.ts';
import { formatOf, routeOf, type Operation } from './routes.ts';
import { checkSigV4, type AwsCredentials } from './sigv4.ts';
import type { MockReply, RecordedRequest } from './types.ts';
import { claudeUsageLimitMessage, unifiedRateLimitHeaders } from './unified-rate-limit.ts';

/** A running mock provider server. See MOCK_API.md for the contract. */
export interface MockUpstream {
  /** http://127.0.0.1:<port> */
  url: string;
  port: number;
  /** Requests received since start/reset; `requests[i].seq === i`. */
  requests: RecordedRequest[];
  /** Replies used in order for the next requests; when the queue is empty the default reply is used. */
  enqueue(...replies: MockReply[]): void;
  setDefault(reply: MockReply): void;
  /** Reply chosen per request by a function (overrides queue/default when it returns a reply). */
  setResponder(fn: ((req: RecordedRequest) => MockReply | undefined) | null): void;
  /** Resolves when at least n requests have been received (n counted since start/reset). */
  waitForRequests(n: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  /** Resolves when request `seq` has finished or was closed early by the client. */
  waitForClose(seq: number, timeoutMs?: number): Promise<RecordedRequest>;
  /** Clears requests, queue, default and responder (OAuth state is kept). */
  reset(): void;
  close(): Promise<void>;
  /** Registers a one-time authorization code bound to a PKCE S256 challenge; returns the code. */
  issueAuthCode(codeChallenge: string, opts?: { scope?: string }): string;
  /** Valid claude.ai session keys for the cookie flow. */
  addSessionKey(sessionKey: string): void;
  /** Tokens issued so far (access → refresh) so tests can check refresh rotation. */
  oauthTokens: IssuedTokens[];
  /** Override expires_in of issued access tokens (seconds). */
  setTokenLifetime(seconds: number): void;
}

const DEFAULT_WAIT_MS = 5_000;
const NOT_FOUND_BODY = JSON.stringify({ error: { message: 'mock upstream: no such route', type: 'not_found' } });

type AnyRequest = IncomingMessage | Http2ServerRequest;
type AnyResponse = ServerResponse | Http2ServerResponse;
/** HTTP/2 clients (the AWS SDK's default handler) open with this preface; everything else is HTTP/1.x. */
const H2_PREFACE_START = 'PRI ';

/** Per-request connection state, tracked from the first byte so early closes are never missed. */
interface Exchange {
  res: AnyResponse;
  /** Set when the response is over: finished, or the socket closed. */
  closed: boolean;
  /** The mock itself destroyed the socket (refuse / breakAfterChunks): not a client close. */
  destroyedByMock: boolean;
  record?: RecordedRequest;
  /** Wakes a pending delay or drain wait when the socket closes. */
  onClose: (() => void)[];
}

interface Waiter { check: () => boolean; timer: NodeJS.Timeout }

function headersOf(req: AnyRequest): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    // HTTP/2 pseudo-headers (:method, :path, …) are not request headers.
    if (value !== undefined && !name.startsWith(':')) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function parseJson(raw: string): any {
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

/** The credential a client presented, whatever header or query parameter its provider uses. */
function apiKeyOf(headers: Record<string, string>, query: Record<string, string>): string | undefined {
  const bearer = headers.authorization?.startsWith('Bearer ') ? headers.authorization.slice(7) : undefined;
  return headers['x-api-key'] ?? headers['x-goog-api-key'] ?? headers['api-key'] ?? query.key ?? bearer;
}

/** Resolves true after `ms`, or false as soon as the exchange closes. */
function delay(exchange: Exchange, ms: number): Promise<boolean> {
  if (exchange.closed) return Promise.resolve(false);
  return new Promise((resolve) => {
    const wake = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      exchange.onClose.splice(exchange.onClose.indexOf(wake), 1);
      resolve(true);
    }, ms);
    exchange.onClose.push(wake);
  });
}

/** Resolves when the socket drains or closes. */
function drained(exchange: Exchange): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      exchange.res.off('drain', done);
      const at = exchange.onClose.indexOf(done);
      if (at !== -1) exchange.onClose.splice(at, 1);
      resolve();
    };
    exchange.res.once('drain', done);
    exchange.onClose.push(done);
  });
}

function destroyByMock(exchange: Exchange): void {
  exchange.destroyedByMock = true;
  const { res } = exchange;
  if ('stream' in res) {
    // HTTP/2: reset this stream only; the session's other streams belong to other requests.
    res.stream.close(h2constants.NGHTTP2_INTERNAL_ERROR);
    return;
  }
  res.socket?.destroy();
  res.destroy();
}

function errorFor(op: Operation, status: number, message: string): RenderedBody {
  switch (op.kind) {
    case 'anthropic-messages':
    case 'anthropic-count-tokens': return renderAnthropicError(status, message);
    case 'gemini-generate':
    case 'gemini-count-tokens':
    case 'gemini-embed':
    case 'gemini-model': return renderGeminiError(status, message);
    case 'bedrock-invoke': return renderBedrockError(status, message);
    default: return renderOpenAIError(status, message);
  }
}

function defaultErrorMessage(status: number): string {
  if (status === 429) return 'Rate limit exceeded (mock)';
  if (status === 401) return 'Invalid API key (mock)';
  if (status >= 500) return 'Upstream failure (mock)';
  return `Mock error ${status}`;
}

/** Renders a successful reply for a non-OAuth operation: a whole body, or stream frames. */
function renderSuccess(op: Operation, reply: MockReply, record: RecordedRequest, receivedAt: number): RenderedBody | RenderedStream {
  const plan = planReply(reply, record, receivedAt);
  switch (op.kind) {
    case 'openai-chat': return record.stream ? renderOpenAIStream(plan) : renderOpenAIJson(plan);
    case 'openai-responses': return record.stream ? renderResponsesStream(plan) : renderResponsesJson(plan);
    case 'openai-models': return renderOpenAIModels();
    case 'openai-embeddings': return renderOpenAIEmbeddings(plan, record);
    case 'gemini-count-tokens': return renderGeminiCountTokens(plan);
    case 'gemini-embed': return renderGeminiEmbeddings(plan, record, op.batch);
    case 'gemini-model': return renderGeminiModel(op.model);
    case 'anthropic-messages': return record.stream ? renderAnthropicStream(plan) : renderAnthropicJson(plan);
    case 'anthropic-count-tokens': return renderAnthropicCountTokens(plan);
    case 'gemini-generate': return op.stream ? renderGeminiStream(plan, record.query.alt === 'sse') : renderGeminiJson(plan);
    case 'bedrock-invoke': return op.stream ? renderBedrockStream(plan) : renderBedrockJson(plan);
    case 'oauth':
    case 'unknown': return { status: 404, body: NOT_FOUND_BODY, contentType: 'application/json' };
    default: {
      const never: never = op;
      return never;
    }
  }
}

/** Options of startMockUpstream. */
export interface MockUpstreamOptions {
  /** Default: an ephemeral port. */
  port?: number;
  /** Default: 127.0.0.1. */
  host?: string;
  /**
   * When set, Bedrock requests must carry a valid SigV4 signature made with these credentials;
   * otherwise they get Bedrock's 403 (InvalidSignatureException / UnrecognizedClientException).
   */
  bedrockCredentials?: AwsCredentials;
}

/**
 * Starts a mock upstream on 127.0.0.1 (or `host`) and an ephemeral port (or `port`). One port speaks
 * HTTP/1.1 and cleartext HTTP/2 (the AWS SDK's default Bedrock transport).
 */
export async function startMockUpstream(opts: MockUpstreamOptions = {}): Promise<MockUpstream> {
  const host = opts.host ?? '127.0.0.1';
  const requests: RecordedRequest[] = [];
  let exchanges = new Map<number, Exchange>();
  const queue: MockReply[] = [];
  let defaultReply: MockReply = {};
  let responder: ((req: RecordedRequest) => MockReply | undefined) | null = null;
  const waiters = new Set<Waiter>();
  const oauth = new FakeOAuthServer();

  const notify = () => {
    for (const waiter of waiters) {
      if (waiter.check()) {
        clearTimeout(waiter.timer);
        waiters.delete(waiter);
      }
    }
  };
  /** Resolves with value() once ready() holds; rejects with `what` after timeoutMs. */
  const waitUntil = <T>(ready: () => boolean, value: () => T, timeoutMs: number, what: () => string): Promise<T> => {
    if (ready()) return Promise.resolve(value());
    return new Promise<T>((resolve, reject) => {
      const waiter: Waiter = {
        check: () => {
          if (!ready()) return false;
          resolve(value());
          return true;
        },
        timer: setTimeout(() => {
          waiters.delete(waiter);
          reject(new Error(`mock upstream: timed out after ${timeoutMs} ms waiting for ${what()}`));
        }, timeoutMs),
      };
      waiters.add(waiter);
    });
  };

  const chooseReply = (record: RecordedRequest, op: Operation): MockReply | undefined => {
    const chosen = responder?.(record);
    // OAuth routes answer from their own state; only an explicit responder reply overrides them.
    const reply = chosen || (op.kind === 'oauth' ? undefined : (queue.shift() ?? defaultReply));
    return reply?.unified ? { ...reply, headers: { ...unifiedRateLimitHeaders(reply.unified), ...reply.headers } } : reply;
  };

  const writeBody = (exchange: Exchange, rendered: RenderedBody, extraHeaders?: Record<string, string>) => {
    (exchange.res as ServerResponse).writeHead(rendered.status, {
      'content-type': rendered.contentType,
      'content-length': Buffer.byteLength(rendered.body),
      ...rendered.headers,
      ...extraHeaders,
    });
    exchange.res.end(rendered.body);
  };

  const writeStream = async (exchange: Exchange, stream: RenderedStream, reply: MockReply) => {
    const res = exchange.res as ServerResponse;
    res.writeHead(200, { 'content-type': stream.contentType, 'cache-control': 'no-cache', ...reply.headers });
    res.flushHeaders();
    const breakAfter = reply.breakAfterChunks;
    let contentWritten = 0;
    if (breakAfter === 0) return destroyByMock(exchange);
    for (let i = 0; i < stream.frames.length; i++) {
      if (i > 0 && reply.chunkDelayMs && !(await delay(exchange, reply.chunkDelayMs))) return;
      if (exchange.closed) return;
      const frame = stream.frames[i];
      const data = typeof frame.data === 'function' ? frame.data() : frame.data;
      if (frame.content) contentWritten++;
      if (breakAfter !== undefined && contentWritten === breakAfter && frame.content) {
        // Let this frame reach the client before cutting the connection.
        await new Promise<void>((resolve) => res.write(data, () => resolve()));
        return destroyByMock(exchange);
      }
      if (!res.write(data)) await drained(exchange);
      if (frame.content && contentWritten === reply.truncateAfterChunks) break;
    }
    if (!exchange.closed) res.end();
  };

  const serve = async (req: AnyRequest, res: AnyResponse) => {
    const receivedAt = Date.now();
    const exchange: Exchange = { res, closed: false, destroyedByMock: false, onClose: [] };
    res.on('close', () => {
      exchange.closed = true;
      const record = exchange.record;
      if (record && !res.writableFinished && !exchange.destroyedByMock) {
        record.clientClosedEarly = true;
        record.closedAt = Date.now();
      }
      for (const wake of exchange.onClose.splice(0)) wake();
      notify();
    });

    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');

    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt === -1 ? url : url.slice(0, queryAt);
    const query = queryAt === -1 ? {} : Object.fromEntries(new URLSearchParams(url.slice(queryAt + 1)));
    const method = req.method ?? 'GET';
    const op = routeOf(method, path);
    const headers = headersOf(req);
    // HTTP/2 carries the host as :authority; SigV4 and tests expect a host header.
    if (headers.host === undefined && typeof req.headers[':authority'] === 'string') headers.host = req.headers[':authority'];
    const body = parseJson(rawBody);
    const record: RecordedRequest = {
      seq: requests.length,
      method, path, query, headers, rawBody, body,
      format: formatOf(op),
      stream: op.kind === 'gemini-generate' || op.kind === 'bedrock-invoke' ? op.stream : body?.stream === true,
      clientClosedEarly: false,
      model: 'model' in op ? op.model : typeof body?.model === 'string' ? body.model : undefined,
      deployment: op.kind === 'openai-chat' || op.kind === 'openai-embeddings' ? op.deployment : undefined,
      apiKey: apiKeyOf(headers, query),
    };
    if (exchange.closed) {
      // The client went away while still sending: nothing was answered.
      record.clientClosedEarly = true;
      record.closedAt = Date.now();
    }
    exchange.record = record;
    requests.push(record);
    exchanges.set(record.seq, exchange);
    notify();
    if (exchange.closed) return;

    if (op.kind === 'bedrock-invoke' && opts.bedrockCredentials) {
      const rejected = await checkSigV4(record, opts.bedrockCredentials);
      record.signatureValid = rejected === undefined;
      if (rejected) {
        const refusal = renderBedrockError(403, rejected.message);
        return writeBody(exchange, { ...refusal, headers: { 'x-amzn-errortype': `${rejected.errorType}:http://internal.amazon.com/coral/com.amazon.coral.service/` } });
      }
    }
    const reply = chooseReply(record, op);
    if (reply?.refuse) return destroyByMock(exchange);
    if (reply?.firstByteDelayMs && !(await delay(exchange, reply.firstByteDelayMs))) return;
    if (exchange.closed) return;

    if (reply === undefined) {
      // Only OAuth routes get here (no responder override).
      return writeBody(exchange, oauth.handle(method, path, headers, rawBody, body, query));
    }
    const limitReset = reply.usageLimitResetsAt;
    const status = reply.status ?? (limitReset !== undefined ? 429 : 200);
    if (status < 200 || status >= 300) {
      const message = reply.errorMessage ?? (limitReset !== undefined ? claudeUsageLimitMessage(limitReset) : defaultErrorMessage(status));
      return writeBody(exchange, errorFor(op, status, message), reply.headers);
    }
    if (op.kind === 'oauth') return writeBody(exchange, oauth.handle(method, path, headers, rawBody, body, query), reply.headers);
    if ((op.kind === 'openai-chat' || op.kind === 'openai-embeddings') && op.format === 'azure-openai' && !query['api-version']) {
      return writeBody(exchange, renderOpenAIError(404, 'Resource not found: the api-version query parameter is required'), reply.headers);
    }
    const rendered = renderSuccess(op, reply, record, receivedAt);
    if ('frames' in rendered) return writeStream(exchange, rendered, reply);
    return writeBody(exchange, rendered, reply.headers);
  };

  const handleRequest = (req: AnyRequest, res: AnyResponse) => {
    serve(req, res).catch(() => {
      // A request that failed mid-way (e.g. the socket died while reading) has nobody left to answer.
      if (!res.headersSent && !('destroyed' in res && res.destroyed)) {
        (res as ServerResponse).writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { message: 'mock upstream internal error', type: 'server_error' } }));
      } else {
        res.destroy();
      }
    });
  };
  const http1 = createServer(handleRequest);
  // Longer than undici's keep-alive so pooled client connections are never closed under a request.
  http1.keepAliveTimeout = 65_000;
  const http2 = createH2Server(handleRequest);
  // One port for both protocols: sniff the first bytes of each connection (h2c prior knowledge vs HTTP/1.x).
  const sockets = new Set<Socket>();
  // noDelay: small SSE frames must leave at once (Nagle would hold each for ~40 ms), as real providers' do.
  const server = createNetServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.once('data', (first) => {
      socket.pause();
      socket.unshift(first);
      (first.subarray(0, 4).toString('latin1') === H2_PREFACE_START ? http2 : http1).emit('connection', socket);
      process.nextTick(() => socket.resume());
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host;

  return {
    url: `http://${urlHost}:${port}`,
    port,
    requests,
    oauthTokens: oauth.tokens,
    enqueue: (...replies) => void queue.push(...replies),
    setDefault: (reply) => void (defaultReply = reply),
    setResponder: (fn) => void (responder = fn),
    waitForRequests: (n, timeoutMs = DEFAULT_WAIT_MS) =>
      waitUntil(() => requests.length >= n, () => requests.slice(), timeoutMs, () => `${n} requests (got ${requests.length})`),
    waitForClose: (seq, timeoutMs = DEFAULT_WAIT_MS) => {
      const ready = () => exchanges.get(seq)?.closed === true;
      return waitUntil(ready, () => exchanges.get(seq)!.record!, timeoutMs, () => `request ${seq} to close`);
    },
    reset: () => {
      requests.length = 0;
      exchanges = new Map();
      queue.length = 0;
      defaultReply = {};
      responder = null;
    },
    close: () => new Promise<void>((resolve) => {
      for (const waiter of waiters) clearTimeout(waiter.timer);
      waiters.clear();
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    }),
    issueAuthCode: (challenge, options) => oauth.issueAuthCode(challenge, options),
    addSessionKey: (key) => oauth.addSessionKey(key),
    setTokenLifetime: (seconds) => oauth.setTokenLifetime(seconds),
  };
}

/** A port on 127.0.0.1 where nothing listens (connection refused). */
export async function refusedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}
