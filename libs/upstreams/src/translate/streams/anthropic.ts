/** Anthropic Messages streams ⇄ neutral stream events. */
import { eventJson } from '../../event-json.ts';
import type { SseEvent } from '../../sse-decoder.ts';
import { readUpstreamError, streamErrorFrame } from '../errors.ts';
import { finishFromAnthropic, finishToAnthropic } from '../finish-reasons.ts';
import { ZERO_USAGE, type DetailedUsage, type NeutralFinish, type StreamEvent, type StreamReader, type StreamWriter } from '../neutral.ts';
import { mergeUsage, usageFromAnthropic, usageToAnthropic } from '../usage-fields.ts';

/**
 * A content_block_delta that carries one string without escapes: the index (a JSON number), the
 * delta's type with its field, and the string's text, which needs no decoding when it holds no
 * quote, backslash or control character.
 */
const PLAIN_DELTA = /^\{"type":"content_block_delta","index":(0|[1-9][0-9]*),"delta":\{"type":"(text_delta","text|thinking_delta","thinking|input_json_delta","partial_json)":"([^"\\\u0000-\u001f]*)"\}\}$/;

/**
 * A content_block_delta read without JSON.parse: the event Anthropic sends most (one per token or
 * so), always in the same shape,
 * `{"type":"content_block_delta","index":N,"delta":{"type":"text_delta","text":"…"}}`. Parsing it
 * whole costs an object per level for one string; one regular expression takes the string straight
 * from the data when it has no escape in it. undefined for any other shape or any escape: the
 * caller parses.
 */
function plainDelta(data: string): StreamEvent[] | undefined {
  const m = PLAIN_DELTA.exec(data);
  if (m === null) return undefined;
  const value = m[3];
  if (value === '') return [];
  switch (m[2]) {
    case 'text_delta","text': return [{ type: 'text', text: value }];
    case 'thinking_delta","thinking': return [{ type: 'thinking', text: value }];
    default: return [{ type: 'tool_args', key: m[1], fragment: value }];
  }
}

/** Events that translate to nothing: not parsed when their data says the same type as their name. */
const SILENT = /^\{"type": ?"(ping|content_block_stop|message_stop)"[,}]/;
const isSilent = (ev: SseEvent): boolean => ev.event !== undefined && SILENT.exec(ev.data)?.[1] === ev.event;

/** Reads an upstream Anthropic stream. Tool calls are keyed by their content block index. */
export function createAnthropicStreamReader(): StreamReader {
  return {
    push(ev) {
      if (ev.parsed === undefined && isSilent(ev)) return [];
      const plain = ev.parsed === undefined && ev.event === 'content_block_delta' ? plainDelta(ev.data) : undefined;
      if (plain) return plain;
      const msg = eventJson(ev);
      if (msg === undefined) return [];
      switch (msg.type ?? ev.event) {
        case 'message_start':
          return [{ type: 'start', usage: usageFromAnthropic(msg.message?.usage) }];
        case 'content_block_start': {
          const b = msg.content_block ?? {};
          if (b.type === 'text' && b.text) return [{ type: 'text', text: b.text }];
          if (b.type === 'thinking' && b.thinking) return [{ type: 'thinking', text: b.thinking }];
          if (b.type === 'tool_use') return [{ type: 'tool_start', key: String(msg.index), id: b.id, name: b.name }];
          return [];
        }
        case 'content_block_delta': {
          const d = msg.delta ?? {};
          switch (d.type) {
            case 'text_delta': return d.text ? [{ type: 'text', text: d.text }] : [];
            case 'thinking_delta': return d.thinking ? [{ type: 'thinking', text: d.thinking }] : [];
            case 'signature_delta': return [{ type: 'signature', signature: d.signature }];
            case 'input_json_delta': return d.partial_json ? [{ type: 'tool_args', key: String(msg.index), fragment: d.partial_json }] : [];
            default: return [];
          }
        }
        case 'message_delta': {
          const out: StreamEvent[] = [];
          if (msg.delta?.stop_reason) {
            const finish: StreamEvent = { type: 'finish', finish: finishFromAnthropic(msg.delta.stop_reason) };
            if (msg.delta.stop_sequence) finish.stopSequence = msg.delta.stop_sequence;
            out.push(finish);
          }
          if (msg.usage) out.push({ type: 'usage', usage: usageFromAnthropic(msg.usage) });
          return out;
        }
        case 'error': {
          const err = readUpstreamError('anthropic', msg) ?? { status: 500, message: 'upstream error' };
          return [{ type: 'error', ...err }];
        }
        default: // ping, content_block_stop, message_stop
          return [];
      }
    },
  };
}

