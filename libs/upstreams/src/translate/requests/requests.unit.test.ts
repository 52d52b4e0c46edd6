import { describe, expect, it } from 'vitest';
import { droppedFields, translateRequest, UnsupportedFeatureError } from '../index.ts';
import type { WireFormat } from '@relay/core';
import { readOutputLimit } from '../../request-limits.ts';

const PNG = 'iVBORw0KGgoAAAANSUhEUg==';
const weatherSchema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
/** The serving model's largest output in these cases (what a request without a maximum gets). */
const MODEL_MAX_OUTPUT = 4096;
/** Translates with the output limit read once from the body, as the proxy does. */
const tr = (from: WireFormat, to: WireFormat, body: any, stream = false) =>
  translateRequest(from, to, body, { upstreamModel: 'up-model', stream, output: readOutputLimit(from, body, MODEL_MAX_OUTPUT) });

/** One conversation with every feature, as an OpenAI client sends it. */
const openaiBody = {
  model: 'gpt-4o',
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content: [{ type: 'text', text: 'Weather here?' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }] },
    { role: 'assistant', content: null, tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
    { role: 'tool', tool_call_id: 'call_a', content: '{"temp":21}' },
    { role: 'user', content: 'Thanks' },
  ],
  tools: [{ type: 'function', function: { name: 'get_weather', description: 'Weather by city', parameters: weatherSchema } }],
  tool_choice: 'required',
  stop: ['END'],
  max_tokens: 300,
  temperature: 0.2,
  top_p: 0.9,
  user: 'u-1',
};

/** The same conversation as an Anthropic client sends it. */
const anthropicBody = {
  model: 'claude-sonnet-4-5',
  system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
  messages: [
    { role: 'user', content: [{ type: 'text', text: 'Weather here?' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } }] },
    { role: 'assistant', content: [
      { type: 'thinking', thinking: 'Need a tool.', signature: 'sig' },
      { type: 'tool_use', id: 'toolu_a', name: 'get_weather', input: { city: 'Paris' } },
    ] },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_a', content: [{ type: 'text', text: '{"temp":21}' }] }, { type: 'text', text: 'Thanks' }] },
  ],
  tools: [{ name: 'get_weather', description: 'Weather by city', input_schema: weatherSchema }],
  tool_choice: { type: 'tool', name: 'get_weather' },
  stop_sequences: ['END'],
  max_tokens: 300,
  temperature: 0.2,
  thinking: { type: 'enabled', budget_tokens: 2000 },
  metadata: { user_id: 'u-1' },
};

/** And as a Gemini client sends it (no ids on calls). */
const geminiBody = {
  systemInstruction: { parts: [{ text: 'Be brief.' }] },
  contents: [
    { role: 'user', parts: [{ text: 'Weather here?' }, { inlineData: { mimeType: 'image/png', data: PNG } }] },
    { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } } }, { functionCall: { name: 'get_weather', args: { city: 'Rome' } } }] },
    { role: 'user', parts: [
      { functionResponse: { name: 'get_weather', response: { temp: 21 } } },
      { functionResponse: { name: 'get_weather', response: { output: 'sunny' } } },
    ] },
  ],
  tools: [{ functionDeclarations: [{ name: 'get_weather', description: 'Weather by city', parameters: { type: 'OBJECT', properties: { city: { type: 'STRING' } }, required: ['city'] } }] }],
  toolConfig: { functionCallingConfig: { mode: 'ANY' } },
  generationConfig: { maxOutputTokens: 300, temperature: 0.2, topP: 0.9, topK: 40, stopSequences: ['END'], thinkingConfig: { thinkingBudget: 20000 } },
  safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
};

