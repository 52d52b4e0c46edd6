import { describe, expect, it } from 'vitest';
import { translateRequest, translateResponse, UnsupportedFeatureError } from '../index.ts';
import { RESPONSES_DROPPED_FIELDS } from './responses.ts';
import { readOutputLimit } from '../../request-limits.ts';

const PNG = 'iVBORw0KGgoAAAANSUhEUg==';
const weatherSchema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
const tr = (to: 'anthropic' | 'gemini', body: any, stream = false) =>
  translateRequest('responses', to, body, { upstreamModel: 'up-model', stream, output: readOutputLimit('responses', body, 4096) });

/** A Codex-like second turn: developer prompt, user text + image, a function call, its output. */
const turn = {
  model: 'claude-sonnet-4-5',
  instructions: 'Be brief.',
  input: [
    { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'You are a coding agent.' }] },
    { type: 'message', role: 'user', content: [{ type: 'input_text', text: 'Weather here?' }, { type: 'input_image', image_url: `data:image/png;base64,${PNG}`, detail: 'auto' }] },
    { type: 'reasoning', id: 'rs_1', summary: [], encrypted_content: 'opaque' },
    { type: 'function_call', call_id: 'call_a', name: 'get_weather', arguments: '{"city":"Paris"}' },
    { type: 'function_call_output', call_id: 'call_a', output: '{"temp":21}' },
    { role: 'user', content: 'Thanks' },
  ],
  tools: [{ type: 'function', name: 'get_weather', description: 'Weather by city', parameters: weatherSchema, strict: false }],
  tool_choice: 'required',
  max_output_tokens: 300,
  temperature: 0.2,
  top_p: 0.9,
  reasoning: { effort: 'medium', summary: 'auto' },
  // Only tune OpenAI: left out, never refused.
  store: false, include: ['reasoning.encrypted_content'], parallel_tool_calls: true, prompt_cache_key: 'k', service_tier: 'auto',
  truncation: 'auto', metadata: { a: 'b' }, user: 'u', safety_identifier: 's', text: { verbosity: 'low' },
};

describe('Responses request → Anthropic', () => {
  it('maps instructions, items, tools, tool_choice, reasoning effort and limits; drops OpenAI-only fields', () => {
    expect(tr('anthropic', turn, true)).toEqual({
      model: 'up-model',
      // The effort's budget (8192) is at or above the answer limit, so it is added on top (Anthropic needs max_tokens > budget).
      max_tokens: 300 + 8192,
      system: 'Be brief.\n\nYou are a coding agent.',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather here?' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'call_a', name: 'get_weather', input: { city: 'Paris' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_a', content: '{"temp":21}' }, { type: 'text', text: 'Thanks' }] },
      ],
      tools: [{ name: 'get_weather', description: 'Weather by city', input_schema: weatherSchema }],
      tool_choice: { type: 'any' },
      temperature: 0.2,
      top_p: 0.9,
      thinking: { type: 'enabled', budget_tokens: 8192 },
      stream: true,
    });
  });

  it('gives max_tokens the model maximum when max_output_tokens is absent, and a string input one user turn', () => {
    expect(tr('anthropic', { model: 'c', input: 'hi' })).toEqual({ model: 'up-model', max_tokens: 4096, messages: [{ role: 'user', content: [{ type: 'text', text: 'hi' }] }] });
  });

  it('flattens namespace tools to <namespace>__<name>, and namespaced calls in the history the same way', () => {
    const out = tr('anthropic', {
      model: 'c',
      input: [{ role: 'user', content: 'x' }, { type: 'function_call', call_id: 'c1', namespace: 'multi_agent_v1', name: 'close_agent', arguments: '{}' }, { type: 'function_call_output', call_id: 'c1', output: [{ type: 'input_text', text: 'ok' }] }],
      tools: [{ type: 'namespace', name: 'multi_agent_v1', description: 'Agents', tools: [{ type: 'function', name: 'close_agent', parameters: { type: 'object', properties: {} } }] }],
    });
    expect(out.tools).toEqual([{ name: 'multi_agent_v1__close_agent', input_schema: { type: 'object', properties: {} } }]);
    expect(out.messages[1].content[0]).toEqual({ type: 'tool_use', id: 'c1', name: 'multi_agent_v1__close_agent', input: {} });
    expect(out.messages[2].content[0]).toEqual({ type: 'tool_result', tool_use_id: 'c1', content: 'ok' });
  });

  it.each(['anthropic', 'gemini'] as const)('drops every provider-tuning field for %s without refusing the request', (to) => {
    const plain = tr(to, { model: 'c', input: 'hi' });
    for (const path of RESPONSES_DROPPED_FIELDS) {
      const [head, tail] = path.split('.');
      const body: any = { model: 'c', input: 'hi', [head]: tail ? { [tail]: 'low' } : 'x' };
      expect(tr(to, body), path).toEqual(plain);
    }
  });

  it.each([
    [{ previous_response_id: 'resp_1' }, 'previous_response_id'],
    [{ background: true }, 'background'],
    [{ conversation: 'conv_1' }, 'conversation'],
    [{ tools: [{ type: 'web_search' }] }, 'tools[0].type=web_search'],
    [{ tools: [{ type: 'function', name: 'f' }, { type: 'file_search', vector_store_ids: ['v'] }] }, 'tools[1].type=file_search'],
    [{ tools: [{ type: 'code_interpreter', container: { type: 'auto' } }] }, 'tools[0].type=code_interpreter'],
    [{ text: { format: { type: 'json_object' } } }, 'text.format'],
    [{ input: [{ type: 'item_reference', id: 'x' }] }, 'input.item_reference'],
  ])('refuses %j naming %s', (extra, feature) => {
    const call = () => tr('anthropic', { model: 'c', input: 'hi', ...extra });
    expect(call).toThrow(UnsupportedFeatureError);
    try { call(); } catch (e) { expect((e as UnsupportedFeatureError).feature).toBe(feature); }
  });
});

