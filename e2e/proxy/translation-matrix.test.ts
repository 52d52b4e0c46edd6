// The translation acceptance matrix: every official SDK × every upstream platform family of the mock,
// JSON and streaming, plain text and a tool-call round trip. The SDK must get exactly what the mock
// produced (text, tool calls with their args, finish reason, usage), the upstream must receive the
// tool result in its own format, and the usage event must carry the upstream's token counts priced on
// the model (and platform) that actually served the request.
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI, Type, type Content, type GenerateContentResponse } from '@google/genai';
import OpenAI from 'openai';
import { computeCost, parseRate, type Platform, type UsageEvent, type WireFormat } from '@relay/core';
import { startMockUpstream, type MockReply, type MockUpstream, type RecordedRequest } from '@relay/mock-upstream';
import { startTestProxy, toModelPrice, usageReader, type PriceSpec, type SnapshotSpec, type TestProxy, type UsageReader } from '@relay/testkit';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const RATE = '1.5';
/** Routes Anthropic models to the console account (Bedrock excluded by the key). */
const MAIN_KEY = 'sk-relay-matrix-main-00000000000000000000000';
/** Routes Anthropic models to the Bedrock account only. */
const BEDROCK_KEY = 'sk-relay-matrix-bedrock-000000000000000000000';
const AWS = { accessKeyId: 'AKIDMATRIXTEST', secretAccessKey: 'matrix-fake-secret' };

const HAIKU = 'claude-3-5-haiku-20241022';
const SONNET = 'claude-sonnet-4-20250514';
/** The alias clients ask for; the console account maps it to HAIKU. Priced absurdly so charging it shows. */
const ALIAS = 'claude-alias';
const PRICES: { model: string; platform?: Platform; price: PriceSpec }[] = [
  { model: ALIAS, price: { input: '100', output: '200' } },
  { model: HAIKU, price: { input: '0.8', output: '4' } },
  { model: SONNET, price: { input: '3', output: '15' } },
  // Bedrock's own price for the same model: the event must use the platform that served it.
  { model: SONNET, platform: 'bedrock', price: { input: '3.3', output: '16.5' } },
  { model: 'gpt-4o', price: { input: '2.5', output: '10' } },
  { model: 'gemini-2.5-flash', price: { input: '0.3', output: '2.5' } },
];

type FamilyName = 'anthropic' | 'bedrock' | 'openai' | 'gemini';
interface Family {
  key: string;
  /** What the client asks for. */
  model: string;
  platform: Platform;
  /** The model the upstream was asked for (after mapping / Bedrock id). */
  upstreamModel: string;
  /** The price that must be charged: model + platform actually used. */
  price: PriceSpec;
  upstreamFormat: WireFormat;
  /** The id the mock gives its tool call (Gemini calls carry none on the wire). */
  mockToolId: string;
}
const priceOf = (model: string, platform?: Platform) => PRICES.find((p) => p.model === model && p.platform === platform)!.price;
const FAMILIES: Record<FamilyName, Family> = {
  anthropic: { key: MAIN_KEY, model: ALIAS, platform: 'claude-console', upstreamModel: HAIKU, price: priceOf(HAIKU), upstreamFormat: 'anthropic', mockToolId: 'toolu_01MatrixWeather' },
  bedrock: {
    key: BEDROCK_KEY, model: SONNET, platform: 'bedrock', upstreamModel: `us.anthropic.${SONNET}-v1:0`, price: priceOf(SONNET, 'bedrock'),
    upstreamFormat: 'anthropic', mockToolId: 'toolu_01MatrixBedrock',
  },
  openai: { key: MAIN_KEY, model: 'gpt-4o', platform: 'openai', upstreamModel: 'gpt-4o', price: priceOf('gpt-4o'), upstreamFormat: 'openai', mockToolId: 'call_MatrixWeather01' },
  gemini: { key: MAIN_KEY, model: 'gemini-2.5-flash', platform: 'gemini', upstreamModel: 'gemini-2.5-flash', price: priceOf('gemini-2.5-flash'), upstreamFormat: 'gemini', mockToolId: '' },
};

