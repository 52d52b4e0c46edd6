import { describe, expect, it } from 'vitest';
import type { SseEvent } from '../../sse-decoder.ts';
import { createAnthropicStreamReader } from './anthropic.ts';

const delta = (index: string, type: string, field: string, literal: string) =>
  `{"type":"content_block_delta","index":${index},"delta":{"type":"${type}","${field}":${literal}}}`;

/** Events the reader takes without JSON.parse (the data is left unparsed). */
const PLAIN: SseEvent[] = [
  { event: 'content_block_delta', data: delta('0', 'text_delta', 'text', '"Hello, wörld 🎉 "') },
  { event: 'content_block_delta', data: delta('12', 'thinking_delta', 'thinking', '"step one"') },
  { event: 'content_block_delta', data: delta('3', 'input_json_delta', 'partial_json', '"{ a: 1"') },
  { event: 'content_block_delta', data: delta('0', 'text_delta', 'text', '""') },
  { event: 'ping', data: '{"type": "ping"}' },
  { event: 'content_block_stop', data: '{"type":"content_block_stop","index":0}' },
  { event: 'message_stop', data: '{"type":"message_stop"}' },
];

/** Events of other shapes, or with escapes in the string: parsed, as before. */
const PARSED: SseEvent[] = [
  { event: 'content_block_delta', data: delta('0', 'text_delta', 'text', '"line\\nbreak \\"quoted\\" \\u00e9 \\/"') },
  { event: 'content_block_delta', data: delta('0', 'text_delta', 'text', '"tab\\t"') },
  { event: 'content_block_delta', data: '{"type":"content_block_delta","index":0,"delta":{"text":"reordered","type":"text_delta"}}' },
  { event: 'content_block_delta', data: '{"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "spaced"}}' },
  { event: 'content_block_delta', data: delta('0', 'signature_delta', 'signature', '"sig"') },
  { event: 'content_block_delta', data: delta('01', 'text_delta', 'text', '"leading zero: not JSON"') },
  { event: 'content_block_delta', data: delta('0', 'text_delta', 'text', '"x"').slice(0, -1) },
  { data: delta('0', 'text_delta', 'text', '"no event name"') },
  { event: 'message_stop', data: '{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":3}}' },
  { event: 'ping', data: '{"type":"pingx"}' },
];

/** What the reader gives for the event when its JSON is parsed (the general path). */
function viaParse(ev: SseEvent) {
  let parsed: unknown;
  try { parsed = JSON.parse(ev.data); } catch { parsed = undefined; }
  const copy: SseEvent = { ...ev };
  if (parsed !== undefined) copy.parsed = parsed;
  return parsed === undefined ? [] : createAnthropicStreamReader().push(copy);
}

describe('Anthropic stream reader without JSON.parse', () => {
  it.each(PLAIN.map((ev) => [ev.data, ev] as const))('reads %s without parsing it, as the parse would', (_data, ev) => {
    const event = { ...ev };
    expect(createAnthropicStreamReader().push(event)).toEqual(viaParse(ev));
    expect(event.parsed).toBeUndefined();
  });

  it.each(PARSED.map((ev) => [ev.data, ev] as const))('parses %s and reads it as before', (_data, ev) => {
    const event = { ...ev };
    expect(createAnthropicStreamReader().push(event)).toEqual(viaParse(ev));
  });
});
