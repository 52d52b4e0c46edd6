/**
 * The ONE reading of a request's limits. Every client format is reduced here, once per request, to
 * what the upstream will actually receive: admission reserves for it, translation writes it, and a
 * passthrough body (sent as-is) is reserved for the largest maximum the upstream might honour. Two
 * readers of the same fields would one day disagree about money, so nothing else reads them.
 */
import type { WireFormat } from '@relay/core';
import { proxyError } from './proxy-error.ts';
import { INPUT_ONLY_ENDPOINTS, type Endpoint } from './endpoint.ts';
import type { OutputLimit } from './translate/index.ts';
import { anthropicThinkingBudget, budgetFromEffort, DYNAMIC_BUDGET } from './translate/requests/thinking.ts';
import { responsesThinkingBudget } from './translate/requests/responses.ts';

/** A body's shape: a wire format, or OpenAI's Responses API (endpoint `responses`). */
type BodyDialect = WireFormat | 'responses';

/** Largest maximum accepted from a client: every upstream takes int32 token counts. */
export const MAX_ACCEPTED_TOKENS = 2_147_483_647;
/** Anthropic refuses thinking budgets below this; a smaller one is raised to it when translating. */
const ANTHROPIC_MIN_THINKING_BUDGET = 1024;

/** The normalized limits of one request. */
export interface RequestLimits {
  /** Output tokens the upstream may produce at most per answer, and whether the client chose it (see OutputLimit). */
  output: OutputLimit;
  /**
   * Answers the upstream generates (OpenAI `n`, Gemini `candidateCount`; 1 otherwise): a passthrough
   * body asks for all of them, each up to the output limit, so the reservation covers every one.
   */
  choices: number;
  /** Estimated prompt tokens: a quarter of the body's bytes (settled to the real count afterwards). */
  inputTokens: number;
}

type Field = { name: string; value: unknown };

/** An integer in [min, max], null when absent; anything else is the client's 400 naming the field. */
function tokenCount(f: Field, min: number, max = MAX_ACCEPTED_TOKENS): number | null {
  if (f.value === undefined || f.value === null) return null;
  if (typeof f.value !== 'number' || !Number.isSafeInteger(f.value) || f.value < min || f.value > max) {
    throw proxyError('invalid_request', `${f.name} must be an integer between ${min} and ${max}, got ${JSON.stringify(f.value) ?? String(f.value)}`);
  }
  return f.value;
}

