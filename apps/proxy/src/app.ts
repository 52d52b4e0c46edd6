import Koa, { type Context } from 'koa';
import { clientErrorBody, newRequestId, type WireFormat } from '@relay/core';
import { sendJson } from './errors.ts';
import { authMw, chain, limitsMw, modelAccessMw, modelMapMw, parseBodyMw, requestIdMw, type RouteSpec } from './http/middleware.ts';
import { completionHandler, countTokensHandler } from './routes/completions.ts';
import { geminiCountTokensHandler, geminiModelHandler, listGeminiModelsHandler } from './routes/gemini.ts';
import { healthz, metrics, readyz } from './routes/health.ts';
import { listModelsHandler } from './routes/models.ts';
import type { ProxyRuntime } from './runtime.ts';

const MESSAGES_PATHS = new Set(['/v1/messages', '/api/v1/messages', '/claude/v1/messages']);
const COUNT_TOKENS_PATHS = new Set(['/v1/messages/count_tokens', '/api/v1/messages/count_tokens', '/claude/v1/messages/count_tokens']);
const CHAT_PATHS = new Set(['/v1/chat/completions', '/gemini/v1/chat/completions', '/gemini/v1/chat']);
const GEMINI_RE = /^(?:\/gemini)?\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens|embedContent|batchEmbedContents)$/;
const GEMINI_MODEL_RE = /^(?:\/gemini)?\/v1beta\/models\/([^/:]+)$/;
const EMBEDDINGS_PATHS = new Set(['/v1/embeddings']);
const RESPONSES_PATHS = new Set(['/v1/responses', '/openai/v1/responses']);
const GEMINI_MODELS = new Set(['/v1beta/models', '/gemini/v1beta/models']);
const PREFIXES = ['/v1/', '/api/v1/messages', '/claude/', '/v1beta/', '/gemini/', '/openai/v1/'];
const OWN = new Set(['/healthz', '/readyz', '/metrics']);

/** True for paths the proxy serves (so the embedded control plane can route the rest elsewhere). */
export function proxyHandles(pathname: string): boolean {
  return OWN.has(pathname) || PREFIXES.some((p) => pathname.startsWith(p)) || pathname === '/v1';
}

/** The client's format for errors on a path that matched no route. */
function formatForPath(path: string, ctx: Context): WireFormat {
  if (path.startsWith('/gemini/v1/chat')) return 'openai';
  if (path.startsWith('/v1beta') || path.startsWith('/gemini')) return 'gemini';
  if (path.includes('/messages') || path.startsWith('/claude') || ctx.get('anthropic-version')) return 'anthropic';
  return 'openai';
}

/** True when the path holds a `%` escape that does not decode (`%E0%A4%A`): the client's 400, never a URIError. */
function malformedEncoding(path: string): boolean {
  if (!path.includes('%')) return false;
  try {
    decodeURIComponent(path);
    return false;
  } catch {
    return true;
  }
}

/**
 * The Koa app. Every route is an explicit chain: requestId → auth (key and client rule) → parseBody →
 * the key's model mapping → model access → limits → handler. The key is checked before the body is read, so unauthenticated
 * uploads cost nothing but their headers. Chains are built once here; a request only matches a
 * path and runs its chain.
 */