type OpenBlock = { kind: 'text' | 'thinking' } | { kind: 'tool'; key: string };

/**
 * Writes an Anthropic client stream: message_start, then content blocks numbered in the order they
 * open (a change of kind closes the open block), then message_delta (stop reason and the full
 * usage, since other vendors report input tokens only at the end) and message_stop.
 */
export function createAnthropicStreamWriter(opts: { clientModel: string; requestId: string }): StreamWriter {
  const usage: DetailedUsage = { ...ZERO_USAGE };
  const toolBlocks = new Map<string, number>();
  let started = false;
  let done = false;
  let nextIndex = 0;
  let open: OpenBlock | null = null;
  let finish: { finish: NeutralFinish; stopSequence?: string } | null = null;
  const sse = (type: string, body: Record<string, unknown>): string => `event: ${type}\ndata: ${JSON.stringify({ type, ...body })}\n\n`;
  const start = (): string => {
    if (started) return '';
    started = true;
    return sse('message_start', {
      message: {
        id: `msg_${opts.requestId}`, type: 'message', role: 'assistant', model: opts.clientModel, content: [],
        stop_reason: null, stop_sequence: null, usage: usageToAnthropic(usage),
      },
    });
  };
  const close = (): string => {
    if (!open) return '';
    open = null;
    return sse('content_block_stop', { index: nextIndex - 1 });
  };
  const openBlock = (next: OpenBlock, block: Record<string, unknown>): string => {
    const s = close();
    open = next;
    return s + sse('content_block_start', { index: nextIndex++, content_block: block });
  };
  const delta = (index: number, d: Record<string, unknown>): string => sse('content_block_delta', { index, delta: d });
  return {
    write(ev) {
      if (done) return '';
      switch (ev.type) {
        case 'start':
          if (ev.usage) mergeUsage(usage, ev.usage);
          return start();
        case 'usage':
          mergeUsage(usage, ev.usage);
          return '';
        case 'text': {
          const s = start() + (open?.kind === 'text' ? '' : openBlock({ kind: 'text' }, { type: 'text', text: '' }));
          return s + delta(nextIndex - 1, { type: 'text_delta', text: ev.text });
        }
        case 'thinking': {
          const s = start() + (open?.kind === 'thinking' ? '' : openBlock({ kind: 'thinking' }, { type: 'thinking', thinking: '', signature: '' }));
          return s + delta(nextIndex - 1, { type: 'thinking_delta', thinking: ev.text });
        }
        case 'signature':
          return open?.kind === 'thinking' ? delta(nextIndex - 1, { type: 'signature_delta', signature: ev.signature }) : '';
        case 'tool_start': {
          const s = start() + openBlock({ kind: 'tool', key: ev.key }, { type: 'tool_use', id: ev.id, name: ev.name, input: {} });
          toolBlocks.set(ev.key, nextIndex - 1);
          return s;
        }
        case 'tool_args': {
          const index = toolBlocks.get(ev.key);
          return index === undefined ? '' : delta(index, { type: 'input_json_delta', partial_json: ev.fragment });
        }
        case 'finish':
          finish = { finish: ev.finish, stopSequence: ev.stopSequence };
          return start() + close();
        case 'error':
          done = true;
          return streamErrorFrame('anthropic', ev.status, ev.message);
        default: { const never: never = ev; return never; }
      }
    },
    end() {
      if (done) return '';
      done = true;
      if (!finish) {
        return streamErrorFrame('anthropic', 502, 'upstream stream ended before the response was complete');
      }
      return start() + close()
        + sse('message_delta', { delta: { stop_reason: finishToAnthropic(finish.finish), stop_sequence: finish.stopSequence ?? null }, usage: usageToAnthropic(usage) })
        + sse('message_stop', {});
    },
  };
}
