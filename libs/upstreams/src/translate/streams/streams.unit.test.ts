import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WireFormat } from '@relay/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SseDecoder } from '../../sse-decoder.ts';
import { createStreamTranslator } from '../index.ts';
import { decodeAll, reassemble, type ReassembledStream } from './client-stream.test-helper.ts';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '__fixtures__');
const OPTS = { clientModel: 'client-model', requestId: 'req_golden1', includeUsage: true };
const NOW = new Date('2026-01-02T03:04:05Z');

/** Runs upstream bytes through SseDecoder + translator, feeding the given chunks. */
function translate(upstream: WireFormat, client: WireFormat, chunks: Uint8Array[], includeUsage = true): string {
  const decoder = new SseDecoder();
  const tr = createStreamTranslator(upstream, client, { ...OPTS, includeUsage });
  let out = '';
  for (const c of chunks) for (const ev of decoder.push(c)) out += tr.push(ev);
  for (const ev of decoder.end()) out += tr.push(ev);
  return out + tr.end();
}

function golden(name: string, actual: string): void {
  const file = join(FIXTURES, 'golden', name);
  if (process.env.UPDATE_GOLDEN === '1') {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, actual);
  }
  if (!existsSync(file)) throw new Error(`golden file ${name} missing: run with UPDATE_GOLDEN=1 and review it`);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

