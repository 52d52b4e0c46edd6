/**
 * The neutral (hub) model every translation passes through: each wire format has one reader into
 * it and one writer out of it, so six directions cost three readers + three writers per kind
 * instead of six hand-written pairs, and a fix in one reader helps every direction.
 */
import { UnsupportedFeatureError } from './errors.ts';
import type { SseEvent } from '../sse-decoder.ts';

/** Why the model stopped, in the vocabulary common to all three formats. */
export type NeutralFinish = 'stop' | 'stop_sequence' | 'length' | 'tool_calls' | 'content_filter';

/** One piece of message content in any format. */
export type NeutralPart =
  | { type: 'text'; text: string }
  /** Inline bytes (base64) of an image or document. */
  | { type: 'media'; mediaType: string; data: string }
  /** A media item referenced by an http(s) URL. */
  | { type: 'media_url'; url: string }
  | { type: 'thinking'; text: string; signature?: string }
  /** A call the model made. `args` is the parsed JSON object. */
  | { type: 'tool_call'; id: string; name: string; args: Record<string, unknown> }
  | { type: 'tool_result'; id: string; name: string; content: string; isError?: boolean };

/** A turn; tool results travel in user turns (as in Anthropic and Gemini). */
export interface NeutralMessage {
  role: 'user' | 'assistant';
  parts: NeutralPart[];
}

/** A function the model may call. */
export interface NeutralTool {
  name: string;
  description?: string;
  /** JSON Schema of the arguments object. */
  schema: Record<string, unknown>;
}

/** Whether and which tool the model must call. */
export type NeutralToolChoice = { type: 'auto' } | { type: 'none' } | { type: 'required' } | { type: 'tool'; name: string };

/** Everything a chat request says that more than one format can express. */
export interface NeutralRequest {
  system?: string;
  messages: NeutralMessage[];
  tools?: NeutralTool[];
  toolChoice?: NeutralToolChoice;
  /** false when the client forbade parallel tool calls. */
  parallelToolCalls?: boolean;
  stop?: string[];
  /** Set by translateRequest from the request's one OutputLimit, never by a format reader. */
  maxTokens?: number;
  temperature?: number;
  topP?: number;
  topK?: number;
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  /** Thinking budget in tokens (0 = thinking requested off). */
  thinkingBudget?: number;
  /**
   * The effort the client named (Anthropic `output_config.effort` or adaptive thinking): targets with
   * an effort control of their own (OpenAI `reasoning_effort`) take it rather than a figure derived from the budget.
   */
  reasoningEffort?: 'low' | 'medium' | 'high';
  /**
   * The client let the model decide (Anthropic adaptive thinking, or an effort alone; Claude Code sends
   * both on every request): a target model without reasoning controls gets none, rather than an error.
   */
  reasoningOptional?: boolean;
  /** Ask for a JSON object answer; `schema` when the client gave one. */
  jsonOutput?: { schema?: Record<string, unknown> };
}

/**
 * Usage in one shape for billing. `inputTokens` excludes cache writes and reads, which are counted
 * apart (Anthropic's convention); `outputTokens` includes reasoning/thought tokens.
 */
export interface NeutralUsage {
  inputTokens: number;
  outputTokens: number;
  cacheCreationInputTokens: number;
  cacheReadInputTokens: number;
  /** The part of `cacheCreationInputTokens` written with the 1-hour lifetime (billed at its own price); absent = none. */
  cacheCreation1hInputTokens?: number;
}
/** Usage plus the reasoning share of the output, which OpenAI and Gemini clients are shown. */
export interface DetailedUsage extends NeutralUsage {
  reasoningTokens?: number;
}

/** A whole (non-streamed) answer: choice/candidate 0. */
export interface NeutralResponse {
  parts: NeutralPart[];
  finish: NeutralFinish;
  stopSequence?: string;
  usage: DetailedUsage;
}

/** One streamed happening, format-free. `key` identifies a tool call within the upstream stream. */
export type StreamEvent =
  | { type: 'start'; usage?: Partial<DetailedUsage> }
  | { type: 'text'; text: string }
  | { type: 'thinking'; text: string }
  | { type: 'signature'; signature: string }
  | { type: 'tool_start'; key: string; id: string; name: string }
  | { type: 'tool_args'; key: string; fragment: string }
  | { type: 'finish'; finish: NeutralFinish; stopSequence?: string }
  | { type: 'usage'; usage: Partial<DetailedUsage> }
  | { type: 'error'; status: number; message: string };

/** Reads one upstream format's SSE events into neutral stream events. */
export interface StreamReader {
  push(ev: SseEvent): StreamEvent[];
}
/** Writes neutral stream events as one client format's SSE text. */
export interface StreamWriter {
  write(ev: StreamEvent): string;
  end(): string;
}

/** Start value for usage accumulators (copy it, never mutate). */
export const ZERO_USAGE: DetailedUsage = { inputTokens: 0, outputTokens: 0, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };

/** Splits a `data:` URL into media type and base64 payload; null for any other URL. */
export function parseDataUrl(url: string): { mediaType: string; data: string } | null {
  const m = /^data:([^;,]+)?((?:;[^;,]+)*?);base64,(.*)$/s.exec(url);
  if (!m) return null;
  return { mediaType: m[1] ?? 'application/octet-stream', data: m[3] };
}

/** Parses streamed/serialised tool arguments; an empty string means no arguments. */
export function parseToolArgs(text: string | undefined): Record<string, unknown> {
  if (!text || text.trim() === '') return {};
  try {
    const v: unknown = JSON.parse(text);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // Models occasionally emit invalid JSON; keep the text so nothing the model said is lost.
  }
  return { _raw: text };
}

/** Joins text-like content (string or an array of text parts/blocks) into one string. */
export function textOf(content: unknown, feature: string): string {
  if (content == null) return '';
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((p: any) => {
        if (p?.type === 'text' || typeof p?.text === 'string') return String(p.text ?? '');
        throw new UnsupportedFeatureError(`${feature}.${p?.type ?? 'unknown'}`);
      })
      .join('');
  }
  throw new UnsupportedFeatureError(feature);
}

/** Copies `value` into `target[key]` only when it is defined (keeps translated bodies free of undefined keys). */
export function setIf<T extends object, K extends string>(target: T, key: K, value: unknown): void {
  if (value !== undefined && value !== null) (target as Record<string, unknown>)[key] = value;
}
