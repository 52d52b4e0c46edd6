import { EventStreamCodec } from '@smithy/eventstream-codec';
import { fromUtf8, toUtf8 } from '@smithy/util-utf8';
import type { SseEvent } from '../sse-decoder.ts';
import type { FrameDecoder } from '../types.ts';

/** Synthetic event carrying Bedrock's invocation metrics to the usage collector (never sent to clients). */
export const BEDROCK_METRICS_EVENT = 'bedrock-metrics';
const METRICS_FIELD = 'amazon-bedrock-invocationMetrics';

const codec = new EventStreamCodec(toUtf8, fromUtf8);

/**
 * Decodes Bedrock's binary AWS event stream (invoke-with-response-stream) into the Anthropic SSE
 * events it wraps: each `chunk` message holds `{bytes: base64(<anthropic event JSON>)}`. The
 * invocation metrics on the last chunk are split off into a BEDROCK_METRICS_EVENT; exception
 * messages become an Anthropic `error` event.
 */
export function bedrockFrameDecoder(): FrameDecoder {
  let pending: Buffer = Buffer.alloc(0);
  return {
    push(chunk: Buffer): SseEvent[] {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      const out: SseEvent[] = [];
      while (pending.length >= 4) {
        const total = pending.readUInt32BE(0);
        if (pending.length < total) break;
        const msg = codec.decode(pending.subarray(0, total));
        pending = pending.subarray(total);
        out.push(...messageToEvents(msg.headers, msg.body));
      }
      return out;
    },
    end: () => [],
  };
}

function messageToEvents(headers: Record<string, { value: unknown }>, body: Uint8Array): SseEvent[] {
  const messageType = headers[':message-type']?.value;
  const eventType = String(headers[':event-type']?.value ?? headers[':exception-type']?.value ?? '');
  const text = toUtf8(body);
  if (messageType !== 'event') {
    let message = text;
    try { message = JSON.parse(text).message ?? text; } catch {}
    const type = /throttl/i.test(eventType) ? 'rate_limit_error' : /unavailable|overloaded/i.test(eventType) ? 'overloaded_error' : 'api_error';
    return [{ event: 'error', data: JSON.stringify({ type: 'error', error: { type, message } }) }];
  }
  if (eventType !== 'chunk') return [];
  const inner = JSON.parse(Buffer.from(JSON.parse(text).bytes, 'base64').toString('utf8'));
  const out: SseEvent[] = [];
  if (inner[METRICS_FIELD]) {
    out.push({ event: BEDROCK_METRICS_EVENT, data: JSON.stringify(inner[METRICS_FIELD]) });
    delete inner[METRICS_FIELD];
  }
  out.unshift({ event: String(inner.type), data: JSON.stringify(inner) });
  return out;
}
