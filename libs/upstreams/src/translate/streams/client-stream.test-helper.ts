/**
 * Test helper: reads a translated client stream back the way an SDK would, checking the framing
 * rules of its format on the way (Anthropic block order/indexes, OpenAI [DONE] last, …).
 */
import type { WireFormat } from '@relay/core';
import { SseDecoder, type SseEvent } from '../../sse-decoder.ts';

export interface ReassembledStream {
  text: string;
  thinking: string;
  toolCalls: { id?: string; name: string; args: unknown }[];
  finish: string | null;
  usage: Record<string, unknown> | null;
  error: Record<string, unknown> | null;
}

export function decodeAll(text: string): SseEvent[] {
  const d = new SseDecoder();
  return [...d.push(Buffer.from(text, 'utf8')), ...d.end()];
}

function empty(): ReassembledStream {
  return { text: '', thinking: '', toolCalls: [], finish: null, usage: null, error: null };
}

function openai(events: SseEvent[]): ReassembledStream {
  const r = empty();
  const args: string[] = [];
  if (events.at(-1)?.data !== '[DONE]') throw new Error('OpenAI stream must end with [DONE]');
  for (const ev of events.slice(0, -1)) {
    const c = JSON.parse(ev.data);
    if (c.error) { r.error = c.error; continue; }
    if (c.object !== 'chat.completion.chunk') throw new Error(`bad chunk ${ev.data}`);
    if (c.usage) r.usage = c.usage;
    const ch = c.choices[0];
    if (!ch) continue;
    if (ch.delta.content) r.text += ch.delta.content;
    if (ch.delta.reasoning_content) r.thinking += ch.delta.reasoning_content;
    for (const tc of ch.delta.tool_calls ?? []) {
      if (tc.id) r.toolCalls[tc.index] = { id: tc.id, name: tc.function.name, args: null };
      args[tc.index] = (args[tc.index] ?? '') + (tc.function?.arguments ?? '');
    }
    if (ch.finish_reason) r.finish = ch.finish_reason;
  }
  r.toolCalls.forEach((t, i) => { t.args = JSON.parse(args[i] || '{}'); });
  return r;
}

function anthropic(events: SseEvent[]): ReassembledStream {
  const r = empty();
  const blocks: any[] = [];
  const json: string[] = [];
  let open = -1;
  let state: 'before' | 'started' | 'delta' | 'stopped' = 'before';
  for (const ev of events) {
    const m = JSON.parse(ev.data);
    if (m.type !== ev.event) throw new Error(`event name ${ev.event} ≠ type ${m.type}`);
    if (m.type === 'error') { r.error = m.error; state = 'stopped'; continue; }
    if (state === 'before' && m.type !== 'message_start') throw new Error(`${m.type} before message_start`);
    switch (m.type) {
      case 'message_start': state = 'started'; r.usage = m.message.usage; break;
      case 'content_block_start':
        if (open !== -1) throw new Error(`block ${m.index} opened while ${open} is open`);
        if (m.index !== blocks.length) throw new Error(`block index ${m.index}, expected ${blocks.length}`);
        blocks.push(m.content_block); open = m.index; break;
      case 'content_block_delta': {
        if (m.index !== open) throw new Error(`delta for block ${m.index} while ${open} is open`);
        const d = m.delta;
        if (d.type === 'text_delta') { blocks[m.index].text += d.text; r.text += d.text; }
        else if (d.type === 'thinking_delta') { blocks[m.index].thinking += d.thinking; r.thinking += d.thinking; }
        else if (d.type === 'input_json_delta') json[m.index] = (json[m.index] ?? '') + d.partial_json;
        break;
      }
      case 'content_block_stop':
        if (m.index !== open) throw new Error(`stop for block ${m.index} while ${open} is open`);
        open = -1; break;
      case 'message_delta':
        if (open !== -1) throw new Error('message_delta with an open block');
        state = 'delta'; r.finish = m.delta.stop_reason; r.usage = { ...r.usage, ...m.usage }; break;
      case 'message_stop':
        if (state !== 'delta') throw new Error('message_stop without message_delta');
        state = 'stopped'; break;
      default: throw new Error(`unexpected ${m.type}`);
    }
  }
  if (state !== 'stopped') throw new Error('Anthropic stream did not end with message_stop or error');
  blocks.forEach((b, i) => { if (b.type === 'tool_use') r.toolCalls.push({ id: b.id, name: b.name, args: JSON.parse(json[i] || '{}') }); });
  return r;
}

/** Gemini reports a failure mid-stream as a bare JSON object line, outside SSE framing (what @google/genai reads). */
function gemini(events: SseEvent[], text: string): ReassembledStream {
  const r = empty();
  const bare = text.split('\n').filter((line) => line.startsWith('{'));
  if (bare.length > 1 || (bare.length === 1 && !text.endsWith(`${bare[0]}\n`))) throw new Error('a bare Gemini error must be the last chunk');
  if (bare.length === 1) r.error = JSON.parse(bare[0]).error;
  for (const ev of events) {
    const c = JSON.parse(ev.data);
    if (c.error) { r.error = c.error; continue; }
    if (c.usageMetadata) r.usage = c.usageMetadata;
    const cand = c.candidates[0];
    for (const p of cand.content?.parts ?? []) {
      if (typeof p.text === 'string') { if (p.thought) r.thinking += p.text; else r.text += p.text; }
      if (p.functionCall) r.toolCalls.push({ name: p.functionCall.name, args: p.functionCall.args });
    }
    if (cand.finishReason) r.finish = cand.finishReason;
  }
  return r;
}

/** Decodes and reassembles a client stream of `format`, throwing when its framing is broken. */
export function reassemble(format: WireFormat, sse: string): ReassembledStream {
  const events = decodeAll(sse);
  switch (format) {
    case 'openai': return openai(events);
    case 'anthropic': return anthropic(events);
    case 'gemini': return gemini(events, sse);
    default: { const never: never = format; return never; }
  }
}
