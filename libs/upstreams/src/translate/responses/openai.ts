/** OpenAI chat.completion response ⇄ neutral response. */
import { finishFromOpenai, finishToOpenai } from '../finish-reasons.ts';
import { parseToolArgs, ZERO_USAGE, type NeutralPart, type NeutralResponse } from '../neutral.ts';
import { mergeUsage, usageFromOpenai, usageToOpenai } from '../usage-fields.ts';

/** Reads choice 0 (requests asking for more than one choice are refused before they leave). */
export function readOpenaiResponse(body: any): NeutralResponse {
  const choice = body.choices?.[0] ?? {};
  const msg = choice.message ?? {};
  const parts: NeutralPart[] = [];
  const reasoning = msg.reasoning_content ?? msg.reasoning;
  if (typeof reasoning === 'string' && reasoning) parts.push({ type: 'thinking', text: reasoning });
  if (typeof msg.content === 'string' && msg.content) parts.push({ type: 'text', text: msg.content });
  if (typeof msg.refusal === 'string' && msg.refusal) parts.push({ type: 'text', text: msg.refusal });
  for (const tc of msg.tool_calls ?? []) {
    parts.push({ type: 'tool_call', id: tc.id, name: tc.function?.name, args: parseToolArgs(tc.function?.arguments) });
  }
  const usage = { ...ZERO_USAGE };
  if (body.usage) mergeUsage(usage, usageFromOpenai(body.usage));
  return { parts, finish: finishFromOpenai(choice.finish_reason), usage };
}

/** Writes a chat.completion. `created` is the translation time: the upstream had no such field. */
export function writeOpenaiResponse(res: NeutralResponse, opts: { clientModel: string; requestId: string }): any {
  const text = res.parts.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('');
  const reasoning = res.parts.flatMap((p) => (p.type === 'thinking' ? [p.text] : [])).join('');
  const calls = res.parts.flatMap((p) => (p.type === 'tool_call'
    ? [{ id: p.id, type: 'function', function: { name: p.name, arguments: JSON.stringify(p.args) } }] : []));
  const message: any = { role: 'assistant', content: text || null, refusal: null };
  if (reasoning) message.reasoning_content = reasoning;
  if (calls.length) message.tool_calls = calls;
  return {
    id: `chatcmpl-${opts.requestId}`,
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: opts.clientModel,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finishToOpenai(res.finish) }],
    usage: usageToOpenai(res.usage),
  };
}