describe('Responses request → Gemini', () => {
  it('maps the turn to contents, function declarations and a thinking budget', () => {
    const out = tr('gemini', turn);
    expect(out.systemInstruction).toEqual({ parts: [{ text: 'Be brief.\n\nYou are a coding agent.' }] });
    expect(out.contents.map((c: any) => c.role)).toEqual(['user', 'model', 'user']);
    expect(out.contents[1].parts[0].functionCall).toMatchObject({ name: 'get_weather', args: { city: 'Paris' } });
    expect(out.contents[2].parts[0].functionResponse).toMatchObject({ name: 'get_weather' });
    expect(out.tools[0].functionDeclarations[0]).toMatchObject({ name: 'get_weather', description: 'Weather by city' });
    expect(out.toolConfig).toEqual({ functionCallingConfig: { mode: 'ANY' } });
    expect(out.generationConfig).toMatchObject({ maxOutputTokens: 300 + 8192, temperature: 0.2, topP: 0.9, thinkingConfig: { thinkingBudget: 8192, includeThoughts: true } });
  });

  it('keeps a JSON schema answer (Gemini can), and effort none turns thinking off', () => {
    const out = tr('gemini', { model: 'g', input: 'x', text: { format: { type: 'json_schema', name: 'r', schema: weatherSchema } }, reasoning: { effort: 'none' } });
    expect(out.generationConfig).toMatchObject({ responseMimeType: 'application/json', thinkingConfig: { thinkingBudget: 0 } });
  });
});

describe('JSON answers → Responses', () => {
  const opts = { clientModel: 'claude-sonnet-4-5', requestId: 'req_1' };
  it('turns an Anthropic message with thinking, text and a tool call into output items and usage', () => {
    const res = translateResponse('anthropic', 'responses', {
      id: 'msg_1', type: 'message', role: 'assistant', model: 'up', stop_reason: 'tool_use',
      content: [{ type: 'thinking', thinking: 'hmm', signature: 's' }, { type: 'text', text: 'Checking.' }, { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }],
      usage: { input_tokens: 10, cache_creation_input_tokens: 5, cache_read_input_tokens: 20, output_tokens: 7 },
    }, opts);
    expect(res).toMatchObject({ id: 'resp_req_1', object: 'response', status: 'completed', model: 'claude-sonnet-4-5' });
    expect(res.output).toEqual([
      { id: 'rs_req_1_0', type: 'reasoning', summary: [{ type: 'summary_text', text: 'hmm' }] },
      { id: 'msg_req_1_1', type: 'message', status: 'completed', role: 'assistant', content: [{ type: 'output_text', text: 'Checking.', annotations: [], logprobs: [] }] },
      { id: 'fc_req_1_2', type: 'function_call', status: 'completed', arguments: '{"city":"Paris"}', call_id: 'toolu_1', name: 'get_weather' },
    ]);
    expect(res.usage).toEqual({ input_tokens: 35, input_tokens_details: { cached_tokens: 20, cache_write_tokens: 5 }, output_tokens: 7, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 42 });
  });

  it('marks a length stop incomplete and re-wraps an upstream error in the OpenAI envelope', () => {
    const res = translateResponse('gemini', 'responses', { candidates: [{ content: { role: 'model', parts: [{ text: 'cut' }] }, finishReason: 'MAX_TOKENS' }], usageMetadata: { promptTokenCount: 3, candidatesTokenCount: 2, totalTokenCount: 5 } }, opts);
    expect(res).toMatchObject({ status: 'incomplete', incomplete_details: { reason: 'max_output_tokens' }, usage: { input_tokens: 3, output_tokens: 2 } });
    const err = translateResponse('anthropic', 'responses', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, opts);
    expect(err).toMatchObject({ error: { message: 'Overloaded', type: 'server_error' } });
  });
});
