/** Anthropic Messages request ⇄ neutral request. */
import { UnsupportedFeatureError } from '../errors.ts';
import { setIf, textOf, type NeutralMessage, type NeutralPart, type NeutralRequest } from '../neutral.ts';
import { anthropicThinkingBudget } from './thinking.ts';

function mediaPart(block: any): NeutralPart {
  const src = block.source ?? {};
  if (src.type === 'base64') return { type: 'media', mediaType: src.media_type, data: src.data };
  // Only images by URL exist in every format (OpenAI image_url); a document URL has no counterpart.
  if (src.type === 'url' && block.type === 'image') return { type: 'media_url', url: src.url };
  throw new UnsupportedFeatureError(`${block.type}.source.${src.type}`);
}

function toolResultText(content: unknown): string {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  return (content as any[]).map((b) => {
    if (b?.type !== 'text') throw new UnsupportedFeatureError(`tool_result.content.${b?.type}`);
    return b.text;
  }).join('');
}

/**
 * Reads an Anthropic request. cache_control hints are dropped (no equivalent elsewhere). A `role:
 * "system"` message in the conversation (Claude Code sends reminders that way) joins the system
 * prompt after the top-level `system`, in order: OpenAI would take it in place, but Gemini and
 * Anthropic only have one system instruction, and one reading keeps every target the same.
 */
export function readAnthropicRequest(body: any): NeutralRequest {
  const toolNames = new Map<string, string>();
  const inlineSystem: string[] = [];
  const conversation = (body.messages ?? []).filter((m: any) => {
    if (m?.role !== 'system') return true;
    const text = textOf(m.content, 'messages.system');
    if (text) inlineSystem.push(text);
    return false;
  });
  const messages: NeutralMessage[] = conversation.map((m: any): NeutralMessage => {
    const blocks = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : (m.content ?? []);
    const parts = blocks.flatMap((b: any): NeutralPart[] => {
      switch (b.type) {
        case 'text': return [{ type: 'text', text: b.text }];
        case 'image':
        case 'document': return [mediaPart(b)];
        case 'tool_use':
          toolNames.set(b.id, b.name);
          return [{ type: 'tool_call', id: b.id, name: b.name, args: b.input ?? {} }];
        case 'tool_result': {
          const r: NeutralPart = { type: 'tool_result', id: b.tool_use_id, name: toolNames.get(b.tool_use_id) ?? '', content: toolResultText(b.content) };
          if (b.is_error) r.isError = true;
          return [r];
        }
        case 'thinking': return [{ type: 'thinking', text: b.thinking, signature: b.signature }];
        case 'redacted_thinking': return []; // opaque to every other vendor
        default: throw new UnsupportedFeatureError(`content.${b.type}`);
      }
    });
    return { role: m.role === 'assistant' ? 'assistant' : 'user', parts };
  });
  const req: NeutralRequest = { messages };
  if (typeof body.system === 'string' && body.system) req.system = body.system;
  else if (Array.isArray(body.system) && body.system.length) req.system = body.system.map((b: any) => b.text ?? '').join('\n\n');
  if (inlineSystem.length) req.system = [req.system, ...inlineSystem].filter(Boolean).join('\n\n');
  if (Array.isArray(body.tools) && body.tools.length) {
    req.tools = body.tools.map((t: any) => {
      // Server tools (web_search_…, bash_…, computer_…) run inside Anthropic and exist nowhere else.
      if (t.type && t.type !== 'custom') throw new UnsupportedFeatureError(`tools.${t.type}`);
      const tool = { name: t.name, schema: t.input_schema ?? { type: 'object', properties: {} } };
      setIf(tool, 'description', t.description);
      return tool;
    });
  }
  const tc = body.tool_choice;
  if (tc) {
    if (tc.type === 'auto' || tc.type === 'none') req.toolChoice = { type: tc.type };
    else if (tc.type === 'any') req.toolChoice = { type: 'required' };
    else if (tc.type === 'tool') req.toolChoice = { type: 'tool', name: tc.name };
    else throw new UnsupportedFeatureError(`tool_choice.${tc.type}`);
    if (tc.disable_parallel_tool_use) req.parallelToolCalls = false;
  }
  if (Array.isArray(body.stop_sequences) && body.stop_sequences.length) req.stop = body.stop_sequences;
  setIf(req, 'temperature', body.temperature);
  setIf(req, 'topP', body.top_p);
  setIf(req, 'topK', body.top_k);
  const thinking = anthropicThinkingBudget(body);
  if (thinking.budget !== null) req.thinkingBudget = thinking.budget;
  if (thinking.effort) req.reasoningEffort = thinking.effort;
  if (body.thinking?.type !== 'enabled' && thinking.effort) req.reasoningOptional = true;
  const format = body.output_config?.format;
  if (format?.type === 'json_schema') req.jsonOutput = { schema: format.schema ?? {} };
  return req;
}