function matrixSpec(mockUrl: string): SnapshotSpec {
  return {
    users: [{ id: 'u-matrix', priceRate: RATE }],
    keys: [
      { id: 'k-main', userId: 'u-matrix', key: MAIN_KEY, allowedPlatforms: ['claude-console', 'openai', 'gemini'] },
      { id: 'k-bedrock', userId: 'u-matrix', key: BEDROCK_KEY, allowedPlatforms: ['bedrock'] },
    ],
    accounts: [
      { id: 'console', platform: 'claude-console', baseUrl: mockUrl, credentials: { kind: 'api-key', apiKey: 'sk-ant-matrix' }, modelMapping: { [ALIAS]: HAIKU } },
      { id: 'bedrock', platform: 'bedrock', baseUrl: mockUrl, credentials: { kind: 'aws', ...AWS }, settings: { region: 'us-east-1' } },
      { id: 'openai', platform: 'openai', baseUrl: mockUrl, credentials: { kind: 'api-key', apiKey: 'sk-openai-matrix' } },
      { id: 'gemini', platform: 'gemini', baseUrl: mockUrl, credentials: { kind: 'api-key', apiKey: 'gemini-matrix' } },
    ],
    prices: PRICES.map((p) => ({ model: p.model, platform: p.platform ?? null, price: p.price })),
  };
}

// ---- what the mock answers ----------------------------------------------------------------------

const PROMPT = 'What is the weather in Paris?';
const TOOL = 'get_weather';
const TOOL_ARGS = { city: 'Paris', unit: 'celsius', days: 3, hourly: false, tags: ['rain', 'wind'] };
const TOOL_RESULT = { temperature: 21, sky: 'cloudy' };
const TEXT_REPLY = 'Bonjour from the matrix — héllo 世界 🎉';
const FINAL_REPLY = 'It is 21 °C and cloudy in Paris.';
/** Per-request usage, different for every request so an event can only match its own upstream call. */
const usageFor = (seq: number) => ({ input: 40 + 7 * seq, output: 5 + 3 * seq });

function hasToolResult(req: RecordedRequest): boolean {
  const b = req.body ?? {};
  if (req.format === 'openai') return (b.messages ?? []).some((m: any) => m.role === 'tool');
  if (req.format === 'gemini') return (b.contents ?? []).some((c: any) => (c.parts ?? []).some((p: any) => p.functionResponse));
  return (b.messages ?? []).some((m: any) => Array.isArray(m.content) && m.content.some((c: any) => c.type === 'tool_result'));
}

function responder(fam: Family) {
  return (req: RecordedRequest): MockReply => {
    const usage = usageFor(req.seq);
    if (hasToolResult(req)) return { text: FINAL_REPLY, chunks: 3, usage };
    // Every format carries its tool declarations under `tools`.
    if (Array.isArray(req.body?.tools) && req.body.tools.length > 0) {
      return { text: '', toolCalls: [{ id: fam.mockToolId || undefined, name: TOOL, arguments: TOOL_ARGS }], finishReason: 'tool_calls', usage };
    }
    return { text: TEXT_REPLY, chunks: 4, usage };
  };
}

// ---- one driver per SDK: send a turn, report what the SDK returned ------------------------------

interface SeenCall { id: string | undefined; name: string; args: unknown }
interface SdkAnswer { text: string; calls: SeenCall[]; finish: string | undefined; usage: { input: number; output: number } | undefined }
type Turn = { kind: 'text' } | { kind: 'tool-call' } | { kind: 'tool-result'; call: SeenCall };
interface SdkDriver {
  format: WireFormat;
  finishText: string;
  finishTool: string;
  send(proxyUrl: string, fam: Family, stream: boolean, turn: Turn): Promise<SdkAnswer>;
}

const WEATHER_SCHEMA = {
  type: 'object',
  properties: {
    city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] }, days: { type: 'integer' },
    hourly: { type: 'boolean' }, tags: { type: 'array', items: { type: 'string' } },
  },
  required: ['city'],
};

