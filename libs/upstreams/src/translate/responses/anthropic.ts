/** Anthropic message response ⇄ neutral response. */
import { finishFromAnthropic, finishToAnthropic } from '../finish-reasons.ts';
import { ZERO_USAGE, type NeutralPart, type NeutralResponse } from '../neutral.ts';
import { mergeUsage, usageFromAnthropic, usageToAnthropic } from '../usage-fields.ts';

/** Reads a message; redacted thinking and server-tool blocks have no counterpart elsewhere. */
export function readAnthropicResponse(body: any): NeutralResponse {
  const parts: NeutralPart[] = [];
  for (const b of body.content ?? []) {
    if (b.type === 'text') parts.push({ type: 'text', text: b.text });
    else if (b.type === 'thinking') parts.push({ type: 'thinking', text: b.thinking, signature: b.signature });
    else if (b.type === 'tool_use') parts.push({ type: 'tool_call', id: b.id, name: b.name, args: b.input ?? {} });
  }
  const usage = { ...ZERO_USAGE };
  if (body.usage) mergeUsage(usage, usageFromAnthropic(body.usage));
  const res: NeutralResponse = { parts, finish: finishFromAnthropic(body.stop_reason), usage };
  if (body.stop_sequence) res.stopSequence = body.stop_sequence;
  return res;
}

/** Writes a message. Thinking read from other vendors carries no signature (an empty one is sent). */
export function writeAnthropicResponse(res: NeutralResponse, opts: { clientModel: string; requestId: string }): any {
  const content = res.parts.flatMap((p): any[] => {
    switch (p.type) {
      case 'text': return [{ type: 'text', text: p.text }];
      case 'thinking': return [{ type: 'thinking', thinking: p.text, signature: p.signature ?? '' }];
      case 'tool_call': return [{ type: 'tool_use', id: p.id, name: p.name, input: p.args }];
      default: return [];
    }
  });
  return {
    id: `msg_${opts.requestId}`,
    type: 'message',
    role: 'assistant',
    model: opts.clientModel,
    content,
    stop_reason: finishToAnthropic(res.finish),
    stop_sequence: res.stopSequence ?? null,
    usage: usageToAnthropic(res.usage),
  };
}
