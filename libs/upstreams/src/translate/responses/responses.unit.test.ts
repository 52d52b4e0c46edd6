import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { WireFormat } from '@relay/core';
import { translateResponse } from '../index.ts';

const OPTS = { clientModel: 'client-model', requestId: 'req_1' };
const CREATED = 1767323045;
const weather = { city: 'München' };

const openaiBody = {
  id: 'chatcmpl-abc', object: 'chat.completion', created: 1764131000, model: 'gpt-4o-2024-08-06',
  choices: [{
    index: 0, finish_reason: 'tool_calls', logprobs: null,
    message: { role: 'assistant', content: 'Checking.', refusal: null, tool_calls: [{ id: 'call_x', type: 'function', function: { name: 'get_weather', arguments: '{"city":"München"}' } }] },
  }],
  usage: { prompt_tokens: 1200, completion_tokens: 30, total_tokens: 1230, prompt_tokens_details: { cached_tokens: 1024 }, completion_tokens_details: { reasoning_tokens: 0 } },
};
const anthropicBody = {
  id: 'msg_01', type: 'message', role: 'assistant', model: 'claude-sonnet-4-5',
  content: [
    { type: 'thinking', thinking: 'Use the tool.', signature: 'sig' },
    { type: 'text', text: 'Checking.' },
    { type: 'tool_use', id: 'toolu_x', name: 'get_weather', input: weather },
  ],
  stop_reason: 'tool_use', stop_sequence: null,
  usage: { input_tokens: 50, cache_creation_input_tokens: 100, cache_read_input_tokens: 1024, output_tokens: 30 },
};
const geminiBody = {
  candidates: [{
    content: { role: 'model', parts: [{ text: 'Use the tool.', thought: true }, { text: 'Checking.' }, { functionCall: { name: 'get_weather', args: weather }, thoughtSignature: 'abc' }] },
    finishReason: 'STOP', index: 0,
  }],
  usageMetadata: { promptTokenCount: 1200, candidatesTokenCount: 20, thoughtsTokenCount: 10, totalTokenCount: 1230, cachedContentTokenCount: 1024 },
  modelVersion: 'gemini-2.5-flash', responseId: 'r1',
};

const CASES: { name: string; upstream: WireFormat; client: WireFormat; body: any; expected: any }[] = [
  {
    name: 'openai → anthropic', upstream: 'openai', client: 'anthropic', body: openaiBody,
    expected: {
      id: 'msg_req_1', type: 'message', role: 'assistant', model: 'client-model',
      content: [{ type: 'text', text: 'Checking.' }, { type: 'tool_use', id: 'call_x', name: 'get_weather', input: weather }],
      stop_reason: 'tool_use', stop_sequence: null,
      usage: { input_tokens: 176, cache_creation_input_tokens: 0, cache_read_input_tokens: 1024, output_tokens: 30 },
    },
  },
  {
    name: 'openai → gemini', upstream: 'openai', client: 'gemini', body: openaiBody,
    expected: {
      candidates: [{ content: { role: 'model', parts: [{ text: 'Checking.' }, { functionCall: { name: 'get_weather', args: weather } }] }, finishReason: 'STOP', index: 0 }],
      usageMetadata: { promptTokenCount: 1200, candidatesTokenCount: 30, totalTokenCount: 1230, cachedContentTokenCount: 1024 },
      modelVersion: 'client-model', responseId: 'req_1',
    },
  },
  {
    name: 'anthropic → openai', upstream: 'anthropic', client: 'openai', body: anthropicBody,
    expected: {
      id: 'chatcmpl-req_1', object: 'chat.completion', created: CREATED, model: 'client-model',
      choices: [{
        index: 0, logprobs: null, finish_reason: 'tool_calls',
        message: {
          role: 'assistant', content: 'Checking.', refusal: null, reasoning_content: 'Use the tool.',
          tool_calls: [{ id: 'toolu_x', type: 'function', function: { name: 'get_weather', arguments: '{"city":"München"}' } }],
        },
      }],
      usage: { prompt_tokens: 1174, completion_tokens: 30, total_tokens: 1204, prompt_tokens_details: { cached_tokens: 1024 } },
    },
  },
  {
    name: 'anthropic → gemini', upstream: 'anthropic', client: 'gemini', body: anthropicBody,
    expected: {
      candidates: [{ content: { role: 'model', parts: [{ text: 'Use the tool.', thought: true }, { text: 'Checking.' }, { functionCall: { name: 'get_weather', args: weather } }] }, finishReason: 'STOP', index: 0 }],
      usageMetadata: { promptTokenCount: 1174, candidatesTokenCount: 30, totalTokenCount: 1204, cachedContentTokenCount: 1024 },
      modelVersion: 'client-model', responseId: 'req_1',
    },
  },
  {
    name: 'gemini → openai (thoughts billed as completion tokens)', upstream: 'gemini', client: 'openai', body: geminiBody,
    expected: {
      id: 'chatcmpl-req_1', object: 'chat.completion', created: CREATED, model: 'client-model',
      choices: [{
        index: 0, logprobs: null, finish_reason: 'tool_calls',
        message: {
          role: 'assistant', content: 'Checking.', refusal: null, reasoning_content: 'Use the tool.',
          tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"München"}' } }],
        },
      }],
      usage: { prompt_tokens: 1200, completion_tokens: 30, total_tokens: 1230, prompt_tokens_details: { cached_tokens: 1024 }, completion_tokens_details: { reasoning_tokens: 10 } },
    },
  },
  {
    name: 'gemini → anthropic', upstream: 'gemini', client: 'anthropic', body: geminiBody,
    expected: {
      id: 'msg_req_1', type: 'message', role: 'assistant', model: 'client-model',
      content: [{ type: 'thinking', thinking: 'Use the tool.', signature: '' }, { type: 'text', text: 'Checking.' }, { type: 'tool_use', id: 'call_1', name: 'get_weather', input: weather }],
      stop_reason: 'tool_use', stop_sequence: null,
      usage: { input_tokens: 176, cache_creation_input_tokens: 0, cache_read_input_tokens: 1024, output_tokens: 30 },
    },
  },
];

