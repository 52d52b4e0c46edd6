import { SseDecoder } from './sse-decoder.ts';
import type { FrameDecoder } from './types.ts';

/** Frame decoder for every SSE upstream. */
export function sseFrameDecoder(): FrameDecoder {
  const d = new SseDecoder();
  return { push: (chunk) => d.push(chunk), end: () => d.end(), openBytes: () => d.openBytes(), eventEnds: () => d.eventEnds() };
}
