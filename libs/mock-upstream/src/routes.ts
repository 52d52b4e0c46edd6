// Which provider and operation a request path belongs to. Pure, so the server's hot path stays a few string checks.
import type { RecordedFormat } from './types.ts';

export type Operation =
  | { kind: 'openai-chat'; format: 'openai' | 'azure-openai'; deployment?: string }
  | { kind: 'openai-responses'; format: 'openai' | 'azure-openai' }
  | { kind: 'openai-models' }
  | { kind: 'anthropic-messages' }
  | { kind: 'anthropic-count-tokens' }
  | { kind: 'gemini-generate'; model: string; stream: boolean }
  | { kind: 'gemini-count-tokens'; model: string }
  | { kind: 'gemini-embed'; model: string; batch: boolean }
  | { kind: 'gemini-model'; model: string }
  | { kind: 'openai-embeddings'; format: 'openai' | 'azure-openai'; deployment?: string }
  | { kind: 'bedrock-invoke'; model: string; stream: boolean }
  | { kind: 'oauth' }
  | { kind: 'unknown' };

const GEMINI_PATH = /^\/v1(?:beta|alpha)?\/models\/([^/:]+):(generateContent|streamGenerateContent|countTokens|embedContent|batchEmbedContents)$/;
const GEMINI_MODEL_PATH = /^\/v1(?:beta|alpha)?\/models\/([^/:]+)$/;
const AZURE_EMBEDDINGS_PATH = /^\/openai\/deployments\/([^/]+)\/embeddings$/;
const BEDROCK_PATH = /^\/model\/([^/]+)\/(invoke|invoke-with-response-stream)$/;
const AZURE_PATH = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/;
const OAUTH_PATH = /^\/v1\/oauth\/(token|[^/]+\/authorize)$/;

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Maps method + path (without query) to the operation the mock serves. */
export function routeOf(method: string, path: string): Operation {
  if (method === 'POST') {
    if (path === '/v1/chat/completions') return { kind: 'openai-chat', format: 'openai' };
    if (path === '/v1/responses') return { kind: 'openai-responses', format: 'openai' };
    if (path === '/openai/v1/responses') return { kind: 'openai-responses', format: 'azure-openai' };
    if (path === '/v1/messages') return { kind: 'anthropic-messages' };
    if (path === '/v1/messages/count_tokens') return { kind: 'anthropic-count-tokens' };
    if (path === '/v1/embeddings') return { kind: 'openai-embeddings', format: 'openai' };
    let m = BEDROCK_PATH.exec(path);
    if (m) return { kind: 'bedrock-invoke', model: decode(m[1]), stream: m[2] === 'invoke-with-response-stream' };
    m = GEMINI_PATH.exec(path);
    if (m) {
      const model = decode(m[1]);
      if (m[2] === 'countTokens') return { kind: 'gemini-count-tokens', model };
      if (m[2] === 'embedContent' || m[2] === 'batchEmbedContents') return { kind: 'gemini-embed', model, batch: m[2] === 'batchEmbedContents' };
      return { kind: 'gemini-generate', model, stream: m[2] === 'streamGenerateContent' };
    }
    m = AZURE_EMBEDDINGS_PATH.exec(path);
    if (m) return { kind: 'openai-embeddings', format: 'azure-openai', deployment: decode(m[1]) };
    m = AZURE_PATH.exec(path);
    if (m) return { kind: 'openai-chat', format: 'azure-openai', deployment: decode(m[1]) };
    if (OAUTH_PATH.test(path)) return { kind: 'oauth' };
  } else if (method === 'GET') {
    if (path === '/v1/models') return { kind: 'openai-models' };
    const m = GEMINI_MODEL_PATH.exec(path);
    if (m) return { kind: 'gemini-model', model: decode(m[1]) };
    if (path === '/oauth/authorize' || path === '/api/organizations') return { kind: 'oauth' };
  }
  return { kind: 'unknown' };
}

/** The recorded format of an operation. */
export function formatOf(op: Operation): RecordedFormat {
  switch (op.kind) {
    case 'openai-chat':
    case 'openai-embeddings': return op.format;
    case 'openai-responses': return op.format;
    case 'openai-models': return 'openai';
    case 'anthropic-messages':
    case 'anthropic-count-tokens': return 'anthropic';
    case 'gemini-generate':
    case 'gemini-count-tokens':
    case 'gemini-embed':
    case 'gemini-model': return 'gemini';
    case 'bedrock-invoke': return 'bedrock';
    case 'oauth': return 'oauth';
    case 'unknown': return 'unknown';
    default: {
      const never: never = op;
      return never;
    }
  }
}