function objectAt(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/** Gemini's JSON accepts both the proto field names and their camelCase forms; upstream honours either. */
function geminiFields(body: Record<string, unknown>): { max: Field[]; thinking: Field[]; thinkingConfig: Record<string, unknown> } {
  const max: Field[] = [];
  const thinking: Field[] = [];
  let thinkingConfig: Record<string, unknown> = {};
  for (const cfgName of ['generationConfig', 'generation_config']) {
    const cfg = objectAt(body[cfgName]);
    for (const f of ['maxOutputTokens', 'max_output_tokens']) max.push({ name: `${cfgName}.${f}`, value: cfg[f] });
    for (const tcName of ['thinkingConfig', 'thinking_config']) {
      const tc = objectAt(cfg[tcName]);
      if (Object.keys(tc).length) thinkingConfig = tc;
      for (const f of ['thinkingBudget', 'thinking_budget']) thinking.push({ name: `${cfgName}.${tcName}.${f}`, value: tc[f] });
    }
  }
  return { max, thinking, thinkingConfig };
}

/** The client's maximum (largest of its fields) and its thinking budget in tokens (0 = none). */
function clientFigures(format: BodyDialect, body: Record<string, unknown>): { max: number | null; thinking: number } {
  const largest = (fields: Field[], min: number): number | null =>
    fields.reduce<number | null>((m, f) => {
      const v = tokenCount(f, min);
      return v === null ? m : Math.max(m ?? 0, v);
    }, null);
  switch (format) {
    case 'openai': {
      const max = largest([{ name: 'max_tokens', value: body.max_tokens }, { name: 'max_completion_tokens', value: body.max_completion_tokens }], 1);
      const effort = body.reasoning_effort;
      // Any truthy effort is a thinking request to the translators (unknown values count as medium).
      return { max, thinking: effort ? budgetFromEffort(String(effort)) : 0 };
    }
    case 'anthropic': {
      const max = tokenCount({ name: 'max_tokens', value: body.max_tokens }, 1);
      const thinking = objectAt(body.thinking);
      if (thinking.type === 'enabled') tokenCount({ name: 'thinking.budget_tokens', value: thinking.budget_tokens }, 0);
      return { max, thinking: anthropicThinkingBudget(body).budget ?? 0 };
    }
    case 'responses': {
      const max = tokenCount({ name: 'max_output_tokens', value: body.max_output_tokens }, 1);
      const effort = objectAt(body.reasoning).effort;
      if (effort !== undefined && effort !== null && typeof effort !== 'string') {
        throw proxyError('invalid_request', `reasoning.effort must be a string, got ${JSON.stringify(effort)}`);
      }
      return { max, thinking: responsesThinkingBudget(body) ?? 0 };
    }
    case 'gemini': {
      const g = geminiFields(body);
      const max = largest(g.max, 1);
      const budget = largest(g.thinking, -1);
      let thinking = 0;
      if (budget !== null) thinking = budget < 0 ? DYNAMIC_BUDGET : budget;
      else if (typeof g.thinkingConfig.thinkingLevel === 'string') thinking = budgetFromEffort(g.thinkingConfig.thinkingLevel.toLowerCase());
      else if (g.thinkingConfig.includeThoughts) thinking = DYNAMIC_BUDGET;
      return { max, thinking };
    }
    default: {
      const never: never = format;
      return never;
    }
  }
}

/**
 * The output limit a request runs under. The client's largest maximum field when it set one (a
 * passthrough body goes out with all of them, and the upstream may honour any), else the model's
 * real maximum output — never a small default a client could exceed. A thinking budget at or above
 * the answer limit is added on top of it, as the Anthropic translation must (its max_tokens has to
 * exceed the budget), so the figure bounds every target.
 */
export function readOutputLimit(format: BodyDialect, body: Record<string, unknown>, modelMaxOutput: number): OutputLimit {
  const { max, thinking } = clientFigures(format, body);
  let maxTokens = max ?? modelMaxOutput;
  if (thinking > 0) {
    const budget = Math.max(ANTHROPIC_MIN_THINKING_BUDGET, thinking);
    if (maxTokens <= budget) maxTokens += budget;
  }
  return { maxTokens, clientSet: max !== null };
}

/** OpenAI accepts at most 128 choices per request; Gemini fewer. */
const MAX_CHOICES = 128;

/** How many answers the request asks for (400 naming the field when it is not an integer in [1, 128]). */
function readChoices(format: WireFormat, body: Record<string, unknown>): number {
  const fields: Field[] = format === 'openai'
    ? [{ name: 'n', value: body.n }]
    : format === 'gemini'
      ? ['generationConfig', 'generation_config'].flatMap((cfg) => ['candidateCount', 'candidate_count'].map((f) => ({ name: `${cfg}.${f}`, value: objectAt(body[cfg])[f] })))
      : [];
  return fields.reduce((choices, f) => Math.max(choices, tokenCount(f, 1, MAX_CHOICES) ?? 1), 1);
}

/**
 * Reads a request's limits once (400 in the client's format for a maximum or a choice count that is
 * not an integer in range). Token counting and embeddings (INPUT_ONLY_ENDPOINTS) produce no output, so they reserve none. The
 * Responses API (endpoint `responses`, format `openai`) reads `max_output_tokens` and `reasoning.effort`.
 */
export function readRequestLimits(format: WireFormat, endpoint: Endpoint, body: Record<string, unknown>, bodyBytes: number, modelMaxOutput: number): RequestLimits {
  const output = readOutputLimit(endpoint === 'responses' ? 'responses' : format, body, modelMaxOutput);
  return {
    output: INPUT_ONLY_ENDPOINTS.has(endpoint) ? { maxTokens: 0, clientSet: output.clientSet } : output,
    choices: endpoint === 'responses' ? 1 : readChoices(format, body),
    inputTokens: Math.ceil(bodyBytes / 4),
  };
}
