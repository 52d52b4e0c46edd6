/** Gemini GenerateContentResponse ⇄ neutral response. */
import { finishFromGemini, finishToGemini } from '../finish-reasons.ts';
import { ZERO_USAGE, type NeutralPart, type NeutralResponse } from '../neutral.ts';
import { mergeUsage, usageFromGemini, usageToGemini } from '../usage-fields.ts';

/**
 * Converts Gemini parts to neutral parts; calls without an id get `call_<n>` counted from `counter`
 * (shared by the stream reader so ids stay stable across chunks).
 */
export function partsFromGemini(raw: any[], counter: { n: number }): NeutralPart[] {
  const parts: NeutralPart[] = [];
  for (const p of raw ?? []) {
    if (typeof p.text === 'string') {
      if (p.thought) parts.push({ type: 'thinking', text: p.text });
      else if (p.text) parts.push({ type: 'text', text: p.text });
    } else if (p.functionCall) {
      parts.push({ type: 'tool_call', id: p.functionCall.id ?? `call_${++counter.n}`, name: p.functionCall.name, args: p.functionCall.args ?? {} });
    }
  }
  return parts;
}

/** Reads candidate 0; a prompt blocked before any candidate reads as a content-filter stop. */
export function readGeminiResponse(body: any): NeutralResponse {
  const cand = body.candidates?.[0];
  const parts = partsFromGemini(cand?.content?.parts ?? [], { n: 0 });
  const usage = { ...ZERO_USAGE };
  if (body.usageMetadata) mergeUsage(usage, usageFromGemini(body.usageMetadata));
  const finish = !cand && body.promptFeedback?.blockReason
    ? 'content_filter'
    : finishFromGemini(cand?.finishReason, parts.some((p) => p.type === 'tool_call'));
  return { parts, finish, usage };
}

/** Writes a GenerateContentResponse with one candidate; thinking becomes `thought: true` text. */
export function writeGeminiResponse(res: NeutralResponse, opts: { clientModel: string; requestId: string }): any {
  const parts = res.parts.flatMap((p): any[] => {
    switch (p.type) {
      case 'text': return [{ text: p.text }];
      case 'thinking': return [{ text: p.text, thought: true }];
      case 'tool_call': return [{ functionCall: { name: p.name, args: p.args } }];
      default: return [];
    }
  });
  return {
    candidates: [{ content: { role: 'model', parts }, finishReason: finishToGemini(res.finish), index: 0 }],
    usageMetadata: usageToGemini(res.usage),
    modelVersion: opts.clientModel,
    responseId: opts.requestId,
  };
}