const openaiDriver: SdkDriver = {
  format: 'openai',
  finishText: 'stop',
  finishTool: 'tool_calls',
  async send(proxyUrl, fam, stream, turn) {
    const client = new OpenAI({ apiKey: fam.key, baseURL: `${proxyUrl}/v1`, maxRetries: 0 });
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: PROMPT }];
    if (turn.kind === 'tool-result') {
      const { call } = turn;
      messages.push(
        { role: 'assistant', content: null, tool_calls: [{ id: call.id!, type: 'function', function: { name: call.name, arguments: JSON.stringify(call.args) } }] },
        { role: 'tool', tool_call_id: call.id!, content: JSON.stringify(TOOL_RESULT) },
      );
    }
    const tools: OpenAI.ChatCompletionTool[] | undefined = turn.kind === 'text'
      ? undefined
      : [{ type: 'function', function: { name: TOOL, description: 'Weather for a city', parameters: WEATHER_SCHEMA } }];
    const params = { model: fam.model, messages, ...(tools ? { tools } : {}) };
    if (!stream) {
      const r = await client.chat.completions.create(params);
      const choice = r.choices[0];
      return {
        text: choice.message.content ?? '',
        calls: (choice.message.tool_calls ?? []).map((tc) => (tc.type === 'function' ? { id: tc.id, name: tc.function.name, args: JSON.parse(tc.function.arguments) } : { id: tc.id, name: '?', args: null })),
        finish: choice.finish_reason,
        usage: r.usage && { input: r.usage.prompt_tokens, output: r.usage.completion_tokens },
      };
    }
    const s = await client.chat.completions.create({ ...params, stream: true, stream_options: { include_usage: true } });
    let text = '';
    let finish: string | undefined;
    let usage: SdkAnswer['usage'];
    const calls: { id?: string; name: string; args: string }[] = [];
    for await (const chunk of s) {
      if (chunk.usage) usage = { input: chunk.usage.prompt_tokens, output: chunk.usage.completion_tokens };
      const c = chunk.choices[0];
      if (!c) continue;
      text += c.delta.content ?? '';
      for (const tc of c.delta.tool_calls ?? []) {
        const slot = (calls[tc.index] ??= { name: '', args: '' });
        if (tc.id) slot.id = tc.id;
        slot.name += tc.function?.name ?? '';
        slot.args += tc.function?.arguments ?? '';
      }
      if (c.finish_reason) finish = c.finish_reason;
    }
    return { text, calls: calls.map((c) => ({ id: c.id, name: c.name, args: JSON.parse(c.args) })), finish, usage };
  },
};

const anthropicDriver: SdkDriver = {
  format: 'anthropic',
  finishText: 'end_turn',
  finishTool: 'tool_use',
  async send(proxyUrl, fam, stream, turn) {
    const client = new Anthropic({ apiKey: fam.key, baseURL: proxyUrl, maxRetries: 0 });
    const messages: Anthropic.MessageParam[] = [{ role: 'user', content: PROMPT }];
    if (turn.kind === 'tool-result') {
      const { call } = turn;
      messages.push(
        { role: 'assistant', content: [{ type: 'tool_use', id: call.id!, name: call.name, input: call.args }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id!, content: JSON.stringify(TOOL_RESULT) }] },
      );
    }
    const params: Anthropic.MessageCreateParamsNonStreaming = {
      model: fam.model, max_tokens: 256, messages,
      ...(turn.kind === 'text' ? {} : { tools: [{ name: TOOL, description: 'Weather for a city', input_schema: WEATHER_SCHEMA as Anthropic.Tool.InputSchema }] }),
    };
    const msg = stream ? await client.messages.stream(params).finalMessage() : await client.messages.create(params);
    return {
      text: msg.content.map((b) => (b.type === 'text' ? b.text : '')).join(''),
      calls: msg.content.flatMap((b) => (b.type === 'tool_use' ? [{ id: b.id, name: b.name, args: b.input }] : [])),
      finish: msg.stop_reason ?? undefined,
      usage: { input: msg.usage.input_tokens, output: msg.usage.output_tokens },
    };
  },
};

