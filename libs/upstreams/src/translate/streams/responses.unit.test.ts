import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WireFormat } from '@relay/core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SseDecoder } from '../../sse-decoder.ts';
import { createStreamTranslator } from '../index.ts';
import { reassembleResponses } from './responses-reassemble.test-helper.ts';

const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '__fixtures__');
const OPTS = { clientModel: 'client-model', requestId: 'req_golden1', includeUsage: false };
const NOW = new Date('2026-01-02T03:04:05Z');

function translate(upstream: WireFormat, chunks: Uint8Array[], clientBody?: unknown): string {
  const decoder = new SseDecoder();
  const tr = createStreamTranslator(upstream, 'responses', { ...OPTS, clientBody });
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

const weather = '{"city": "München", "unit": "celsius"}';
const CASES: { fixture: string; upstream: WireFormat; expect: (r: ReturnType<typeof reassembleResponses>) => void }[] = [
  {
    fixture: 'anthropic-text-ping.sse', upstream: 'anthropic', expect: (r) => {
      expect(r.text).toBe('héllo 世界 🎉');
      expect(r.final).toMatchObject({ status: 'completed', model: 'client-model', id: 'resp_req_golden1' });
      expect(r.final.usage).toEqual({
        input_tokens: 2173, input_tokens_details: { cached_tokens: 2048, cache_write_tokens: 100 },
        output_tokens: 9, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 2182,
      });
    },
  },
  {
    fixture: 'anthropic-thinking-tool.sse', upstream: 'anthropic', expect: (r) => {
      expect(r.reasoning).toBe('The user wants the weather in Munich.');
      expect(r.text).toBe('Let me check that.');
      expect(r.calls).toEqual([{ call_id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'get_weather', arguments: weather }]);
      expect(r.final.output.map((o: any) => o.type)).toEqual(['reasoning', 'message', 'function_call']);
      expect(r.final).toMatchObject({ status: 'completed', usage: { input_tokens: 480, output_tokens: 89 } });
      // Arguments arrive in the upstream's fragments, not as one piece.
      expect(r.types.filter((t) => t === 'response.function_call_arguments.delta').length).toBeGreaterThan(1);
    },
  },
  {
    fixture: 'anthropic-error-midway.sse', upstream: 'anthropic', expect: (r) => {
      expect(r.text).toBe('Partial answ');
      expect(r.error).toEqual({ code: 'server_error', message: 'Overloaded' });
      expect(r.final).toMatchObject({ status: 'failed', error: { code: 'server_error', message: 'Overloaded' } });
      expect(r.types.slice(-2)).toEqual(['error', 'response.failed']);
    },
  },
  {
    fixture: 'gemini-text-thoughts.sse', upstream: 'gemini', expect: (r) => {
      expect(r.reasoning).toBe('**Greeting the user**\n\nA short friendly reply.');
      expect(r.text).toBe('héllo 世界 🎉');
      expect(r.final.usage).toEqual({
        input_tokens: 1500, input_tokens_details: { cached_tokens: 1024, cache_write_tokens: 0 },
        output_tokens: 39, output_tokens_details: { reasoning_tokens: 31 }, total_tokens: 1539,
      });
    },
  },
  {
    fixture: 'gemini-tool-calls.sse', upstream: 'gemini', expect: (r) => {
      expect(r.text).toBe('Checking both.');
      expect(r.calls.map((c) => [c.name, JSON.parse(c.arguments)])).toEqual([['get_weather', JSON.parse(weather)], ['get_time', { tz: 'Europe/Berlin' }]]);
      expect(r.final.status).toBe('completed');
    },
  },
  {
    fixture: 'gemini-error-midway.sse', upstream: 'gemini', expect: (r) => {
      expect(r.text).toBe('Partial answ');
      expect(r.final).toMatchObject({ status: 'failed', error: { message: 'The model is overloaded. Please try again later.' } });
    },
  },
];

beforeAll(() => { vi.useFakeTimers({ toFake: ['Date'] }); vi.setSystemTime(NOW); });
afterAll(() => { vi.useRealTimers(); });

describe.each(CASES)('stream $fixture → Responses client', ({ fixture, upstream, expect: check }) => {
  const bytes = readFileSync(join(FIXTURES, 'upstream', fixture));
  const run = (): string => translate(upstream, [bytes]);

  it('matches the golden client stream', () => {
    golden(`${fixture.replace(/\.sse$/, '')}.to-responses.sse`, run());
  });

  it('reassembles (OpenAI framing checked) to the upstream content, status and usage', () => {
    check(reassembleResponses(run()));
  });

  it('gives the same output whatever byte boundary the network splits at (multi-byte text included)', () => {
    const whole = run();
    for (let cut = 1; cut < bytes.length; cut++) {
      expect(translate(upstream, [bytes.subarray(0, cut), bytes.subarray(cut)])).toBe(whole);
    }
    const oneByteChunks = Array.from({ length: bytes.length }, (_, i) => bytes.subarray(i, i + 1));
    expect(translate(upstream, oneByteChunks)).toBe(whole);
  });
});

describe('Responses client stream edge cases', () => {
  it('reports an upstream that ended without a finish reason as response.failed, never completed', () => {
    const cut = readFileSync(join(FIXTURES, 'upstream', 'anthropic-text-ping.sse'), 'utf8').split('event: message_delta')[0];
    const r = reassembleResponses(translate('anthropic', [Buffer.from(cut)]));
    expect(r.final.status).toBe('failed');
    expect(r.types).not.toContain('response.completed');
  });

  it('ends a length-truncated answer with response.incomplete (reason max_output_tokens)', () => {
    const text = readFileSync(join(FIXTURES, 'upstream', 'anthropic-text-ping.sse'), 'utf8').replace('"end_turn"', '"max_tokens"');
    const r = reassembleResponses(translate('anthropic', [Buffer.from(text)]));
    expect(r.types.at(-1)).toBe('response.incomplete');
    expect(r.final).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' } });
  });

  it('splits a namespaced tool call back into namespace + name', () => {
    const chunk = { data: JSON.stringify({ candidates: [{ content: { role: 'model', parts: [{ functionCall: { name: 'multi_agent_v1__close_agent', args: { id: 'a' } } }] }, finishReason: 'STOP', index: 0 }] }) };
    const tr = createStreamTranslator('gemini', 'responses', {
      ...OPTS, clientBody: { tools: [{ type: 'namespace', name: 'multi_agent_v1', description: 'agents', tools: [{ type: 'function', name: 'close_agent', parameters: {} }] }] },
    });
    const r = reassembleResponses(tr.push(chunk) + tr.end());
    expect(r.calls).toEqual([{ call_id: 'call_1', name: 'close_agent', namespace: 'multi_agent_v1', arguments: '{"id":"a"}' }]);
  });
});
