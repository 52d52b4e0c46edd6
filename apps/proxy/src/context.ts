import type { SnapshotKey, SnapshotUser, WireFormat } from '@relay/core';
import type { Endpoint, RequestLimits } from '@relay/upstreams';
import type { SnapshotIndex } from './snapshot/snapshot-index.ts';

export { EMBEDDING_ENDPOINTS, INPUT_ONLY_ENDPOINTS, type Endpoint } from '@relay/upstreams';

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
  /** The model served: what the client asked for (body.model, or the Gemini path) after the key's model mapping. */
  model: string;
  /** What the client asked for, when the key's model mapping changed it. */
  requestedModel?: string;
  stream: boolean;
  /** Gemini streamGenerateContent without `alt=sse`: the answer is one JSON array, streamed element by element. */
  jsonArrayStream?: boolean;
  /** The request's limits, read once (limits/request-limits.ts) for admission, translation and passthrough. */
  limits: RequestLimits;
  index: SnapshotIndex;
  key: SnapshotKey;
  user: SnapshotUser;
}
