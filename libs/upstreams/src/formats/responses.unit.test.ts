import { describe, expect, it, vi } from 'vitest';
import { eventJson } from '../event-json.ts';
import { responsesBody, responsesUsageCollector } from './responses.ts';

const ev = (type: string, fields: Record<string, unknown> = {}) => ({ event: type, data: JSON.stringify({ type, ...fields }) });
const usage = { input_tokens: 120, input_tokens_details: { cached_tokens: 100, cache_write_tokens: 0 }, output_tokens: 30, output_tokens_details: { reasoning_tokens: 12 }, total_tokens: 150 };

describe('Responses API usage reader (passthrough billing)', () => {
  it('bills the terminal event\'s usage: input without the cached part, cached as cache reads', () => {
    const c = responsesUsageCollector();
    c.event(ev('response.created', { response: { usage: null } }));
    c.event(ev('response.output_text.delta', { delta: 'hi' }));
    c.event(ev('response.completed', { response: { usage } }));
    expect(c.usage()).toEqual({ inputTokens: 20, outputTokens: 30, cacheCreationInputTokens: 0, cacheReadInputTokens: 100, inputKnown: true });
  });

  it('reads response.incomplete and response.failed the same way, and a JSON body\'s usage', () => {
    for (const type of ['response.incomplete', 'response.failed']) {
      const c = responsesUsageCollector();
      c.event(ev(type, { response: { usage } }));
      expect(c.usage().outputTokens).toBe(30);
    }
    const j = responsesUsageCollector();
    j.json({ object: 'response', usage });
    expect(j.usage()).toMatchObject({ inputTokens: 20, cacheReadInputTokens: 100, inputKnown: true });
  });

  it('counts one output token per delta delivered when the stream was cut before its terminal event', () => {
    const c = responsesUsageCollector();
    c.event(ev('response.output_text.delta', { delta: 'a' }));
    c.event(ev('response.function_call_arguments.delta', { delta: '{' }));
    c.event({ data: JSON.stringify({ type: 'response.reasoning_summary_text.delta', delta: 'x' }) });
    c.event(ev('response.output_item.added', { item: {} }));
    expect(c.usage()).toEqual({ inputTokens: 0, outputTokens: 3, cacheCreationInputTokens: 0, cacheReadInputTokens: 0, inputKnown: false });
  });

  it('parses only the terminal event, once, sharing the parse with any other reader of the event', () => {
    const evs = [ev('response.created', { response: { usage: null } }), ev('response.output_text.delta', { delta: 'a' }), ev('response.completed', { response: { usage } })];
    const parse = vi.spyOn(JSON, 'parse');
    const c = responsesUsageCollector();
    for (const e of evs) c.event(e);
    eventJson(evs[2]!); // a later reader (the relay's translator) gets the collector's parse
    const parsed = parse.mock.calls.map(([text]) => text);
    parse.mockRestore();
    expect(parsed).toEqual([evs[2]!.data]);
    expect(c.usage().outputTokens).toBe(30);
  });

  it('forwards the client\'s bytes unless the account maps the model', () => {
    const raw = Buffer.from('{"model":"gpt-5","input":"x"}');
    expect(responsesBody({ model: 'gpt-5', input: 'x' }, raw, 'gpt-5')).toBe(raw);
    expect(JSON.parse(String(responsesBody({ model: 'alias', input: 'x' }, raw, 'gpt-5')))).toEqual({ model: 'gpt-5', input: 'x' });
  });
});
