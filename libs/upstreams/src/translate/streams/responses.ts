/**
 * Neutral stream events → an OpenAI Responses API event stream, in the order OpenAI sends it:
 * response.created, response.in_progress, then per output item output_item.added → (content_part /
 * summary_part added → deltas → done) → output_item.done, and response.completed (or .incomplete)
 * with usage once the upstream stream has ended. An upstream error becomes `error` + response.failed.
 */
import { ZERO_USAGE, type DetailedUsage, type NeutralFinish, type StreamWriter } from '../neutral.ts';
import {
  functionCallItem, itemId, responseShell, responseStatus, usageToResponses, type ResponsesWriteOptions,
} from '../responses/responses-api.ts';
import { mergeUsage } from '../usage-fields.ts';

type OpenItem =
  | { kind: 'message'; id: string; index: number; text: string }
  | { kind: 'reasoning'; id: string; index: number; text: string }
  | { kind: 'function_call'; id: string; index: number; key: string; callId: string; name: string; args: string };

/** The Responses error code for an upstream status (ResponseError.code). */
function errorCode(status: number): string {
  if (status === 429) return 'rate_limit_exceeded';
  if (status === 400 || status === 413) return 'invalid_prompt';
  return 'server_error';
}

/** Writes a Responses client stream; see the file comment for the event order. */
export function createResponsesStreamWriter(opts: ResponsesWriteOptions): StreamWriter {
  const createdAt = Math.floor(Date.now() / 1000);
  const usage: DetailedUsage = { ...ZERO_USAGE };
  const output: Record<string, unknown>[] = [];
  let seq = 0;
  let started = false;
  let done = false;
  let finish: NeutralFinish | null = null;
  let open: OpenItem | null = null;

  const event = (type: string, fields: Record<string, unknown>): string =>
    `event: ${type}\ndata: ${JSON.stringify({ type, ...fields, sequence_number: seq++ })}\n\n`;
  const snapshot = (extra: Record<string, unknown>): Record<string, unknown> => ({ ...responseShell(opts, createdAt), ...extra });
  const start = (): string => {
    if (started) return '';
    started = true;
    return event('response.created', { response: snapshot({}) }) + event('response.in_progress', { response: snapshot({}) });
  };

  const close = (): string => {
    const item = open;
    if (!item) return '';
    open = null;
    const at = { item_id: item.id, output_index: item.index };
    let s = '';
    let full: Record<string, unknown>;
    if (item.kind === 'message') {
      const part = { type: 'output_text', text: item.text, annotations: [], logprobs: [] };
      s += event('response.output_text.done', { ...at, content_index: 0, text: item.text, logprobs: [] });
      s += event('response.content_part.done', { ...at, content_index: 0, part });
      full = { id: item.id, type: 'message', status: 'completed', role: 'assistant', content: [part] };
    } else if (item.kind === 'reasoning') {
      const part = { type: 'summary_text', text: item.text };
      s += event('response.reasoning_summary_text.done', { ...at, summary_index: 0, text: item.text });
      s += event('response.reasoning_summary_part.done', { ...at, summary_index: 0, part });
      full = { id: item.id, type: 'reasoning', summary: [part] };
    } else {
      const fc = functionCallItem(item.id, item.callId, item.name, item.args, 'completed', opts.namespaces);
      s += event('response.function_call_arguments.done', { ...at, name: fc.name, arguments: item.args });
      full = fc;
    }
    output.push(full);
    return s + event('response.output_item.done', { output_index: item.index, item: full });
  };

  /** Opens an item of `kind` unless one is open already; returns the events that did it. */
  const ensure = (kind: 'message' | 'reasoning'): string => {
    if (open?.kind === kind) return '';
    let s = close();
    const index = output.length;
    if (kind === 'message') {
      const id = itemId('msg', opts.requestId, index);
      open = { kind, id, index, text: '' };
      s += event('response.output_item.added', { output_index: index, item: { id, type: 'message', status: 'in_progress', role: 'assistant', content: [] } });
      s += event('response.content_part.added', { item_id: id, output_index: index, content_index: 0, part: { type: 'output_text', text: '', annotations: [], logprobs: [] } });
    } else {
      const id = itemId('rs', opts.requestId, index);
      open = { kind, id, index, text: '' };
      s += event('response.output_item.added', { output_index: index, item: { id, type: 'reasoning', summary: [] } });
      s += event('response.reasoning_summary_part.added', { item_id: id, output_index: index, summary_index: 0, part: { type: 'summary_text', text: '' } });
    }
    return s;
  };

  const fail = (status: number, message: string): string => {
    done = true;
    const code = errorCode(status);
    return event('error', { code, message, param: null })
      + event('response.failed', { response: snapshot({ status: 'failed', error: { code, message }, output, usage: usageToResponses(usage) }) });
  };

  return {
    write(ev) {
      if (done) return '';
      let s = start();
      switch (ev.type) {
        case 'start':
        case 'usage':
          if (ev.usage) mergeUsage(usage, ev.usage);
          return s;
        case 'text': {
          s += ensure('message');
          const item = open as Extract<OpenItem, { kind: 'message' }>;
          item.text += ev.text;
          return s + event('response.output_text.delta', { item_id: item.id, output_index: item.index, content_index: 0, delta: ev.text, logprobs: [] });
        }
        case 'thinking': {
          s += ensure('reasoning');
          const item = open as Extract<OpenItem, { kind: 'reasoning' }>;
          item.text += ev.text;
          return s + event('response.reasoning_summary_text.delta', { item_id: item.id, output_index: item.index, summary_index: 0, delta: ev.text });
        }
        case 'signature': return s;
        case 'tool_start': {
          s += close();
          const index = output.length;
          const item: OpenItem = { kind: 'function_call', id: itemId('fc', opts.requestId, index), index, key: ev.key, callId: ev.id, name: ev.name, args: '' };
          open = item;
          return s + event('response.output_item.added', { output_index: index, item: functionCallItem(item.id, ev.id, ev.name, '', 'in_progress', opts.namespaces) });
        }
        case 'tool_args': {
          const item = open;
          if (item?.kind !== 'function_call' || item.key !== ev.key) return s;
          item.args += ev.fragment;
          return s + event('response.function_call_arguments.delta', { item_id: item.id, output_index: item.index, delta: ev.fragment });
        }
        case 'finish':
          finish = ev.finish;
          return s + close();
        case 'error':
          return s + close() + fail(ev.status, ev.message);
        default: { const never: never = ev; return never; }
      }
    },
    end() {
      if (done) return '';
      let s = start() + close();
      if (finish === null) return s + fail(502, 'upstream stream ended before the response was complete');
      done = true;
      const status = responseStatus(finish);
      const type = status.status === 'completed' ? 'response.completed' : 'response.incomplete';
      s += event(type, { response: snapshot({ ...status, output, usage: usageToResponses(usage) }) });
      return s;
    },
  };
}
