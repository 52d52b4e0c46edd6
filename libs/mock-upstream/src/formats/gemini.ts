// Gemini generateContent / streamGenerateContent wire format (Google AI Studio, v1beta).
import { randomId, type RenderedBody, type RenderedStream, type ReplyPlan, type StreamFrame } from '../reply-plan.ts';

const JSON_TYPE = 'application/json; charset=UTF-8';
// Gemini reports function calls with STOP; there is no separate "tool" finish reason.
const FINISH_REASONS = { stop: 'STOP', length: 'MAX_TOKENS', tool_calls: 'STOP' } as const;

/**
 * Gemini's promptTokenCount includes cached tokens; cachedContentTokenCount reports the cached part.
 * `output` is the candidates count so far: a stream reports it cumulatively on every chunk.
 */
function usageMetadata(plan: ReplyPlan, output = plan.usage.output) {
  const prompt = plan.usage.input + plan.usage.cacheCreation + plan.usage.cacheRead;
  const metadata: Record<string, unknown> = {
    promptTokenCount: prompt,
    candidatesTokenCount: output,
    totalTokenCount: prompt + output,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: prompt }],
  };
  if (plan.usage.cacheRead > 0) metadata.cachedContentTokenCount = plan.usage.cacheRead;
  return metadata;
}

function functionCallParts(plan: ReplyPlan) {
  return plan.toolCalls.map((call) => ({ functionCall: { name: call.name, args: call.arguments ?? {} } }));
}

function response(parts: Record<string, unknown>[], plan: ReplyPlan, responseId: string, final: boolean, outputSoFar?: number) {
  const candidate: Record<string, unknown> = { content: { parts, role: 'model' }, index: 0 };
  if (final) candidate.finishReason = FINISH_REASONS[plan.finishReason];
  return { candidates: [candidate], usageMetadata: usageMetadata(plan, final ? plan.usage.output : outputSoFar), modelVersion: plan.model, responseId };
}

/** :generateContent reply. */
export function renderGeminiJson(plan: ReplyPlan): RenderedBody {
  const parts: Record<string, unknown>[] = [];
  if (plan.thinking) parts.push({ text: plan.thinking, thought: true });
  if (plan.text) parts.push({ text: plan.text });
  parts.push(...functionCallParts(plan));
  return { status: 200, body: JSON.stringify(response(parts, plan, randomId(), true)), contentType: JSON_TYPE };
}

/** The stream's responses: one per thought/text chunk, function calls whole, finishReason on the last. */
function streamResponses(plan: ReplyPlan): { json: string; content: boolean }[] {
  const responseId = randomId();
  const pieces: Record<string, unknown>[][] = [
    ...plan.thinkingChunks.map((text) => [{ text, thought: true }]),
    ...plan.textChunks.map((text) => [{ text }]),
  ];
  const calls = functionCallParts(plan);
  if (calls.length > 0) pieces.push(calls);
  if (pieces.length === 0) pieces.push([{ text: '' }]);
  // Output tokens counted so far, spread evenly over the chunks (the last one carries the total).
  const soFar = (i: number) => Math.floor((plan.usage.output * (i + 1)) / pieces.length);
  return pieces.map((parts, i) => ({
    json: JSON.stringify(response(parts, plan, responseId, i === pieces.length - 1, soFar(i))),
    content: true,
  }));
}

/** :streamGenerateContent — SSE with ?alt=sse, otherwise one JSON array written element by element. */
export function renderGeminiStream(plan: ReplyPlan, sse: boolean): RenderedStream {
  const responses = streamResponses(plan);
  if (sse) {
    const frames: StreamFrame[] = responses.map((r) => ({ data: `data: ${r.json}\r\n\r\n`, content: r.content }));
    if (plan.midStreamError) {
      // Gemini reports a failure mid-stream as a bare error JSON chunk outside the SSE framing
      // (what @google/genai parses into ApiError), after which the stream ends.
      frames.length = 1;
      frames.push({ data: JSON.stringify({ error: { code: 503, message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' } }), content: false });
    }
    return { contentType: 'text/event-stream', frames };
  }
  const frames: StreamFrame[] = responses.map((r, i) => ({ data: `${i === 0 ? '[' : ',\r\n'}${r.json}`, content: r.content }));
  frames.push({ data: ']', content: false });
  return { contentType: JSON_TYPE, frames };
}

const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT', 401: 'UNAUTHENTICATED', 403: 'PERMISSION_DENIED', 404: 'NOT_FOUND', 409: 'ABORTED',
  429: 'RESOURCE_EXHAUSTED', 499: 'CANCELLED', 500: 'INTERNAL', 501: 'NOT_IMPLEMENTED', 503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

/** Gemini's error body `{error:{code,message,status}}`. */
export function renderGeminiError(status: number, message: string): RenderedBody {
  return {
    status,
    body: JSON.stringify({ error: { code: status, message, status: STATUS_NAMES[status] ?? (status >= 500 ? 'INTERNAL' : 'FAILED_PRECONDITION') } }),
    contentType: JSON_TYPE,
  };
}
