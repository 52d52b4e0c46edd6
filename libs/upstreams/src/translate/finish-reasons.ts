import type { NeutralFinish } from './neutral.ts';

/** OpenAI finish_reason → neutral. Unknown values read as a normal stop. */
export function finishFromOpenai(reason: string | null | undefined): NeutralFinish {
  switch (reason) {
    case 'length': return 'length';
    case 'tool_calls':
    case 'function_call': return 'tool_calls';
    case 'content_filter': return 'content_filter';
    default: return 'stop';
  }
}

/** Anthropic stop_reason → neutral. `refusal` is the closest thing to a content filter. */
export function finishFromAnthropic(reason: string | null | undefined): NeutralFinish {
  switch (reason) {
    case 'max_tokens':
    case 'model_context_window_exceeded': return 'length';
    case 'stop_sequence': return 'stop_sequence';
    case 'tool_use': return 'tool_calls';
    case 'refusal': return 'content_filter';
    default: return 'stop';
  }
}

/** Gemini finishReason → neutral. Gemini says STOP even after function calls, so the caller passes whether it saw one. */
export function finishFromGemini(reason: string | null | undefined, sawToolCall: boolean): NeutralFinish {
  switch (reason) {
    case 'MAX_TOKENS': return 'length';
    case 'SAFETY':
    case 'RECITATION':
    case 'BLOCKLIST':
    case 'PROHIBITED_CONTENT':
    case 'SPII':
    case 'IMAGE_SAFETY': return 'content_filter';
    default: return sawToolCall ? 'tool_calls' : 'stop';
  }
}

/** Neutral → OpenAI finish_reason (a stop sequence is a plain `stop` there). */
export function finishToOpenai(f: NeutralFinish): 'stop' | 'length' | 'tool_calls' | 'content_filter' {
  switch (f) {
    case 'stop':
    case 'stop_sequence': return 'stop';
    case 'length': return 'length';
    case 'tool_calls': return 'tool_calls';
    case 'content_filter': return 'content_filter';
    default: { const never: never = f; return never; }
  }
}

/** Neutral → Anthropic stop_reason (a content filter is reported as `refusal`). */
export function finishToAnthropic(f: NeutralFinish): 'end_turn' | 'stop_sequence' | 'max_tokens' | 'tool_use' | 'refusal' {
  switch (f) {
    case 'stop': return 'end_turn';
    case 'stop_sequence': return 'stop_sequence';
    case 'length': return 'max_tokens';
    case 'tool_calls': return 'tool_use';
    case 'content_filter': return 'refusal';
    default: { const never: never = f; return never; }
  }
}

/** Neutral → Gemini finishReason (tool calls end with STOP there). */
export function finishToGemini(f: NeutralFinish): 'STOP' | 'MAX_TOKENS' | 'SAFETY' {
  switch (f) {
    case 'stop':
    case 'stop_sequence':
    case 'tool_calls': return 'STOP';
    case 'length': return 'MAX_TOKENS';
    case 'content_filter': return 'SAFETY';
    default: { const never: never = f; return never; }
  }
}