type Expected = Partial<Record<WireFormat, Partial<ReassembledStream>>>;
const weather = { city: 'München', unit: 'celsius' };
const CASES: { fixture: string; upstream: WireFormat; expect: Expected }[] = [
  {
    fixture: 'openai-text.sse', upstream: 'openai', expect: {
      anthropic: { text: 'héllo 世界 🎉', finish: 'end_turn', usage: { input_tokens: 176, cache_creation_input_tokens: 0, cache_read_input_tokens: 1024, output_tokens: 7 } },
      gemini: { text: 'héllo 世界 🎉', finish: 'STOP', usage: { promptTokenCount: 1200, candidatesTokenCount: 7, totalTokenCount: 1207, cachedContentTokenCount: 1024 } },
    },
  },
  {
    fixture: 'openai-tool-calls.sse', upstream: 'openai', expect: {
      anthropic: {
        text: '', finish: 'tool_use',
        toolCalls: [{ id: 'call_Qm3bXk9T2fLr8sNwYpV4cJ1d', name: 'get_weather', args: weather }, { id: 'call_7HcVd2LkP0aZsQ1mX9rT5eWn', name: 'get_time', args: { tz: 'Europe/Berlin' } }],
        usage: { input_tokens: 85, cache_creation_input_tokens: 0, cache_read_input_tokens: 0, output_tokens: 40 },
      },
      gemini: { finish: 'STOP', toolCalls: [{ name: 'get_weather', args: weather }, { name: 'get_time', args: { tz: 'Europe/Berlin' } }] },
    },
  },
  {
    fixture: 'openai-error-midway.sse', upstream: 'openai', expect: {
      anthropic: { text: 'Partial answ', finish: null, error: { type: 'api_error', message: 'The server had an error while processing your request. Sorry about that!' } },
      gemini: { text: 'Partial answ', finish: null, error: { code: 502, message: 'The server had an error while processing your request. Sorry about that!', status: 'UNAVAILABLE' } },
    },
  },
  {
    fixture: 'anthropic-text-ping.sse', upstream: 'anthropic', expect: {
      openai: { text: 'héllo 世界 🎉', finish: 'stop', usage: { prompt_tokens: 2173, completion_tokens: 9, total_tokens: 2182, prompt_tokens_details: { cached_tokens: 2048 } } },
      gemini: { text: 'héllo 世界 🎉', finish: 'STOP', usage: { promptTokenCount: 2173, candidatesTokenCount: 9, totalTokenCount: 2182, cachedContentTokenCount: 2048 } },
    },
  },
  {
    fixture: 'anthropic-thinking-tool.sse', upstream: 'anthropic', expect: {
      openai: {
        thinking: 'The user wants the weather in Munich.', text: 'Let me check that.', finish: 'tool_calls',
        toolCalls: [{ id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather', args: weather }],
        usage: { prompt_tokens: 480, completion_tokens: 89, total_tokens: 569, prompt_tokens_details: { cached_tokens: 0 } },
      },
      gemini: { thinking: 'The user wants the weather in Munich.', text: 'Let me check that.', finish: 'STOP', toolCalls: [{ name: 'get_weather', args: weather }] },
    },
  },
  {
    fixture: 'anthropic-error-midway.sse', upstream: 'anthropic', expect: {
      openai: { text: 'Partial answ', finish: null, usage: null, error: { message: 'Overloaded', type: 'server_error', param: null, code: 'overloaded' } },
      gemini: { text: 'Partial answ', error: { code: 503, message: 'Overloaded', status: 'UNAVAILABLE' } },
    },
  },
  {
    fixture: 'gemini-text-thoughts.sse', upstream: 'gemini', expect: {
      openai: {
        thinking: '**Greeting the user**\n\nA short friendly reply.', text: 'héllo 世界 🎉', finish: 'stop',
        usage: { prompt_tokens: 1500, completion_tokens: 39, total_tokens: 1539, prompt_tokens_details: { cached_tokens: 1024 }, completion_tokens_details: { reasoning_tokens: 31 } },
      },
      anthropic: {
        thinking: '**Greeting the user**\n\nA short friendly reply.', text: 'héllo 世界 🎉', finish: 'end_turn',
        usage: { input_tokens: 476, cache_creation_input_tokens: 0, cache_read_input_tokens: 1024, output_tokens: 39 },
      },
    },
  },
  {
    fixture: 'gemini-tool-calls.sse', upstream: 'gemini', expect: {
      openai: { text: 'Checking both.', finish: 'tool_calls', toolCalls: [{ id: 'call_1', name: 'get_weather', args: weather }, { id: 'call_2', name: 'get_time', args: { tz: 'Europe/Berlin' } }] },
      anthropic: { text: 'Checking both.', finish: 'tool_use', toolCalls: [{ id: 'call_1', name: 'get_weather', args: weather }, { id: 'call_2', name: 'get_time', args: { tz: 'Europe/Berlin' } }] },
    },
  },
  {
    fixture: 'gemini-error-midway.sse', upstream: 'gemini', expect: {
      openai: { text: 'Partial answ', finish: null, error: { message: 'The model is overloaded. Please try again later.', type: 'server_error', param: null, code: 'overloaded' } },
      anthropic: { text: 'Partial answ', finish: null, error: { type: 'overloaded_error', message: 'The model is overloaded. Please try again later.' } },
    },
  },
];

beforeAll(() => { vi.useFakeTimers({ toFake: ['Date'] }); vi.setSystemTime(NOW); });
afterAll(() => { vi.useRealTimers(); });

describe.each(CASES)('stream $fixture', ({ fixture, upstream, expect: expected }) => {
  const bytes = readFileSync(join(FIXTURES, 'upstream', fixture));
  describe.each(Object.keys(expected) as WireFormat[])('→ %s client', (client) => {
    // Computed inside each test: the fake clock (for `created`) is only set once tests run.
    const run = (): string => translate(upstream, client, [bytes]);

    it('matches the golden client stream', () => {
      golden(`${fixture.replace(/\.sse$/, '')}.to-${client}.sse`, run());
    });

    it('reassembles to the upstream content, finish reason and usage', () => {
      const got = reassemble(client, run());
      expect(got).toMatchObject(expected[client]!);
    });

    it('gives the same output whatever byte boundary the network splits at', () => {
      const whole = run();
      for (let cut = 1; cut < bytes.length; cut++) {
        expect(translate(upstream, client, [bytes.subarray(0, cut), bytes.subarray(cut)])).toBe(whole);
      }
      const oneByteChunks = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
      expect(translate(upstream, client, oneByteChunks)).toBe(whole);
    });

    it('answers the first upstream text delta at once', () => {
      const tr = createStreamTranslator(upstream, client, OPTS);
      const firstText = expected[client]!.text?.slice(0, 2);
      if (!firstText) return;
      for (const ev of decodeAll(bytes.toString('utf8'))) {
        const out = tr.push(ev);
        if (ev.data.includes(firstText)) {
          expect(out).toContain(firstText);
          return;
        }
      }
      throw new Error('fixture has no text');
    });
  });
});

describe('OpenAI client stream options', () => {
  const bytes = readFileSync(join(FIXTURES, 'upstream', 'anthropic-text-ping.sse'));

  it('leaves the usage chunk out when the client did not ask for it, still ending with [DONE]', () => {
    const out = translate('anthropic', 'openai', [bytes], false);
    const events = decodeAll(out);
    expect(events.at(-1)!.data).toBe('[DONE]');
    expect(events.slice(0, -1).every((e) => JSON.parse(e.data).choices.length === 1)).toBe(true);
    expect(reassemble('openai', out)).toMatchObject({ text: 'héllo 世界 🎉', usage: null, finish: 'stop' });
  });

  it('reports an upstream that stopped without a finish reason as an error, not a clean end', () => {
    const cut = bytes.toString('utf8').split('event: message_delta')[0];
    const out = translate('anthropic', 'openai', [Buffer.from(cut)]);
    expect(reassemble('openai', out).error).toMatchObject({ code: 'upstream_error' });
  });
});

describe('Anthropic client stream block order', () => {
  it('numbers blocks in order when the upstream alternates text and tool calls', () => {
    const chunk = (parts: unknown[], finishReason?: string) =>
      ({ data: JSON.stringify({ candidates: [{ content: { role: 'model', parts }, ...(finishReason ? { finishReason } : {}), index: 0 }] }) });
    const tr = createStreamTranslator('gemini', 'anthropic', OPTS);
    let out = tr.push(chunk([{ text: 'First ' }]));
    out += tr.push(chunk([{ functionCall: { name: 'a', args: { n: 1 } } }, { text: 'between' }, { functionCall: { name: 'b', args: {} } }]));
    out += tr.push(chunk([{ text: ' last' }], 'STOP'));
    out += tr.end();
    const got = reassemble('anthropic', out); // throws on any misnumbered or overlapping block
    expect(got).toMatchObject({ text: 'First between last', finish: 'tool_use', toolCalls: [{ id: 'call_1', name: 'a', args: { n: 1 } }, { id: 'call_2', name: 'b', args: {} }] });
    const starts = decodeAll(out).filter((e) => e.event === 'content_block_start').map((e) => JSON.parse(e.data).content_block.type);
    expect(starts).toEqual(['text', 'tool_use', 'text', 'tool_use', 'text']);
  });
});
