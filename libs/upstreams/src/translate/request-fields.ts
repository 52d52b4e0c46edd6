/**
 * Request fields that cannot cross a given direction. "Unsupported" ones change the answer, so the
 * request is refused (400 naming the field); "dropped" ones are harmless and silently left out —
 * the proxy can debug-log them with {@link droppedFields}.
 */
import type { WireFormat } from '@relay/core';
import { UnsupportedFeatureError } from './errors.ts';

interface FieldRule {
  /** Dotted path in the client body, also the name reported to the client. */
  field: string;
  /** When the value matters; default: any value other than null/undefined. */
  when?: (v: any) => boolean;
}

const nonZero = (v: any): boolean => typeof v === 'number' && v !== 0;
const moreThanOne = (v: any): boolean => typeof v === 'number' && v > 1;
const isTrue = (v: any): boolean => v === true;
const nonEmptyObject = (v: any): boolean => v != null && typeof v === 'object' && Object.keys(v).length > 0;
const nonTextModalities = (v: any): boolean => Array.isArray(v) && v.some((m) => String(m).toLowerCase() !== 'text');
const nonTextFormat = (v: any): boolean => v != null && v.type !== 'text';
const jsonMime = (v: any): boolean => typeof v === 'string' && v !== 'text/plain';

const OPENAI_EVERYWHERE: FieldRule[] = [
  { field: 'n', when: moreThanOne },
  { field: 'logprobs', when: isTrue },
  { field: 'top_logprobs', when: nonZero },
  { field: 'logit_bias', when: nonEmptyObject },
  { field: 'audio' },
  { field: 'modalities', when: nonTextModalities },
  { field: 'prediction' },
  { field: 'web_search_options' },
  { field: 'functions' },
  { field: 'function_call' },
];
const GEMINI_EVERYWHERE: FieldRule[] = [
  { field: 'generationConfig.candidateCount', when: moreThanOne },
  { field: 'generationConfig.responseLogprobs', when: isTrue },
  { field: 'generationConfig.logprobs' },
  { field: 'generationConfig.responseModalities', when: nonTextModalities },
  { field: 'generationConfig.speechConfig' },
  { field: 'cachedContent' },
];
const nonEmptyArray = (v: any): boolean => !Array.isArray(v) || v.length > 0;
const nonEmptyValue = (v: any): boolean => v !== '' && !(typeof v === 'object' && Object.keys(v).length === 0);
/**
 * A code-execution container or MCP servers run inside Anthropic: refused when the client really uses
 * them, left out when empty. `context_management` only steers how Anthropic trims its own context
 * (Claude Code always sends it) and is dropped, as are cache_control hints and the betas, which are headers.
 */
const ANTHROPIC_EVERYWHERE: FieldRule[] = [{ field: 'container', when: nonEmptyValue }, { field: 'mcp_servers', when: nonEmptyArray }];

/** Client fields refused per direction: UNSUPPORTED_FIELDS[from][to]. */
export const UNSUPPORTED_FIELDS: Readonly<Record<WireFormat, Readonly<Record<WireFormat, readonly FieldRule[]>>>> = {
  openai: {
    openai: [],
    anthropic: [
      ...OPENAI_EVERYWHERE,
      { field: 'presence_penalty', when: nonZero },
      { field: 'frequency_penalty', when: nonZero },
      { field: 'response_format', when: nonTextFormat },
    ],
    gemini: OPENAI_EVERYWHERE,
  },
  anthropic: {
    anthropic: [],
    openai: [...ANTHROPIC_EVERYWHERE, { field: 'top_k' }],
    gemini: ANTHROPIC_EVERYWHERE,
  },
  gemini: {
    gemini: [],
    openai: [...GEMINI_EVERYWHERE, { field: 'generationConfig.topK' }],
    anthropic: [
      ...GEMINI_EVERYWHERE,
      { field: 'generationConfig.presencePenalty', when: nonZero },
      { field: 'generationConfig.frequencyPenalty', when: nonZero },
      { field: 'generationConfig.responseMimeType', when: jsonMime },
      { field: 'generationConfig.responseSchema' },
      { field: 'generationConfig.responseJsonSchema' },
    ],
  },
};

/**
 * Client fields silently left out per direction: DROPPED_FIELDS[from][to]. They do not change the
 * answer (tracking ids, storage and tier hints, cache hints, safety settings of another vendor).
 */
export const DROPPED_FIELDS: Readonly<Record<WireFormat, Readonly<Record<WireFormat, readonly string[]>>>> = {
  openai: {
    openai: [],
    anthropic: ['user', 'metadata', 'store', 'service_tier', 'seed', 'safety_identifier', 'prompt_cache_key', 'verbosity'],
    gemini: ['user', 'metadata', 'store', 'service_tier', 'parallel_tool_calls', 'safety_identifier', 'prompt_cache_key', 'verbosity'],
  },
  anthropic: {
    anthropic: [],
    openai: ['metadata', 'service_tier', 'context_management', 'container', 'mcp_servers'],
    gemini: ['metadata', 'service_tier', 'tool_choice.disable_parallel_tool_use', 'context_management', 'container', 'mcp_servers'],
  },
  gemini: {
    gemini: [],
    openai: ['safetySettings', 'labels', 'generationConfig.mediaResolution'],
    anthropic: ['safetySettings', 'labels', 'generationConfig.mediaResolution', 'generationConfig.seed'],
  },
};

function at(body: any, path: string): unknown {
  let v = body;
  for (const k of path.split('.')) v = v == null ? undefined : v[k];
  return v;
}

/** Throws {@link UnsupportedFeatureError} for the first client field the target cannot express. */
export function assertFieldsSupported(from: WireFormat, to: WireFormat, body: any): void {
  for (const rule of UNSUPPORTED_FIELDS[from][to]) {
    const v = at(body, rule.field);
    if (v === undefined || v === null) continue;
    if (!rule.when || rule.when(v)) throw new UnsupportedFeatureError(rule.field);
  }
}

/** The fields of `body` that a translation from → to leaves out (for debug logs). */
export function droppedFields(from: WireFormat, to: WireFormat, body: any): string[] {
  return DROPPED_FIELDS[from][to].filter((f) => at(body, f) !== undefined);
}
