import type { SnapshotKey, SnapshotUser, WireFormat } from '@relay/core';
import type { RequestLimits } from './limits/request-limits.ts';
import type { SnapshotIndex } from './snapshot/snapshot-index.ts';

/** Which operation a route performs; adapters build their URL from it. */
export type Endpoint = 'messages' | 'count_tokens' | 'chat' | 'generate' | 'stream_generate';

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
  /** The request's limits, read once (limits/request-limits.ts) for admission, translation and passthrough. */
  limits: RequestLimits;
  index: SnapshotIndex;
  key: SnapshotKey;
  user: SnapshotUser;
}
