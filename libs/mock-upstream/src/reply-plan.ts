import { randomBytes } from 'node:crypto';
import type { MockReply, MockToolCall, RecordedRequest } from './types.ts';

export const DEFAULT_TEXT = 'Hello from mock';
const DEFAULT_CHUNKS = 5;
/** Tool-call arguments are streamed in this many fragments so clients must reassemble them. */
const ARGUMENT_FRAGMENTS = 3;

/** A tool call with everything a format needs: id, serialised arguments and their stream fragments. */
export interface PlannedToolCall extends MockToolCall {
  id: string;
  argumentsJson: string;
  argumentFragments: string[];
}

/** A MockReply with defaults applied and text split for streaming; formats render only from this. */
export interface ReplyPlan {
  text: string;
  textChunks: string[];
  thinking: string;
  thinkingChunks: string[];
  toolCalls: PlannedToolCall[];
  usage: { input: number; output: number; cacheCreation: number; cacheRead: number; cacheCreation1h: number };
  finishReason: 'stop' | 'length' | 'tool_calls';
  ping: boolean;
  midStreamError: boolean;
  /** Model echoed in responses. */
  model: string;
  /** Whether the client asked for the OpenAI usage chunk (stream_options.include_usage). */
  includeUsage: boolean;
  /** Date.now() when the request arrived (for latency metrics). */
  receivedAt: number;
}

/** Splits `text` into at most `parts` pieces of near-equal length without cutting code points. */
export function splitText(text: string, parts: number): string[] {
  if (text === '') return [];
  const chars = Array.from(text);
  const count = Math.max(1, Math.min(Math.floor(parts), chars.length));
  const size = Math.ceil(chars.length / count);
  const pieces: string[] = [];
  for (let i = 0; i < chars.length; i += size) pieces.push(chars.slice(i, i + size).join(''));
  return pieces;
}

/** A provider-looking random id suffix. */
export function randomId(bytes = 12): string {
  return randomBytes(bytes).toString('base64url');
}

/** The largest output maximum a request carries in its own format, or null. */
export function requestedMaxOutput(req: RecordedRequest): number | null {
  const b = req.body ?? {};
  const candidates: unknown[] = [];
  if (req.format === 'gemini') {
    for (const cfg of [b.generationConfig, b.generation_config]) candidates.push(cfg?.maxOutputTokens, cfg?.max_output_tokens);
  } else {
    candidates.push(b.max_tokens, b.max_completion_tokens, b.max_output_tokens);
  }
  const numbers = candidates.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return numbers.length ? Math.max(...numbers) : null;
}

/** Applies MockReply defaults for one request. */
export function planReply(reply: MockReply, req: RecordedRequest, receivedAt: number): ReplyPlan {
  const text = reply.text ?? DEFAULT_TEXT;
  const chunks = reply.chunks ?? DEFAULT_CHUNKS;
  const textChunks = splitText(text, chunks);
  const thinking = reply.thinking ?? '';
  const toolCalls = (reply.toolCalls ?? []).map((call): PlannedToolCall => {
    const argumentsJson = JSON.stringify(call.arguments ?? {});
    return {
      ...call,
      id: call.id ?? `call_${randomId(9)}`,
      argumentsJson,
      argumentFragments: splitText(argumentsJson, ARGUMENT_FRAGMENTS),
    };
  });
  const usage = {
    input: reply.usage?.input ?? 10,
    output: reply.outputEqualsMax
      ? (requestedMaxOutput(req) ?? reply.outputEqualsMax.whenAbsent)
      : (reply.usage?.output ?? (textChunks.length || DEFAULT_CHUNKS)),
    cacheCreation: reply.usage?.cacheCreation ?? 0,
    cacheRead: reply.usage?.cacheRead ?? 0,
    cacheCreation1h: reply.usage?.cacheCreation1h ?? 0,
  };
  return {
    text,
    textChunks,
    thinking,
    thinkingChunks: splitText(thinking, chunks),
    toolCalls,
    usage,
    finishReason: reply.finishReason ?? (toolCalls.length > 0 ? 'tool_calls' : 'stop'),
    ping: reply.ping ?? true,
    midStreamError: reply.midStreamError ?? false,
    model: req.model ?? 'mock-model',
    includeUsage: req.body?.stream_options?.include_usage === true,
    receivedAt,
  };
}

/**
 * One piece of a streamed response; `content` marks frames that carry model output (counted by
 * breakAfterChunks). `data` may be a function when the frame reports timings known only at write time.
 */
export interface StreamFrame { data: string | Uint8Array | (() => string | Uint8Array); content: boolean }

/** A streamed response: its content type and the frames in order. */
export interface RenderedStream { contentType: string; frames: StreamFrame[] }

/** A non-streamed response. */
export interface RenderedBody { status: number; headers?: Record<string, string>; body: string; contentType: string }
