/**
 * The official SDKs read our translated streams: each test serves a translated client stream over
 * HTTP and lets openai / @anthropic-ai/sdk / @google/genai reassemble it.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import type { WireFormat } from '@relay/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SseDecoder } from '../../sse-decoder.ts';
import { createStreamTranslator } from '../index.ts';

const UPSTREAM = join(dirname(fileURLToPath(import.meta.url)), '..', '__fixtures__', 'upstream');
let body = '';
let server: Server;
let baseUrl = '';

function serve(upstream: WireFormat, client: WireFormat, fixture: string): void {
  const d = new SseDecoder();
  const tr = createStreamTranslator(upstream, client, { clientModel: 'client-model', requestId: 'req_sdk', includeUsage: true });
  body = [...d.push(readFileSync(join(UPSTREAM, fixture))), ...d.end()].map((ev) => tr.push(ev)).join('') + tr.end();
}

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => { await new Promise((r) => server.close(r)); });

describe('official SDKs accept translated streams', () => {
  it('openai SDK reassembles an Anthropic thinking + tool-call stream', async () => {
    serve('anthropic', 'openai', 'anthropic-thinking-tool.sse');
    const client = new OpenAI({ apiKey: 'k', baseURL: `${baseUrl}/v1`, maxRetries: 0 });
    const stream = client.chat.completions.stream({ model: 'client-model', messages: [{ role: 'user', content: 'hi' }], stream_options: { include_usage: true } });
    const done = await stream.finalChatCompletion();
    expect(done.choices[0].message.content).toBe('Let me check that.');
    expect(done.choices[0].finish_reason).toBe('tool_calls');
    expect(done.choices[0].message.tool_calls?.[0]).toMatchObject({ id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', function: { name: 'get_weather', arguments: '{"city": "München", "unit": "celsius"}' } });
    expect(done.usage).toMatchObject({ prompt_tokens: 480, completion_tokens: 89 });
  });

  it('anthropic SDK reassembles an OpenAI parallel tool-call stream', async () => {
    serve('openai', 'anthropic', 'openai-tool-calls.sse');
    const client = new Anthropic({ apiKey: 'k', baseURL: baseUrl, maxRetries: 0 });
    const msg = await client.messages.stream({ model: 'client-model', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] }).finalMessage();
    expect(msg.stop_reason).toBe('tool_use');
    expect(msg.content).toEqual([
      { type: 'tool_use', id: 'call_Qm3bXk9T2fLr8sNwYpV4cJ1d', name: 'get_weather', input: { city: 'München', unit: 'celsius' } },
      { type: 'tool_use', id: 'call_7HcVd2LkP0aZsQ1mX9rT5eWn', name: 'get_time', input: { tz: 'Europe/Berlin' } },
    ]);
    expect(msg.usage).toMatchObject({ input_tokens: 85, output_tokens: 40 });
  });

  it('anthropic SDK surfaces an upstream error midway as an error', async () => {
    serve('gemini', 'anthropic', 'gemini-error-midway.sse');
    const client = new Anthropic({ apiKey: 'k', baseURL: baseUrl, maxRetries: 0 });
    await expect(client.messages.stream({ model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'hi' }] }).finalMessage())
      .rejects.toThrow(/overloaded/i);
  });

  it('genai SDK reassembles an Anthropic text stream with usage', async () => {
    serve('anthropic', 'gemini', 'anthropic-text-ping.sse');
    const ai = new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl } });
    let text = '';
    let last: any;
    for await (const chunk of await ai.models.generateContentStream({ model: 'client-model', contents: 'hi' })) {
      text += chunk.text ?? '';
      last = chunk;
    }
    expect(text).toBe('héllo 世界 🎉');
    expect(last.candidates[0].finishReason).toBe('STOP');
    expect(last.usageMetadata).toMatchObject({ promptTokenCount: 2173, cachedContentTokenCount: 2048, candidatesTokenCount: 9 });
  });
});
