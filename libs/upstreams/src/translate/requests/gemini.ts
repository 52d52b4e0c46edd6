/** Gemini generateContent request ⇄ neutral request. The model and stream flag live in the URL, not the body. */
import { UnsupportedFeatureError } from '../errors.ts';
import { setIf, type NeutralMessage, type NeutralPart, type NeutralRequest } from '../neutral.ts';
import { budgetFromEffort, DYNAMIC_BUDGET, takesReasoningControls } from './thinking.ts';

/** Gemini's OpenAPI-style schema (upper-case types, `nullable`) → JSON Schema. */
export function jsonSchemaFromGemini(s: any): any {
  if (Array.isArray(s)) return s.map(jsonSchemaFromGemini);
  if (!s || typeof s !== 'object') return s;
  const out: any = {};
  for (const [k, v] of Object.entries(s)) {
    if (k === 'propertyOrdering' || k === 'nullable') continue;
    if (k === 'type' && typeof v === 'string') out.type = v.toLowerCase();
    else if (k === 'properties' && v && typeof v === 'object') {
      out.properties = Object.fromEntries(Object.entries(v).map(([pk, pv]) => [pk, jsonSchemaFromGemini(pv)]));
    } else out[k] = typeof v === 'object' ? jsonSchemaFromGemini(v) : v;
  }
  if (s.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  return out;
}

/** Tool results are objects in Gemini; plain text travels as {output} / {error}, as Google's docs advise. */
function resultText(response: any): { content: string; isError?: boolean } {
  const keys = response && typeof response === 'object' ? Object.keys(response) : [];
  if (keys.length === 1 && keys[0] === 'output' && typeof response.output === 'string') return { content: response.output };
  if (keys.length === 1 && keys[0] === 'error') {
    return { content: typeof response.error === 'string' ? response.error : JSON.stringify(response.error), isError: true };
  }
  return { content: JSON.stringify(response ?? {}) };
}

/**
 * Reads a Gemini request. Gemini calls carry no ids, so calls get `call_<n>` in conversation order
 * and each functionResponse takes the oldest unanswered call of the same function name.
 */
export function readGeminiRequest(body: any): NeutralRequest {
  let counter = 0;
  const unanswered = new Map<string, string[]>();
  const messages: NeutralMessage[] = (body.contents ?? []).map((c: any): NeutralMessage => {
    const parts = (c.parts ?? []).flatMap((p: any): NeutralPart[] => {
      if (typeof p.text === 'string') return p.thought ? [{ type: 'thinking', text: p.text }] : [{ type: 'text', text: p.text }];
      if (p.inlineData) return [{ type: 'media', mediaType: p.inlineData.mimeType, data: p.inlineData.data }];
      if (p.functionCall) {
        const id = p.functionCall.id ?? `call_${++counter}`;
        const name = p.functionCall.name;
        unanswered.set(name, [...(unanswered.get(name) ?? []), id]);
        return [{ type: 'tool_call', id, name, args: p.functionCall.args ?? {} }];
      }
      if (p.functionResponse) {
        const name = p.functionResponse.name;
        const queue = unanswered.get(name) ?? [];
        const id = p.functionResponse.id ?? queue.shift() ?? `call_${++counter}`;
        if (p.functionResponse.id) unanswered.set(name, queue.filter((q) => q !== id));
        const r: NeutralPart = { type: 'tool_result', id, name, ...resultText(p.functionResponse.response) };
        return [r];
      }
      if (p.thoughtSignature !== undefined && Object.keys(p).length === 1) return [];
      throw new UnsupportedFeatureError(`parts.${Object.keys(p).find((k) => k !== 'thoughtSignature') ?? 'unknown'}`);
    });
    return { role: c.role === 'model' ? 'assistant' : 'user', parts };
  });
  const req: NeutralRequest = { messages };
  const si = body.systemInstruction ?? body.system_instruction;
  if (si) {
    const text = typeof si === 'string' ? si : (si.parts ?? []).map((p: any) => p.text ?? '').join('\n\n');
    if (text) req.system = text;
  }
  const decls: any[] = [];
  for (const t of body.tools ?? []) {
    for (const key of Object.keys(t)) {
      if (key !== 'functionDeclarations') throw new UnsupportedFeatureError(`tools.${key}`);
    }
    decls.push(...(t.functionDeclarations ?? []));
  }
  if (decls.length) {
    req.tools = decls.map((d) => {
      const schema = d.parametersJsonSchema ?? (d.parameters ? jsonSchemaFromGemini(d.parameters) : { type: 'object', properties: {} });
      const tool = { name: d.name, schema };
      setIf(tool, 'description', d.description);
      return tool;
    });
  }
  const fc = body.toolConfig?.functionCallingConfig;
  if (fc?.mode) {
    const allowed: string[] = fc.allowedFunctionNames ?? [];
    if (fc.mode === 'AUTO') req.toolChoice = { type: 'auto' };
    else if (fc.mode === 'NONE') req.toolChoice = { type: 'none' };
    else if (fc.mode === 'ANY' && allowed.length === 1) req.toolChoice = { type: 'tool', name: allowed[0] };
    else if (fc.mode === 'ANY' && allowed.length === 0) req.toolChoice = { type: 'required' };
    else throw new UnsupportedFeatureError(fc.mode === 'ANY' ? 'toolConfig.functionCallingConfig.allowedFunctionNames' : `toolConfig.functionCallingConfig.mode.${fc.mode}`);
  }
  const g = body.generationConfig ?? {};
  if (Array.isArray(g.stopSequences) && g.stopSequences.length) req.stop = g.stopSequences;
  setIf(req, 'temperature', g.temperature);
  setIf(req, 'topP', g.topP);
  setIf(req, 'topK', g.topK);
  setIf(req, 'seed', g.seed);
  setIf(req, 'presencePenalty', g.presencePenalty);
  setIf(req, 'frequencyPenalty', g.frequencyPenalty);
  const tcfg = g.thinkingConfig;
  if (tcfg) {
    if (typeof tcfg.thinkingBudget === 'number') req.thinkingBudget = tcfg.thinkingBudget < 0 ? DYNAMIC_BUDGET : tcfg.thinkingBudget;
    else if (typeof tcfg.thinkingLevel === 'string') req.thinkingBudget = budgetFromEffort(tcfg.thinkingLevel.toLowerCase());
    else if (tcfg.includeThoughts) req.thinkingBudget = DYNAMIC_BUDGET;
  }
  if (typeof g.responseMimeType === 'string' && g.responseMimeType !== 'text/plain') {
    const schema = g.responseJsonSchema ?? (g.responseSchema ? jsonSchemaFromGemini(g.responseSchema) : undefined);
    req.jsonOutput = schema ? { schema } : {};
  }
  return req;
}

/** Placeholder signature for function calls that Gemini did not produce (see writeGeminiRequest). */
export const FOREIGN_THOUGHT_SIGNATURE = 'skip_thought_signature_validator';

function geminiPart(p: NeutralPart): any {
  switch (p.type) {
    case 'text': return { text: p.text };
    case 'media': return { inlineData: { mimeType: p.mediaType, data: p.data } };
    // Gemini fetches no arbitrary URLs; only inline data and its own file URIs are accepted.
    case 'media_url': throw new UnsupportedFeatureError('image_url', 'Gemini accepts images only as base64 data');
    case 'tool_call': return { functionCall: { name: p.name, args: p.args } };
    case 'tool_result': {
      if (!p.name) throw new UnsupportedFeatureError('tool_call_id', `no earlier tool call has id ${p.id}`);
      let response: unknown;
      try { response = JSON.parse(p.content); } catch { response = undefined; }
      if (!response || typeof response !== 'object' || Array.isArray(response) || p.isError) {
        response = p.isError ? { error: p.content } : { output: p.content };
      }
      return { functionResponse: { name: p.name, response } };
    }
    case 'thinking': return null;
    default: { const never: never = p; return never; }
  }
}

/**
 * Writes a Gemini request body. Thinking from other vendors' history is not replayed; optional
 * thinking (Anthropic adaptive) is left out for models without thinking (`upstreamModel`, when known).
 */
export function writeGeminiRequest(req: NeutralRequest, upstreamModel?: string): any {
  const contents: any[] = [];
  for (const m of req.messages) {
    const parts = m.parts.map(geminiPart).filter((p) => p !== null);
    // Gemini 3 rejects replayed function calls without the thought signature it issued, which a
    // history written by another vendor cannot have; Google documents this placeholder for exactly that case.
    const firstCall = parts.find((p) => p.functionCall);
    if (firstCall) firstCall.thoughtSignature = FOREIGN_THOUGHT_SIGNATURE;
    if (parts.length) contents.push({ role: m.role === 'assistant' ? 'model' : 'user', parts });
  }
  const out: any = { contents };
  if (req.system) out.systemInstruction = { parts: [{ text: req.system }] };
  if (req.tools) {
    out.tools = [{
      functionDeclarations: req.tools.map((t) => {
        const d: any = { name: t.name };
        setIf(d, 'description', t.description);
        d.parametersJsonSchema = t.schema;
        return d;
      }),
    }];
  }
  const c = req.toolChoice;
  if (c) {
    const mode = c.type === 'auto' ? 'AUTO' : c.type === 'none' ? 'NONE' : 'ANY';
    out.toolConfig = { functionCallingConfig: c.type === 'tool' ? { mode, allowedFunctionNames: [c.name] } : { mode } };
  }
  const g: any = {};
  if (req.stop?.length) g.stopSequences = req.stop;
  setIf(g, 'maxOutputTokens', req.maxTokens);
  setIf(g, 'temperature', req.temperature);
  setIf(g, 'topP', req.topP);
  setIf(g, 'topK', req.topK);
  setIf(g, 'seed', req.seed);
  setIf(g, 'presencePenalty', req.presencePenalty);
  setIf(g, 'frequencyPenalty', req.frequencyPenalty);
  const thinkingWanted = !(req.reasoningOptional && upstreamModel && !takesReasoningControls(upstreamModel));
  if (req.thinkingBudget !== undefined && thinkingWanted) g.thinkingConfig = req.thinkingBudget > 0 ? { thinkingBudget: req.thinkingBudget, includeThoughts: true } : { thinkingBudget: 0 };
  if (req.jsonOutput) {
    g.responseMimeType = 'application/json';
    setIf(g, 'responseJsonSchema', req.jsonOutput.schema);
  }
  if (Object.keys(g).length) out.generationConfig = g;
  return out;
}