beforeAll(() => { vi.useFakeTimers({ toFake: ['Date'] }); vi.setSystemTime(CREATED * 1000); });
afterAll(() => { vi.useRealTimers(); });

describe('translateResponse', () => {
  it.each(CASES)('$name', ({ upstream, client, body, expected }) => {
    expect(translateResponse(upstream, client, body, OPTS)).toEqual(expected);
  });

  it.each<[WireFormat, string, WireFormat, string]>([
    ['openai', 'length', 'anthropic', 'max_tokens'],
    ['openai', 'content_filter', 'gemini', 'SAFETY'],
    ['anthropic', 'max_tokens', 'openai', 'length'],
    ['anthropic', 'stop_sequence', 'openai', 'stop'],
    ['anthropic', 'end_turn', 'gemini', 'STOP'],
    ['gemini', 'MAX_TOKENS', 'anthropic', 'max_tokens'],
    ['gemini', 'SAFETY', 'openai', 'content_filter'],
  ])('maps %s finish %s to the %s finish %s', (upstream, reason, client, expected) => {
    const body = upstream === 'openai'
      ? { choices: [{ message: { content: 'x' }, finish_reason: reason }] }
      : upstream === 'anthropic' ? { content: [{ type: 'text', text: 'x' }], stop_reason: reason } : { candidates: [{ content: { parts: [{ text: 'x' }] }, finishReason: reason }] };
    const out = translateResponse(upstream, client, body, OPTS);
    const got = client === 'openai' ? out.choices[0].finish_reason : client === 'anthropic' ? out.stop_reason : out.candidates[0].finishReason;
    expect(got).toBe(expected);
  });

  it('reports an Anthropic stop-sequence stop as a plain stop to clients without that notion', () => {
    const body = { content: [{ type: 'text', text: 'x' }], stop_reason: 'stop_sequence', stop_sequence: 'END', usage: { input_tokens: 1, output_tokens: 1 } };
    expect(translateResponse('anthropic', 'gemini', body, OPTS).candidates[0].finishReason).toBe('STOP');
    expect(translateResponse('anthropic', 'openai', body, OPTS).choices[0]).toMatchObject({ finish_reason: 'stop', message: { content: 'x' } });
  });

  it('turns an upstream error body into the client error envelope', () => {
    const err = { type: 'error', error: { type: 'rate_limit_error', message: 'slow down' } };
    expect(translateResponse('anthropic', 'openai', err, OPTS)).toEqual({ error: { message: 'slow down', type: 'rate_limit_error', param: null, code: 'rate_limited' } });
    expect(translateResponse('anthropic', 'gemini', err, OPTS)).toEqual({ error: { code: 429, message: 'slow down', status: 'RESOURCE_EXHAUSTED' } });
  });

  it('reads a Gemini prompt blocked before any candidate as a content-filter stop', () => {
    const out = translateResponse('gemini', 'openai', { promptFeedback: { blockReason: 'SAFETY' }, usageMetadata: { promptTokenCount: 5, totalTokenCount: 5 } }, OPTS);
    expect(out.choices[0]).toMatchObject({ finish_reason: 'content_filter', message: { content: null } });
  });
});
