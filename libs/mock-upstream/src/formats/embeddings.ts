// Embeddings and token counting: OpenAI /v1/embeddings, Gemini :embedContent / :batchEmbedContents,
// Gemini :countTokens and the Gemini model resource — each in its provider's wire format.
import type { RenderedBody, ReplyPlan } from '../reply-plan.ts';
import type { RecordedRequest } from '../types.ts';

const JSON_TYPE = 'application/json';
const GEMINI_JSON_TYPE = 'application/json; charset=UTF-8';
/** Vector length when the request names none (real models use 768–3072; tests need no more than a few). */
const DEFAULT_DIMENSIONS = 8;

/** A deterministic unit-length-ish vector derived from the text, so equal inputs embed equally. */
function vector(text: string, dimensions: number): number[] {
  let h = 2166136261;
  for (const ch of text) h = Math.imul(h ^ ch.codePointAt(0)!, 16777619) >>> 0;
  return Array.from({ length: dimensions }, (_, i) => {
    h = Math.imul(h ^ (i + 1), 2654435761) >>> 0;
    return Math.round(((h / 0xffffffff) * 2 - 1) * 1e6) / 1e6;
  });
}

function openaiInputs(input: unknown): string[] {
  if (typeof input === 'string') return [input];
  if (Array.isArray(input)) return input.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  return [];
}

/** POST /v1/embeddings (and Azure's deployment path): float arrays, or base64 float32 with encoding_format "base64". */
export function renderOpenAIEmbeddings(plan: ReplyPlan, req: RecordedRequest): RenderedBody {
  const body = req.body ?? {};
  const dims = typeof body.dimensions === 'number' ? body.dimensions : DEFAULT_DIMENSIONS;
  const base64 = body.encoding_format === 'base64';
  const data = openaiInputs(body.input).map((text, index) => {
    const values = vector(text, dims);
    let embedding: number[] | string = values;
    if (base64) {
      const buf = Buffer.alloc(values.length * 4);
      values.forEach((v, i) => buf.writeFloatLE(v, i * 4));
      embedding = buf.toString('base64');
    }
    return { object: 'embedding', index, embedding };
  });
  const usage = { prompt_tokens: plan.usage.input, total_tokens: plan.usage.input };
  return { status: 200, body: JSON.stringify({ object: 'list', data, model: plan.model, usage }), contentType: JSON_TYPE };
}

function geminiText(content: any): string {
  return (content?.parts ?? []).map((p: any) => p?.text ?? '').join('');
}

/**
 * :embedContent → `{embedding:{values}}`, :batchEmbedContents → `{embeddings:[{values}]}`; both with
 * `usageMetadata.promptTokenCount` (the reply's input tokens) as the Gemini API reports for embedding models.
 */
export function renderGeminiEmbeddings(plan: ReplyPlan, req: RecordedRequest, batch: boolean): RenderedBody {
  const body = req.body ?? {};
  const one = (r: any) => ({ values: vector(geminiText(r?.content), typeof r?.outputDimensionality === 'number' ? r.outputDimensionality : DEFAULT_DIMENSIONS) });
  const usageMetadata = { promptTokenCount: plan.usage.input, totalTokenCount: plan.usage.input };
  const out = batch ? { embeddings: (body.requests ?? []).map(one), usageMetadata } : { embedding: one(body), usageMetadata };
  return { status: 200, body: JSON.stringify(out), contentType: GEMINI_JSON_TYPE };
}

/** :countTokens → `{totalTokens, promptTokensDetails}`; the count is the reply's input tokens. */
export function renderGeminiCountTokens(plan: ReplyPlan): RenderedBody {
  const total = plan.usage.input;
  return {
    status: 200,
    body: JSON.stringify({ totalTokens: total, promptTokensDetails: [{ modality: 'TEXT', tokenCount: total }] }),
    contentType: GEMINI_JSON_TYPE,
  };
}

/** GET /v1beta/models/{model}: the Model resource. */
export function renderGeminiModel(model: string): RenderedBody {
  const embedding = model.includes('embedding');
  return {
    status: 200,
    body: JSON.stringify({
      name: `models/${model}`,
      version: '001',
      displayName: model,
      description: `Mock ${model}`,
      inputTokenLimit: embedding ? 2048 : 1_048_576,
      outputTokenLimit: embedding ? 1 : 65_536,
      supportedGenerationMethods: embedding ? ['embedContent', 'countTokens'] : ['generateContent', 'countTokens', 'createCachedContent', 'batchGenerateContent'],
      temperature: 1,
      topP: 0.95,
      topK: 64,
      maxTemperature: 2,
      thinking: !embedding,
    }),
    contentType: GEMINI_JSON_TYPE,
  };
}
