/** OpenAI Chat Completions request ⇄ neutral request. */
import { UnsupportedFeatureError } from '../errors.ts';
import {
  parseDataUrl, parseToolArgs, setIf, textOf,
  type NeutralMessage, type NeutralPart, type NeutralRequest, type NeutralToolChoice,
} from '../neutral.ts';
import { budgetFromEffort, effortFromBudget, takesReasoningControls } from './thinking.ts';

function userParts(content: unknown): NeutralPart[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  if (!Array.isArray(content)) return [];
  return content.map((p: any): NeutralPart => {
    switch (p?.type) {
      case 'text':
        return { type: 'text', text: String(p.text ?? '') };
      case 'image_url': {
        const url = String(p.image_url?.url ?? '');
        const inline = parseDataUrl(url);
        return inline ? { type: 'media', ...inline } : { type: 'media_url', url };
      }
      case 'file': {
        const inline = typeof p.file?.file_data === 'string' ? parseDataUrl(p.file.file_data) : null;
        if (!inline) throw new UnsupportedFeatureError('file.file_id');
        return { type: 'media', ...inline };
      }
      default:
        throw new UnsupportedFeatureError(`messages.content.${p?.type ?? 'unknown'}`);
    }
  });
}

/** Reads an OpenAI request. System/developer messages anywhere are gathered into one system prompt. */
export function readOpenaiRequest(body: any): NeutralRequest {
  const system: string[] = [];
  const messages: NeutralMessage[] = [];
  const toolNames = new Map<string, string>();
  const push = (role: 'user' | 'assistant', parts: NeutralPart[]): void => {
    const last = messages[messages.length - 1];
    // Tool results arrive as separate `tool` messages; they join one user turn as the other formats want.
    if (last && last.role === role && role === 'user' && last.parts.every((p): boolean => p.type === 'tool_result')) last.parts.push(...parts);
    else messages.push({ role, parts });
  };
  for (const m of body.messages ?? []) {
    switch (m.role) {
      case 'system':
      case 'developer':
        system.push(textOf(m.content, 'messages.system'));
        break;
      case 'user':
        push('user', userParts(m.content));
        break;
      case 'assistant': {
        const parts: NeutralPart[] = [];
        const text = textOf(m.content, 'messages.assistant');
        if (text) parts.push({ type: 'text', text });
        for (const tc of m.tool_calls ?? []) {
          if (tc.type && tc.type !== 'function') throw new UnsupportedFeatureError(`tool_calls.${tc.type}`);
          toolNames.set(tc.id, tc.function?.name);
          parts.push({ type: 'tool_call', id: tc.id, name: tc.function?.name, args: parseToolArgs(tc.function?.arguments) });
        }
        messages.push({ role: 'assistant', parts });
        break;
      }
      case 'tool':
        push('user', [{ type: 'tool_result', id: m.tool_call_id, name: toolNames.get(m.tool_call_id) ?? '', content: textOf(m.content, 'messages.tool') }]);
        break;
      default:
        throw new UnsupportedFeatureError(`messages.role.${m.role}`);
    }
  }
  const req: NeutralRequest = { messages };
  if (system.length) req.system = system.join('\n\n');
  if (Array.isArray(body.tools) && body.tools.length) {
    req.tools = body.tools.map((t: any) => {
      if (t.type !== 'function') throw new UnsupportedFeatureError(`tools.${t.type}`);
      const tool = { name: t.function.name, schema: t.function.parameters ?? { type: 'object', properties: {} } };
      setIf(tool, 'description', t.function.description);
      return tool;
    });
  }
  const tc = body.tool_choice;
  if (tc !== undefined && tc !== null) {
    let choice: NeutralToolChoice;
    if (tc === 'auto' || tc === 'none') choice = { type: tc };
    else if (tc === 'required') choice = { type: 'required' };
    else if (tc?.type === 'function' && tc.function?.name) choice = { type: 'tool', name: tc.function.name };
    else throw new UnsupportedFeatureError('tool_choice');
    req.toolChoice = choice;
  }
  if (body.parallel_tool_calls === false) req.parallelToolCalls = false;
  if (body.stop != null) req.stop = Array.isArray(body.stop) ? body.stop : [body.stop];
  setIf(req, 'temperature', body.temperature);
  setIf(req, 'topP', body.top_p);
  setIf(req, 'seed', body.seed);
  setIf(req, 'presencePenalty', body.presence_penalty);
  setIf(req, 'frequencyPenalty', body.frequency_penalty);
  if (body.reasoning_effort) req.thinkingBudget = budgetFromEffort(body.reasoning_effort);
  const rf = body.response_format;
  if (rf?.type === 'json_object') req.jsonOutput = {};
  else if (rf?.type === 'json_schema') req.jsonOutput = { schema: rf.json_schema?.schema ?? {} };
  return req;
}