const geminiDriver: SdkDriver = {
  format: 'gemini',
  finishText: 'STOP',
  finishTool: 'STOP',
  async send(proxyUrl, fam, stream, turn) {
    const client = new GoogleGenAI({ apiKey: fam.key, httpOptions: { baseUrl: proxyUrl } });
    const contents: Content[] = [{ role: 'user', parts: [{ text: PROMPT }] }];
    if (turn.kind === 'tool-result') {
      const { call } = turn;
      const id = call.id ? { id: call.id } : {};
      contents.push(
        { role: 'model', parts: [{ functionCall: { name: call.name, args: call.args as Record<string, unknown>, ...id } }] },
        { role: 'user', parts: [{ functionResponse: { name: call.name, response: TOOL_RESULT, ...id } }] },
      );
    }
    const config = turn.kind === 'text' ? undefined : {
      tools: [{
        functionDeclarations: [{
          name: TOOL, description: 'Weather for a city',
          parameters: {
            type: Type.OBJECT,
            properties: {
              city: { type: Type.STRING }, unit: { type: Type.STRING, enum: ['celsius', 'fahrenheit'] }, days: { type: Type.INTEGER },
              hourly: { type: Type.BOOLEAN }, tags: { type: Type.ARRAY, items: { type: Type.STRING } },
            },
            required: ['city'],
          },
        }],
      }],
    };
    const responses: GenerateContentResponse[] = [];
    if (stream) {
      for await (const chunk of await client.models.generateContentStream({ model: fam.model, contents, config })) responses.push(chunk);
    } else {
      responses.push(await client.models.generateContent({ model: fam.model, contents, config }));
    }
    // Read parts directly: the SDK's `.text` getter warns when a response also holds function calls.
    const parts = responses.flatMap((r) => r.candidates?.[0]?.content?.parts ?? []);
    const finish = responses.map((r) => r.candidates?.[0]?.finishReason).filter(Boolean).at(-1);
    const meta = responses.map((r) => r.usageMetadata).filter(Boolean).at(-1);
    return {
      text: parts.filter((p) => p.text && !p.thought).map((p) => p.text).join(''),
      calls: parts.flatMap((p) => (p.functionCall ? [{ id: p.functionCall.id, name: p.functionCall.name ?? '', args: p.functionCall.args }] : [])),
      finish,
      usage: meta && { input: meta.promptTokenCount ?? 0, output: meta.candidatesTokenCount ?? 0 },
    };
  },
};

// ---- assertions on what the upstream received ---------------------------------------------------

/** The tool call + tool result as the upstream saw them in its own wire format. */
function upstreamToolExchange(req: RecordedRequest): { callId?: string; resultId?: string; callName: string; resultName?: string; args: unknown; result: string } {
  const b = req.body;
  if (req.format === 'openai') {
    const assistant = b.messages.find((m: any) => m.role === 'assistant' && m.tool_calls);
    const tool = b.messages.find((m: any) => m.role === 'tool');
    const tc = assistant.tool_calls[0];
    return { callId: tc.id, resultId: tool.tool_call_id, callName: tc.function.name, args: JSON.parse(tc.function.arguments), result: JSON.stringify(tool.content) };
  }
  if (req.format === 'gemini') {
    const parts = b.contents.flatMap((c: any) => c.parts);
    const fc = parts.find((p: any) => p.functionCall).functionCall;
    const fr = parts.find((p: any) => p.functionResponse).functionResponse;
    return { callName: fc.name, resultName: fr.name, args: fc.args, result: JSON.stringify(fr.response) };
  }
  const blocks = b.messages.flatMap((m: any) => (Array.isArray(m.content) ? m.content : []));
  const use = blocks.find((c: any) => c.type === 'tool_use');
  const res = blocks.find((c: any) => c.type === 'tool_result');
  return { callId: use.id, resultId: res.tool_use_id, callName: use.name, args: use.input, result: JSON.stringify(res.content) };
}

function expectUpstreamRequest(req: RecordedRequest, fam: Family, stream: boolean): void {
  expect(req.stream).toBe(stream);
  if (fam.platform === 'bedrock') {
    expect(req.format).toBe('bedrock');
    expect(req.path).toBe(`/model/${encodeURIComponent(fam.upstreamModel)}/${stream ? 'invoke-with-response-stream' : 'invoke'}`);
  } else if (fam.upstreamFormat === 'gemini') {
    expect(req.path).toBe(`/v1beta/models/${fam.upstreamModel}:${stream ? 'streamGenerateContent' : 'generateContent'}`);
  } else {
    expect(req.format).toBe(fam.upstreamFormat);
    expect(req.body.model).toBe(fam.upstreamModel);
  }
}

function expectUsageEvent(ev: UsageEvent, fam: Family, sdk: SdkDriver, stream: boolean, upstream: { input: number; output: number }): void {
  const tokens = { inputTokens: upstream.input, outputTokens: upstream.output, cacheCreationInputTokens: 0, cacheReadInputTokens: 0 };
  expect(ev).toMatchObject({
    ...tokens, status: 200, platform: fam.platform, clientFormat: sdk.format, model: fam.model, upstreamModel: fam.upstreamModel, stream,
  });
  const price = toModelPrice(fam.price);
  expect(ev.price).toEqual(price);
  expect(ev.totalCost).toBe(computeCost(tokens, price, parseRate(RATE)).rated.totalCost);
}

// ---- the matrix ---------------------------------------------------------------------------------