const CASES: { name: string; from: WireFormat; to: WireFormat; body: any; stream?: boolean; expected: any }[] = [
  {
    name: 'openai → anthropic', from: 'openai', to: 'anthropic', body: openaiBody, stream: true,
    expected: {
      model: 'up-model', max_tokens: 300, system: 'Be brief.', stream: true,
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather here?' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'call_a', name: 'get_weather', input: { city: 'Paris' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'call_a', content: '{"temp":21}' }, { type: 'text', text: 'Thanks' }] },
      ],
      tools: [{ name: 'get_weather', description: 'Weather by city', input_schema: weatherSchema }],
      tool_choice: { type: 'any' }, stop_sequences: ['END'], temperature: 0.2, top_p: 0.9,
    },
  },
  {
    name: 'openai → gemini', from: 'openai', to: 'gemini', body: openaiBody,
    expected: {
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      contents: [
        { role: 'user', parts: [{ text: 'Weather here?' }, { inlineData: { mimeType: 'image/png', data: PNG } }] },
        { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'skip_thought_signature_validator' }] },
        { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { temp: 21 } } }, { text: 'Thanks' }] },
      ],
      tools: [{ functionDeclarations: [{ name: 'get_weather', description: 'Weather by city', parametersJsonSchema: weatherSchema }] }],
      toolConfig: { functionCallingConfig: { mode: 'ANY' } },
      generationConfig: { stopSequences: ['END'], maxOutputTokens: 300, temperature: 0.2, topP: 0.9 },
    },
  },
  {
    name: 'anthropic → openai (every target gets the one limit: the thinking budget added on top)', from: 'anthropic', to: 'openai', body: anthropicBody, stream: true,
    expected: {
      model: 'up-model',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'Weather here?' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 'toolu_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'toolu_a', content: '{"temp":21}' },
        { role: 'user', content: 'Thanks' },
      ],
      tools: [{ type: 'function', function: { name: 'get_weather', description: 'Weather by city', parameters: weatherSchema } }],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      stop: ['END'], max_completion_tokens: 2300, temperature: 0.2, reasoning_effort: 'low',
      stream: true, stream_options: { include_usage: true },
    },
  },
  {
    name: 'anthropic → gemini', from: 'anthropic', to: 'gemini', body: anthropicBody,
    expected: {
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      contents: [
        { role: 'user', parts: [{ text: 'Weather here?' }, { inlineData: { mimeType: 'image/png', data: PNG } }] },
        { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'skip_thought_signature_validator' }] },
        { role: 'user', parts: [{ functionResponse: { name: 'get_weather', response: { temp: 21 } } }, { text: 'Thanks' }] },
      ],
      tools: [{ functionDeclarations: [{ name: 'get_weather', description: 'Weather by city', parametersJsonSchema: weatherSchema }] }],
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } },
      generationConfig: { stopSequences: ['END'], maxOutputTokens: 2300, temperature: 0.2, thinkingConfig: { thinkingBudget: 2000, includeThoughts: true } },
    },
  },
  {
    name: 'gemini → openai', from: 'gemini', to: 'openai', body: { ...geminiBody, generationConfig: { ...geminiBody.generationConfig, topK: undefined } },
    expected: {
      model: 'up-model',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'Weather here?' }, { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG}` } }] },
        { role: 'assistant', content: null, tool_calls: [
          { id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } },
          { id: 'call_2', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } },
        ] },
        { role: 'tool', tool_call_id: 'call_1', content: '{"temp":21}' },
        { role: 'tool', tool_call_id: 'call_2', content: 'sunny' },
      ],
      tools: [{ type: 'function', function: { name: 'get_weather', description: 'Weather by city', parameters: weatherSchema } }],
      tool_choice: 'required', stop: ['END'], max_completion_tokens: 20300, temperature: 0.2, top_p: 0.9, reasoning_effort: 'high',
      stream: false,
    },
  },
  {
    name: 'gemini → anthropic (thinking budget above the answer limit is added on top)', from: 'gemini', to: 'anthropic', body: geminiBody,
    expected: {
      model: 'up-model', max_tokens: 20300, system: 'Be brief.',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather here?' }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: PNG } }] },
        { role: 'assistant', content: [
          { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'call_2', name: 'get_weather', input: { city: 'Rome' } },
        ] },
        { role: 'user', content: [
          { type: 'tool_result', tool_use_id: 'call_1', content: '{"temp":21}' },
          { type: 'tool_result', tool_use_id: 'call_2', content: 'sunny' },
        ] },
      ],
      tools: [{ name: 'get_weather', description: 'Weather by city', input_schema: weatherSchema }],
      tool_choice: { type: 'any' }, stop_sequences: ['END'], temperature: 0.2, top_p: 0.9, top_k: 40,
      thinking: { type: 'enabled', budget_tokens: 20000 },
    },
  },
];

describe('translateRequest', () => {
  it.each(CASES)('$name', ({ from, to, body, stream, expected }) => {
    expect(tr(from, to, body, stream)).toEqual(expected);
  });

  it('gives Anthropic the model\'s maximum output as max_tokens when the client set no limit', () => {
    const out = tr('openai', 'anthropic', { model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    expect(out.max_tokens).toBe(MODEL_MAX_OUTPUT);
    expect(out).not.toHaveProperty('stream');
  });

  it('passes an http image URL to Anthropic as a url source', () => {
    const body = { model: 'm', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x.test/a.png' } }] }] };
    expect(tr('openai', 'anthropic', body).messages[0].content).toEqual([{ type: 'image', source: { type: 'url', url: 'https://x.test/a.png' } }]);
  });

  it.each<[string, WireFormat, WireFormat, any, string]>([
    ['http image URL to Gemini', 'openai', 'gemini', { messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://x.test/a.png' } }] }] }, 'image_url'],
    ['Anthropic url image to Gemini', 'anthropic', 'gemini', { max_tokens: 5, messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'url', url: 'https://x.test/a.png' } }] }] }, 'image_url'],
    ['OpenAI n > 1', 'openai', 'anthropic', { n: 2, messages: [] }, 'n'],
    ['OpenAI logprobs', 'openai', 'anthropic', { logprobs: true, messages: [] }, 'logprobs'],
    ['OpenAI logprobs to Gemini', 'openai', 'gemini', { logprobs: true, messages: [] }, 'logprobs'],
    ['OpenAI penalties to Anthropic', 'openai', 'anthropic', { presence_penalty: 0.5, messages: [] }, 'presence_penalty'],
    ['OpenAI JSON mode to Anthropic', 'openai', 'anthropic', { response_format: { type: 'json_object' }, messages: [] }, 'response_format'],
    ['Anthropic top_k to OpenAI', 'anthropic', 'openai', { top_k: 5, max_tokens: 5, messages: [] }, 'top_k'],
    ['Anthropic server tool', 'anthropic', 'openai', { max_tokens: 5, messages: [], tools: [{ type: 'web_search_20250305', name: 'web_search' }] }, 'tools.web_search_20250305'],
    ['Gemini topK to OpenAI', 'gemini', 'openai', { contents: [], generationConfig: { topK: 3 } }, 'generationConfig.topK'],
    ['Gemini candidateCount', 'gemini', 'anthropic', { contents: [], generationConfig: { candidateCount: 2 } }, 'generationConfig.candidateCount'],
    ['Gemini search tool', 'gemini', 'openai', { contents: [], tools: [{ googleSearch: {} }] }, 'tools.googleSearch'],
    ['Gemini fileData', 'gemini', 'anthropic', { contents: [{ role: 'user', parts: [{ fileData: { fileUri: 'gs://b/x.png', mimeType: 'image/png' } }] }] }, 'parts.fileData'],
  ])('refuses %s naming the feature', (_name, from, to, body, feature) => {
    let caught: unknown;
    try { tr(from, to, body); } catch (e) { caught = e; }
    expect(caught).toBeInstanceOf(UnsupportedFeatureError);
    expect((caught as UnsupportedFeatureError).feature).toBe(feature);
  });

  it('accepts the harmless parameters and lists them as dropped', () => {
    const body = { model: 'm', messages: [{ role: 'user', content: 'hi' }], user: 'u', seed: 7, parallel_tool_calls: true, service_tier: 'auto', n: 1, logprobs: false };
    const out = tr('openai', 'anthropic', body);
    for (const f of ['user', 'seed', 'parallel_tool_calls', 'service_tier', 'n', 'logprobs']) expect(out).not.toHaveProperty(f);
    expect(droppedFields('openai', 'anthropic', body)).toEqual(['user', 'service_tier', 'seed']);
  });

  it('maps tool_choice in every direction', () => {
    const tools = [{ type: 'function', function: { name: 'f', parameters: {} } }];
    const oa = (tool_choice: unknown) => ({ messages: [], tools, tool_choice });
    expect(tr('openai', 'anthropic', oa('auto')).tool_choice).toEqual({ type: 'auto' });
    expect(tr('openai', 'anthropic', oa('none')).tool_choice).toEqual({ type: 'none' });
    expect(tr('openai', 'gemini', oa('none')).toolConfig).toEqual({ functionCallingConfig: { mode: 'NONE' } });
    expect(tr('openai', 'gemini', oa({ type: 'function', function: { name: 'f' } })).toolConfig)
      .toEqual({ functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['f'] } });
    expect(tr('anthropic', 'openai', { max_tokens: 1, messages: [], tool_choice: { type: 'any', disable_parallel_tool_use: true }, tools: [{ name: 'f', input_schema: {} }] }))
      .toMatchObject({ tool_choice: 'required', parallel_tool_calls: false });
    expect(tr('gemini', 'anthropic', { contents: [], toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['f'] } } }).tool_choice)
      .toEqual({ type: 'tool', name: 'f' });
    expect(tr('openai', 'anthropic', { messages: [], tools, parallel_tool_calls: false }).tool_choice)
      .toEqual({ type: 'auto', disable_parallel_tool_use: true });
  });

  it('writes the one output limit: the largest client maximum, not a field precedence of its own', () => {
    const body = { messages: [{ role: 'user', content: 'hi' }], max_tokens: 1, max_completion_tokens: 20_000 };
    expect(tr('openai', 'anthropic', body).max_tokens).toBe(20_000);
    expect(tr('openai', 'gemini', body).generationConfig.maxOutputTokens).toBe(20_000);
    const gemini = { contents: [], generation_config: { max_output_tokens: 7000 }, generationConfig: { maxOutputTokens: 5 } };
    expect(tr('gemini', 'openai', gemini).max_completion_tokens).toBe(7000);
    // No maximum: Anthropic gets the model's maximum (what admission reserved), the others their own default.
    expect(tr('openai', 'gemini', { messages: [] })).not.toHaveProperty('generationConfig');
    expect(tr('gemini', 'openai', { contents: [] })).not.toHaveProperty('max_completion_tokens');
  });

  it('maps reasoning effort to thinking budgets and back', () => {
    expect(tr('openai', 'anthropic', { messages: [], reasoning_effort: 'high', max_tokens: 1000 })).toMatchObject({ max_tokens: 25576, thinking: { type: 'enabled', budget_tokens: 24576 } });
    expect(tr('openai', 'gemini', { messages: [], reasoning_effort: 'medium' }).generationConfig)
      .toEqual({ thinkingConfig: { thinkingBudget: 8192, includeThoughts: true } });
    expect(tr('gemini', 'openai', { contents: [], generationConfig: { thinkingConfig: { thinkingBudget: -1 } } }).reasoning_effort).toBe('medium');
    expect(tr('gemini', 'openai', { contents: [], generationConfig: { thinkingConfig: { thinkingBudget: 0 } } })).not.toHaveProperty('reasoning_effort');
  });

  it('keeps a JSON answer request between OpenAI and Gemini', () => {
    const schema = { type: 'object', properties: { a: { type: 'number' } } };
    expect(tr('openai', 'gemini', { messages: [], response_format: { type: 'json_schema', json_schema: { name: 'x', schema } } }).generationConfig)
      .toEqual({ responseMimeType: 'application/json', responseJsonSchema: schema });
    expect(tr('gemini', 'openai', { contents: [], generationConfig: { responseMimeType: 'application/json' } }).response_format).toEqual({ type: 'json_object' });
  });

  it('sends an Anthropic tool error to Gemini as an error response and back', () => {
    const body = {
      max_tokens: 5,
      messages: [
        { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'f', input: {} }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'boom', is_error: true }] },
      ],
    };
    const g = tr('anthropic', 'gemini', body);
    expect(g.contents[1].parts[0]).toEqual({ functionResponse: { name: 'f', response: { error: 'boom' } } });
    const back = tr('gemini', 'anthropic', g);
    expect(back.messages[1].content[0]).toEqual({ type: 'tool_result', tool_use_id: 'call_1', content: 'boom', is_error: true });
  });

  it('returns a same-format body untouched', () => {
    expect(tr('anthropic', 'anthropic', anthropicBody)).toBe(anthropicBody);
  });
});