function contentParts(parts: NeutralPart[]): unknown[] {
  return parts.map((p) => {
    switch (p.type) {
      case 'text': return { type: 'text', text: p.text };
      case 'media':
        if (p.mediaType.startsWith('image/')) return { type: 'image_url', image_url: { url: `data:${p.mediaType};base64,${p.data}` } };
        return { type: 'file', file: { filename: p.mediaType === 'application/pdf' ? 'document.pdf' : 'file', file_data: `data:${p.mediaType};base64,${p.data}` } };
      case 'media_url': return { type: 'image_url', image_url: { url: p.url } };
      default: throw new UnsupportedFeatureError(`content.${p.type}`);
    }
  });
}

/**
 * Writes an OpenAI request. Thinking from earlier turns is not replayed (OpenAI takes no reasoning
 * input); streaming requests always ask for the final usage chunk so the relay can bill.
 */
export function writeOpenaiRequest(req: NeutralRequest, opts: { upstreamModel: string; stream: boolean }): any {
  const messages: any[] = [];
  if (req.system) messages.push({ role: 'system', content: req.system });
  for (const m of req.messages) {
    if (m.role === 'assistant') {
      const text = m.parts.filter((p) => p.type === 'text').map((p) => (p as { text: string }).text).join('');
      const calls = m.parts.flatMap((p) => (p.type === 'tool_call'
        ? [{ id: p.id, type: 'function', function: { name: p.name, arguments: JSON.stringify(p.args) } }] : []));
      const msg: any = { role: 'assistant', content: text || null };
      if (calls.length) msg.tool_calls = calls;
      if (text || calls.length) messages.push(msg);
      continue;
    }
    const results = m.parts.filter((p) => p.type === 'tool_result');
    for (const r of results) messages.push({ role: 'tool', tool_call_id: r.id, content: r.content });
    const rest = m.parts.filter((p) => p.type !== 'tool_result' && p.type !== 'thinking');
    if (rest.length === 0) continue;
    messages.push({ role: 'user', content: rest.every((p) => p.type === 'text') ? rest.map((p) => (p as { text: string }).text).join('') : contentParts(rest) });
  }
  const out: any = { model: opts.upstreamModel, messages };
  if (req.tools) {
    out.tools = req.tools.map((t) => {
      const fn: any = { name: t.name };
      setIf(fn, 'description', t.description);
      fn.parameters = t.schema;
      return { type: 'function', function: fn };
    });
  }
  if (req.toolChoice) out.tool_choice = req.toolChoice.type === 'tool' ? { type: 'function', function: { name: req.toolChoice.name } } : req.toolChoice.type;
  if (req.parallelToolCalls === false && req.tools) out.parallel_tool_calls = false;
  if (req.stop?.length) out.stop = req.stop;
  setIf(out, 'max_completion_tokens', req.maxTokens);
  setIf(out, 'temperature', req.temperature);
  setIf(out, 'top_p', req.topP);
  setIf(out, 'seed', req.seed);
  setIf(out, 'presence_penalty', req.presencePenalty);
  setIf(out, 'frequency_penalty', req.frequencyPenalty);
  if (req.reasoningOptional && !takesReasoningControls(opts.upstreamModel)) {
    // Adaptive thinking on a model without reasoning: the model simply answers.
  } else if (req.reasoningEffort) out.reasoning_effort = req.reasoningEffort;
  else if (req.thinkingBudget) out.reasoning_effort = effortFromBudget(req.thinkingBudget);
  if (req.jsonOutput) {
    out.response_format = req.jsonOutput.schema
      ? { type: 'json_schema', json_schema: { name: 'response', schema: req.jsonOutput.schema } }
      : { type: 'json_object' };
  }
  out.stream = opts.stream;
  if (opts.stream) out.stream_options = { include_usage: true };
  return out;
}