const SDKS: [string, SdkDriver][] = [['openai', openaiDriver], ['@anthropic-ai/sdk', anthropicDriver], ['@google/genai', geminiDriver]];
const FAMILY_ROWS = (Object.keys(FAMILIES) as FamilyName[]).map((name) => [name, FAMILIES[name]] as const);
const MODES = [
  { mode: 'json', stream: false, scenario: 'text' },
  { mode: 'stream', stream: true, scenario: 'text' },
  { mode: 'json', stream: false, scenario: 'tool round trip' },
  { mode: 'stream', stream: true, scenario: 'tool round trip' },
] as const;

describe('translation matrix: SDK × upstream family × json/stream × text/tool round trip', () => {
  let mock: MockUpstream;
  let proxy: TestProxy;
  let usage: UsageReader;
  beforeAll(async () => {
    mock = await startMockUpstream({ bedrockCredentials: AWS });
    proxy = await startTestProxy({ spec: matrixSpec(mock.url) });
    usage = await usageReader(proxy.store);
  });
  afterAll(async () => {
    await proxy?.close();
    await mock?.close();
  });

  describe.each(SDKS)('%s SDK', (_sdkName, sdk) => {
    describe.each(FAMILY_ROWS)('→ %s upstream', (_famName, fam) => {
      beforeEach(async () => {
        mock.reset();
        mock.setResponder(responder(fam));
        await usage.drain(); // a failed case must not shift the next one's events
      });

      it.each(MODES)('$mode, $scenario', async ({ stream, scenario }) => {
        if (scenario === 'text') {
          const answer = await sdk.send(proxy.url, fam, stream, { kind: 'text' });
          expect(answer.text).toBe(TEXT_REPLY);
          expect(answer.calls).toEqual([]);
          expect(answer.finish).toBe(sdk.finishText);
          const [req] = mock.requests;
          expect(mock.requests).toHaveLength(1);
          expectUpstreamRequest(req, fam, stream);
          expect(answer.usage).toEqual(usageFor(req.seq));
          const [ev] = await usage.next(1);
          expectUsageEvent(ev, fam, sdk, stream, usageFor(req.seq));
          return;
        }

        // Turn 1: the model asks for the tool.
        const first = await sdk.send(proxy.url, fam, stream, { kind: 'tool-call' });
        expect(first.text).toBe('');
        expect(first.calls).toHaveLength(1);
        const [call] = first.calls;
        expect(call.name).toBe(TOOL);
        expect(call.args).toEqual(TOOL_ARGS);
        expect(first.finish).toBe(sdk.finishTool);
        // Where both sides carry ids, the SDK sees the mock's own id.
        if (fam.mockToolId && sdk.format !== 'gemini') expect(call.id).toBe(fam.mockToolId);
        if (sdk.format !== 'gemini') expect(call.id).toBeTruthy();
        const [req1] = mock.requests;
        expectUpstreamRequest(req1, fam, stream);
        expect(first.usage).toEqual(usageFor(req1.seq));

        // Turn 2: the client sends the result back in its own format; the upstream gets it in its own.
        const second = await sdk.send(proxy.url, fam, stream, { kind: 'tool-result', call });
        expect(second.text).toBe(FINAL_REPLY);
        expect(second.calls).toEqual([]);
        expect(second.finish).toBe(sdk.finishText);
        expect(mock.requests).toHaveLength(2);
        const req2 = mock.requests[1];
        expectUpstreamRequest(req2, fam, stream);
        expect(second.usage).toEqual(usageFor(req2.seq));
        const seen = upstreamToolExchange(req2);
        expect(seen.callName).toBe(TOOL);
        expect(seen.args).toEqual(TOOL_ARGS);
        expect(seen.result).toContain('21');
        expect(seen.result).toContain('cloudy');
        if (fam.upstreamFormat === 'gemini') {
          expect(seen.resultName).toBe(TOOL);
        } else {
          expect(seen.callId).toBeTruthy();
          expect(seen.resultId).toBe(seen.callId);
          // The id the client echoed is the id the upstream issued (round trip without renaming).
          if (sdk.format !== 'gemini') expect(seen.callId).toBe(call.id);
        }

        const [ev1, ev2] = await usage.next(2);
        expectUsageEvent(ev1, fam, sdk, stream, usageFor(req1.seq));
        expectUsageEvent(ev2, fam, sdk, stream, usageFor(req2.seq));
      });
    });
  });
});
