import type { SnapshotKey, SnapshotUser, WireFormat } from '@relay/core';
import type { RequestLimits } from './limits/request-limits.ts';
import type { SnapshotIndex } from './snapshot/snapshot-index.ts';

/** Which operation a route performs; adapters build their URL from it. */
export type Endpoint =
  | 'messages' | 'count_tokens' | 'chat' | 'generate' | 'stream_generate'
  /** OpenAI's Responses API: client format `openai` (its errors), its own body shapes. */
  | 'responses'
  /** Gemini `:countTokens` (never billed). */
  | 'gemini_count_tokens'
  /** Gemini `:embedContent` / `:batchEmbedContents`, OpenAI `/v1/embeddings`: input tokens only. */
  | 'embed_content' | 'batch_embed_contents' | 'embeddings';

/** Operations that produce no output tokens: they reserve none and bill their input only. */
export const INPUT_ONLY_ENDPOINTS: ReadonlySet<Endpoint> = new Set<Endpoint>(['count_tokens', 'gemini_count_tokens', 'embed_content', 'batch_embed_contents', 'embeddings']);

/** Operations whose answer is an embedding (billed on input tokens). */
export const EMBEDDING_ENDPOINTS: ReadonlySet<Endpoint> = new Set<Endpoint>(['embed_content', 'batch_embed_contents', 'embeddings']);

/** Per-request state carried through the middleware chain (Koa `ctx.state`). */
export interface ProxyState {
  requestId: string;
  startedAt: number;
  clientFormat: WireFormat;
  endpoint: Endpoint;
  /** The route path template, recorded on the usage event. */
  route: string;
  rawBody: Buffer;
  /** The body parsed once. */
  body: any;
  /** The model the client asked for (body.model, or the Gemini path). */
  model: string;
  stream: boolean;
  /** Gemini streamGenerateContent without `alt=sse`: the answer is one JSON array, streamed element by element. */
  jsonArrayStream?: boolean;
  /** The request's limits, read once (limits/request-limits.ts) for admission, translation and passthrough. */
  limits: RequestLimits;
  index: SnapshotIndex;
  key: SnapshotKey;
  user: SnapshotUser;
}