function block(p: NeutralPart): any {
  switch (p.type) {
    case 'text': return { type: 'text', text: p.text };
    case 'media': {
      const source = { type: 'base64', media_type: p.mediaType, data: p.data };
      if (p.mediaType.startsWith('image/')) return { type: 'image', source };
      if (p.mediaType === 'application/pdf') return { type: 'document', source };
      throw new UnsupportedFeatureError(`media.${p.mediaType}`);
    }
    case 'media_url': return { type: 'image', source: { type: 'url', url: p.url } };
    case 'tool_call': return { type: 'tool_use', id: p.id, name: p.name, input: p.args };
    case 'tool_result': {
      const r: any = { type: 'tool_result', tool_use_id: p.id, content: p.content };
      if (p.isError) r.is_error = true;
      return r;
    }
    case 'thinking': return null;
    default: { const never: never = p; return never; }
  }
}

/**
 * Writes an Anthropic request. Thinking from other vendors' history is not replayed: Anthropic
 * only accepts thinking blocks carrying its own signature. max_tokens is `req.maxTokens`, set by
 * translateRequest from the one reading of the request's limits (which already added a thinking
 * budget at or above the answer limit on top of it: Anthropic wants max_tokens above the budget).
 */
export function writeAnthropicRequest(req: NeutralRequest, opts: { upstreamModel: string; stream: boolean }): any {
  const messages: any[] = [];
  for (const m of req.messages) {
    // Anthropic wants tool results first in their user turn.
    const ordered = m.role === 'user' ? [...m.parts.filter((p) => p.type === 'tool_result'), ...m.parts.filter((p) => p.type !== 'tool_result')] : m.parts;
    const content = ordered.map(block).filter((b) => b !== null);
    if (content.length) messages.push({ role: m.role, content });
  }
  const out: any = { model: opts.upstreamModel, max_tokens: req.maxTokens, messages };
  if (req.system) out.system = req.system;
  if (req.tools) {
    out.tools = req.tools.map((t) => {
      const tool: any = { name: t.name };
      setIf(tool, 'description', t.description);
      tool.input_schema = t.schema;
      return tool;
    });
  }
  if (req.toolChoice) {
    const c = req.toolChoice;
    out.tool_choice = c.type === 'tool' ? { type: 'tool', name: c.name } : { type: c.type === 'required' ? 'any' : c.type };
  }
  if (req.parallelToolCalls === false && req.tools) {
    out.tool_choice = { ...(out.tool_choice ?? { type: 'auto' }), disable_parallel_tool_use: true };
  }
  if (req.stop?.length) out.stop_sequences = req.stop;
  setIf(out, 'temperature', req.temperature);
  setIf(out, 'top_p', req.topP);
  setIf(out, 'top_k', req.topK);
  if (req.thinkingBudget && req.thinkingBudget > 0) {
    const budget = Math.max(1024, req.thinkingBudget);
    out.thinking = { type: 'enabled', budget_tokens: budget };
  }
  if (opts.stream) out.stream = true;
  return out;
}
