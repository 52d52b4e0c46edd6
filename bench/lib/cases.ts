// The request shapes the benchmark sends: one per case, the same bytes direct to the mock and
// through the proxy. The mock answers every one with 20 text chunks and a usage figure.

/** Plaintext key clients send to the proxy (hashed into the bench snapshot). */
export const BENCH_KEY = 'sk-relay-bench-0000000000000000000000000000';
/** Text every default reply is split into (20 chunks in a stream). */
export const CHUNKS = 20;

export type CaseId = 'openai-json' | 'openai-sse' | 'anthropic-json' | 'anthropic-sse' | 'translated-json' | 'translated-sse';

export interface BenchCase {
  id: CaseId;
  title: string;
  stream: boolean;
  /** Path on the proxy. */
  proxyPath: string;
  /** Path on the mock for the direct baseline (the upstream's own route). */
  directPath: string;
  /** Headers sent to both (the proxy ignores the upstream ones, the mock ignores the key). */
  headers: Record<string, string>;
  body: string;
  /** For a translated case the direct baseline sends the upstream's body, not the client's. */
  directBody?: string;
  directHeaders?: Record<string, string>;
}

const OPENAI_MODEL = 'gpt-4o';
const ANTHROPIC_MODEL = 'claude-sonnet-4-20250514';
const PROMPT = 'Summarise the benefits of connection pooling in two sentences.';

function openaiBody(stream: boolean, model = OPENAI_MODEL, prompt = PROMPT): string {
  return JSON.stringify({
    model, max_tokens: 256, messages: [{ role: 'user', content: prompt }],
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  });
}

function anthropicBody(stream: boolean, prompt = PROMPT): string {
  return JSON.stringify({ model: ANTHROPIC_MODEL, max_tokens: 256, messages: [{ role: 'user', content: prompt }], ...(stream ? { stream: true } : {}) });
}

const openaiHeaders = { 'content-type': 'application/json', authorization: `Bearer ${BENCH_KEY}` };
const anthropicHeaders = { 'content-type': 'application/json', 'x-api-key': BENCH_KEY, 'anthropic-version': '2023-06-01' };

/** The six load cases: four passthrough, two translated (OpenAI client → Anthropic account). */
export const CASES: BenchCase[] = [
  { id: 'openai-json', title: 'OpenAI JSON', stream: false, proxyPath: '/v1/chat/completions', directPath: '/v1/chat/completions', headers: openaiHeaders, body: openaiBody(false) },
  { id: 'openai-sse', title: 'OpenAI SSE (20 chunks + usage)', stream: true, proxyPath: '/v1/chat/completions', directPath: '/v1/chat/completions', headers: openaiHeaders, body: openaiBody(true) },
  { id: 'anthropic-json', title: 'Anthropic JSON', stream: false, proxyPath: '/v1/messages', directPath: '/v1/messages', headers: anthropicHeaders, body: anthropicBody(false) },
  { id: 'anthropic-sse', title: 'Anthropic SSE (20 deltas)', stream: true, proxyPath: '/v1/messages', directPath: '/v1/messages', headers: anthropicHeaders, body: anthropicBody(true) },
  {
    id: 'translated-json', title: 'Translated JSON (OpenAI → Anthropic)', stream: false, proxyPath: '/v1/chat/completions', directPath: '/v1/messages',
    headers: openaiHeaders, body: openaiBody(false, ANTHROPIC_MODEL), directHeaders: anthropicHeaders, directBody: anthropicBody(false),
  },
  {
    id: 'translated-sse', title: 'Translated SSE (OpenAI → Anthropic)', stream: true, proxyPath: '/v1/chat/completions', directPath: '/v1/messages',
    headers: openaiHeaders, body: openaiBody(true, ANTHROPIC_MODEL), directHeaders: anthropicHeaders, directBody: anthropicBody(true),
  },
];

/** A prompt the mock recognises: stream `chunks` chunks, `delayMs` apart (see mock-server.ts). */
export function slowPrompt(delayMs: number, chunks: number): string {
  return `bench-slow-${delayMs}-${chunks}`;
}

/** A slow streaming request in a case's shape (same path and headers, the slow prompt). */
export function slowRequest(c: CaseId, delayMs: number, chunks: number, direct: boolean): { path: string; headers: Record<string, string>; body: string } {
  const prompt = slowPrompt(delayMs, chunks);
  switch (c) {
    case 'openai-sse': return { path: '/v1/chat/completions', headers: openaiHeaders, body: openaiBody(true, OPENAI_MODEL, prompt) };
    case 'anthropic-sse': return { path: '/v1/messages', headers: anthropicHeaders, body: anthropicBody(true, prompt) };
    case 'translated-sse':
      return direct
        ? { path: '/v1/messages', headers: anthropicHeaders, body: anthropicBody(true, prompt) }
        : { path: '/v1/chat/completions', headers: openaiHeaders, body: openaiBody(true, ANTHROPIC_MODEL, prompt) };
    default: throw new Error(`no slow variant of ${c}`);
  }
}
