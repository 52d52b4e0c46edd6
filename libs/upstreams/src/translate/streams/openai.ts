/** OpenAI chat.completion.chunk streams ⇄ neutral stream events. */
import { eventJson } from '../../event-json.ts';
import { readUpstreamError, streamErrorFrame } from '../errors.ts';
import { finishFromOpenai, finishToOpenai } from '../finish-reasons.ts';
import { ZERO_USAGE, type DetailedUsage, type StreamEvent, type StreamReader, type StreamWriter } from '../neutral.ts';
import { mergeUsage, usageFromOpenai, usageToOpenai } from '../usage-fields.ts';

/** Reads an upstream OpenAI stream. Tool calls are keyed by their `index`. */
export function createOpenaiStreamReader(): StreamReader {
  let started = false;
  const toolKeys = new Set<string>();
  return {
    push(ev) {
      if (ev.data === '[DONE]') return [];
      const chunk = eventJson(ev);
      if (chunk === undefined) return [];
      const err = readUpstreamError('openai', chunk);
      if (err) return [{ type: 'error', ...err }];
      const out: StreamEvent[] = [];
      if (!started) {
        started = true;
        out.push({ type: 'start' });
      }
      const choice = chunk.choices?.[0];
      if (choice) {
        const delta = choice.delta ?? {};
        const reasoning = delta.reasoning_content ?? delta.reasoning;
        if (typeof reasoning === 'string' && reasoning) out.push({ type: 'thinking', text: reasoning });
        if (typeof delta.content === 'string' && delta.content) out.push({ type: 'text', text: delta.content });
        for (const tc of delta.tool_calls ?? []) {
          const key = String(tc.index ?? 0);
          if (!toolKeys.has(key)) {
            toolKeys.add(key);
            out.push({ type: 'tool_start', key, id: tc.id ?? `call_${key}`, name: tc.function?.name ?? '' });
          }
          if (tc.function?.arguments) out.push({ type: 'tool_args', key, fragment: tc.function.arguments });
        }
        if (choice.finish_reason) out.push({ type: 'finish', finish: finishFromOpenai(choice.finish_reason) });
      }
      if (chunk.usage) out.push({ type: 'usage', usage: usageFromOpenai(chunk.usage) });
      return out;
    },
  };
}

/**
 * Writes an OpenAI client stream: a role chunk first, one chunk per delta, the finish chunk, the
 * usage chunk (choices: []) only when the client asked for it, then `data: [DONE]`.
 */
export function createOpenaiStreamWriter(opts: { clientModel: string; requestId: string; includeUsage: boolean }): StreamWriter {
  const id = `chatcmpl-${opts.requestId}`;
  const created = Math.floor(Date.now() / 1000);
  const usage: DetailedUsage = { ...ZERO_USAGE };
  const toolIndex = new Map<string, number>();
  let started = false;
  let finished = false;
  let done = false;
  // Every chunk shares everything but the delta and the finish reason: that JSON is built once, the
  // per-chunk stringify covers only the delta. The text is exactly JSON.stringify of the whole
  // chunk object ({ id, object, created, model, choices: [{ index, delta, logprobs, finish_reason }] }).
  const head = `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: opts.clientModel }).slice(0, -1)},"choices":[{"index":0,"delta":`;
  /** A chunk from its delta's JSON text (text deltas, the most frequent, skip the object and its stringify). */
  const frame = (deltaJson: string, finishJson = 'null'): string => `${head}${deltaJson},"logprobs":null,"finish_reason":${finishJson}}]}\n\n`;
  const chunk = (delta: unknown, finishReason: string | null = null): string => frame(JSON.stringify(delta), JSON.stringify(finishReason));
  const fail = (status: number, message: string): string => {
    done = true;
    return streamErrorFrame('openai', status, message);
  };
  return {
    write(ev) {
      if (done) return '';
      let s = '';
      if (!started && (ev.type === 'text' || ev.type === 'thinking' || ev.type === 'tool_start' || ev.type === 'start' || ev.type === 'finish')) {
        started = true;
        s += chunk({ role: 'assistant', content: '' });
      }
      switch (ev.type) {
        case 'start':
        case 'usage':
          if (ev.usage) mergeUsage(usage, ev.usage);
          return s;
        case 'text': return s + frame(`{"content":${JSON.stringify(ev.text)}}`);
        case 'thinking': return s + chunk({ reasoning_content: ev.text });
        case 'signature': return s;
        case 'tool_start': {
          const index = toolIndex.size;
          toolIndex.set(ev.key, index);
          return s + chunk({ tool_calls: [{ index, id: ev.id, type: 'function', function: { name: ev.name, arguments: '' } }] });
        }
        case 'tool_args':
          return s + chunk({ tool_calls: [{ index: toolIndex.get(ev.key) ?? 0, function: { arguments: ev.fragment } }] });
        case 'finish':
          finished = true;
          return s + chunk({}, finishToOpenai(ev.finish));
        case 'error': return s + fail(ev.status, ev.message);
        default: { const never: never = ev; return never; }
      }
    },
    end() {
      if (done) return '';
      if (!finished) return fail(502, 'upstream stream ended before the response was complete');
      done = true;
      const usageChunk = opts.includeUsage
        ? `data: ${JSON.stringify({ id, object: 'chat.completion.chunk', created, model: opts.clientModel, choices: [], usage: usageToOpenai(usage) })}\n\n`
        : '';
      return `${usageChunk}data: [DONE]\n\n`;
    },
  };
}
