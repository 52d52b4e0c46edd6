/** Gemini streamGenerateContent (alt=sse) ⇄ neutral stream events. */
import { eventJson } from '../../event-json.ts';
import { readUpstreamError, streamErrorFrame } from '../errors.ts';
import { finishFromGemini, finishToGemini } from '../finish-reasons.ts';
import { ZERO_USAGE, type DetailedUsage, type NeutralFinish, type StreamEvent, type StreamReader, type StreamWriter } from '../neutral.ts';
import { partsFromGemini } from '../responses/gemini.ts';
import { mergeUsage, usageFromGemini, usageToGemini } from '../usage-fields.ts';

/**
 * Reads an upstream Gemini stream. Each chunk is a whole GenerateContentResponse; a functionCall
 * arrives whole, so it becomes a tool_start plus one tool_args carrying all arguments.
 */
export function createGeminiStreamReader(): StreamReader {
  const counter = { n: 0 };
  let started = false;
  let sawToolCall = false;
  return {
    push(ev) {
      const chunk = eventJson(ev);
      if (chunk === undefined) return [];
      const err = readUpstreamError('gemini', chunk);
      if (err) return [{ type: 'error', ...err }];
      const usage = chunk.usageMetadata ? usageFromGemini(chunk.usageMetadata) : undefined;
      const out: StreamEvent[] = [];
      if (!started) {
        started = true;
        out.push(usage ? { type: 'start', usage } : { type: 'start' });
      }
      const cand = chunk.candidates?.[0];
      for (const p of partsFromGemini(cand?.content?.parts ?? [], counter)) {
        if (p.type === 'text') out.push({ type: 'text', text: p.text });
        else if (p.type === 'thinking') out.push({ type: 'thinking', text: p.text });
        else if (p.type === 'tool_call') {
          sawToolCall = true;
          out.push({ type: 'tool_start', key: p.id, id: p.id, name: p.name }, { type: 'tool_args', key: p.id, fragment: JSON.stringify(p.args) });
        }
      }
      if (usage) out.push({ type: 'usage', usage });
      if (cand?.finishReason) out.push({ type: 'finish', finish: finishFromGemini(cand.finishReason, sawToolCall) });
      else if (!cand && chunk.promptFeedback?.blockReason) out.push({ type: 'finish', finish: 'content_filter' });
      return out;
    },
  };
}

/**
 * Writes a Gemini client stream: one chunk per text/thought delta; tool arguments are gathered and
 * sent as whole functionCall parts (Gemini has no argument fragments) before the next content or
 * the end; the last chunk carries finishReason and usageMetadata.
 */
export function createGeminiStreamWriter(opts: { clientModel: string; requestId: string }): StreamWriter {
  const usage: DetailedUsage = { ...ZERO_USAGE };
  const pendingCalls = new Map<string, { name: string; args: string }>();
  let finish: NeutralFinish | null = null;
  let done = false;
  const chunk = (parts: unknown[], last = false): string => {
    const cand: Record<string, unknown> = { content: { role: 'model', parts } };
    if (last) cand.finishReason = finishToGemini(finish ?? 'stop');
    cand.index = 0;
    const body: Record<string, unknown> = { candidates: [cand] };
    if (last) body.usageMetadata = usageToGemini(usage);
    body.modelVersion = opts.clientModel;
    body.responseId = opts.requestId;
    return `data: ${JSON.stringify(body)}\n\n`;
  };
  const flushCalls = (): string => {
    if (pendingCalls.size === 0) return '';
    const parts = [...pendingCalls.values()].map((c) => {
      let args: unknown = {};
      try { args = c.args ? JSON.parse(c.args) : {}; } catch { args = { _raw: c.args }; }
      return { functionCall: { name: c.name, args } };
    });
    pendingCalls.clear();
    return chunk(parts);
  };
  return {
    write(ev) {
      if (done) return '';
      switch (ev.type) {
        case 'start':
        case 'usage':
          if (ev.usage) mergeUsage(usage, ev.usage);
          return '';
        case 'text': return flushCalls() + chunk([{ text: ev.text }]);
        case 'thinking': return flushCalls() + chunk([{ text: ev.text, thought: true }]);
        case 'signature': return '';
        case 'tool_start':
          pendingCalls.set(ev.key, { name: ev.name, args: '' });
          return '';
        case 'tool_args': {
          const call = pendingCalls.get(ev.key);
          if (call) call.args += ev.fragment;
          return '';
        }
        case 'finish':
          finish = ev.finish;
          return flushCalls();
        case 'error':
          done = true;
          return streamErrorFrame('gemini', ev.status, ev.message);
        default: { const never: never = ev; return never; }
      }
    },
    end() {
      if (done) return '';
      done = true;
      if (finish === null) return streamErrorFrame('gemini', 502, 'upstream stream ended before the response was complete');
      return flushCalls() + chunk([{ text: '' }], true);
    },
  };
}