export function createApp(rt: ProxyRuntime): Koa {
  const app = new Koa({ proxy: true });
  const completion = (spec: RouteSpec) =>
    chain(requestIdMw(rt, spec.clientFormat), authMw(rt), parseBodyMw(rt, spec), modelMapMw(), modelAccessMw(), limitsMw(rt), completionHandler(rt));
  const messages = completion({ clientFormat: 'anthropic', endpoint: 'messages', route: '/v1/messages' });
  const chat = completion({ clientFormat: 'openai', endpoint: 'chat', route: '/v1/chat/completions' });
  // The Responses API answers errors in OpenAI's envelope, so its client format is `openai`.
  const responses = completion({ clientFormat: 'openai', endpoint: 'responses', route: '/v1/responses' });
  const geminiGenerate = completion({ clientFormat: 'gemini', endpoint: 'generate', route: '/v1beta/models/{model}:generateContent', modelFromPath: true });
  const geminiStream = completion({ clientFormat: 'gemini', endpoint: 'stream_generate', route: '/v1beta/models/{model}:streamGenerateContent', modelFromPath: true });
  const embeddings = completion({ clientFormat: 'openai', endpoint: 'embeddings', route: '/v1/embeddings' });
  const geminiEmbed = completion({ clientFormat: 'gemini', endpoint: 'embed_content', route: '/v1beta/models/{model}:embedContent', modelFromPath: true });
  const geminiBatchEmbed = completion({ clientFormat: 'gemini', endpoint: 'batch_embed_contents', route: '/v1beta/models/{model}:batchEmbedContents', modelFromPath: true });
  const geminiCountTokens = chain(
    requestIdMw(rt, 'gemini'),
    authMw(rt),
    parseBodyMw(rt, { clientFormat: 'gemini', endpoint: 'gemini_count_tokens', route: '/v1beta/models/{model}:countTokens', modelFromPath: true }),
    modelMapMw(),
    modelAccessMw(),
    geminiCountTokensHandler(rt),
  );
  const geminiModel = chain(requestIdMw(rt, 'gemini'), authMw(rt), geminiModelHandler(rt));
  const countTokens = chain(
    requestIdMw(rt, 'anthropic'),
    authMw(rt),
    parseBodyMw(rt, { clientFormat: 'anthropic', endpoint: 'count_tokens', route: '/v1/messages/count_tokens' }),
    modelMapMw(),
    modelAccessMw(),
    countTokensHandler(rt),
  );
  const models = chain(requestIdMw(rt, 'openai'), authMw(rt), listModelsHandler(rt));
  const geminiModels = chain(requestIdMw(rt, 'gemini'), authMw(rt), listGeminiModelsHandler(rt));
  const notFound = async (ctx: Context) => {
    ctx.respond = false;
    const format = formatForPath(ctx.path, ctx);
    sendJson(ctx.res, 404, clientErrorBody(format, 'not_found', `No route for ${ctx.method} ${ctx.path}`), { 'x-request-id': newRequestId() });
  };

  app.use(async (ctx, next) => {
    if (OWN.has(ctx.path)) return next();
    if (rt.drain.active) {
      // A request that reached a draining proxy on a kept-alive connection: a retryable 503 in the
      // client's format, and the connection closes so the client reconnects to another instance.
      ctx.respond = false;
      sendJson(ctx.res, 503, clientErrorBody(formatForPath(ctx.path, ctx), 'overloaded', 'This proxy is shutting down; retry the request'), { 'x-request-id': newRequestId(), connection: 'close' });
      return;
    }
    await rt.drain.track(() => next());
  });
  app.use(async (ctx) => {
    const path = ctx.path;
    const method = ctx.method;
    if (malformedEncoding(path)) {
      ctx.respond = false;
      sendJson(ctx.res, 400, clientErrorBody(formatForPath(path, ctx), 'invalid_request', 'The path is not valid percent-encoding'), { 'x-request-id': newRequestId() });
      return;
    }
    if (method === 'POST') {
      if (MESSAGES_PATHS.has(path)) return messages(ctx);
      if (CHAT_PATHS.has(path)) return chat(ctx);
      if (RESPONSES_PATHS.has(path)) return responses(ctx);
      if (COUNT_TOKENS_PATHS.has(path)) return countTokens(ctx);
      const g = GEMINI_RE.exec(path);
      if (EMBEDDINGS_PATHS.has(path)) return embeddings(ctx);
      if (g) {
        ctx.state.pathModel = g[1];
        switch (g[2]) {
          case 'streamGenerateContent':
            // Without alt=sse Gemini answers one JSON array; the relay streams it element by element.
            ctx.state.jsonArrayStream = ctx.query.alt !== 'sse';
            return geminiStream(ctx);
          case 'countTokens': return geminiCountTokens(ctx);
          case 'embedContent': return geminiEmbed(ctx);
          case 'batchEmbedContents': return geminiBatchEmbed(ctx);
          default: return geminiGenerate(ctx);
        }
      }
    } else if (method === 'GET') {
      if (path === '/healthz') return healthz(ctx);
      if (path === '/readyz') return readyz(rt)(ctx);
      if (path === '/metrics') return metrics(rt)(ctx);
      if (path === '/v1/models' || path === '/claude/v1/models') return models(ctx);
      if (GEMINI_MODELS.has(path)) return geminiModels(ctx);
      const m = GEMINI_MODEL_RE.exec(path);
      if (m) {
        ctx.state.pathModel = m[1];
        return geminiModel(ctx);
      }
    }
    return notFound(ctx);
  });
  app.on('error', () => undefined);
  return app;
}
