import { describe, expect, it } from 'vitest';
import { SseDecoder, formatSse } from './sse-decoder.ts';

describe('SseDecoder', () => {
  it('decodes events split at every byte, including a multi-byte character', () => {
    const text = 'event: content_block_delta\ndata: {"text":"héllo 世界 🎉"}\n\n: comment\r\ndata: [DONE]\r\n\r\n';
    const bytes = Buffer.from(text, 'utf8');
    const d = new SseDecoder();
    const events = [];
    for (let i = 0; i < bytes.length; i++) events.push(...d.push(bytes.subarray(i, i + 1)));
    events.push(...d.end());
    expect(events).toEqual([
      { event: 'content_block_delta', data: '{"text":"héllo 世界 🎉"}' },
      { data: '[DONE]' },
    ]);
  });

  it('joins multi-line data and round-trips through formatSse', () => {
    const d = new SseDecoder();
    const ev = { event: 'x', data: 'a\nb' };
    expect(d.push(Buffer.from(formatSse(ev)))).toEqual([ev]);
  });

  it('flushes a trailing event without a blank line at end()', () => {
    const d = new SseDecoder();
    expect(d.push(Buffer.from('data: tail'))).toEqual([]);
    expect(d.end()).toEqual([{ data: 'tail' }]);
  });

  it('counts the bytes of the event still open, whatever the split', () => {
    const text = 'event: a\ndata: 1\n\ndata: 2\r\n\r\ndata: par';
    const bytes = Buffer.from(text, 'utf8');
    for (let cut = 1; cut < bytes.length; cut++) {
      const d = new SseDecoder();
      d.push(bytes.subarray(0, cut));
      const seen = bytes.subarray(0, cut).toString('utf8');
      const ends = [seen.lastIndexOf('\n\n'), seen.lastIndexOf('\r\n\r\n')];
      const lastBoundary = Math.max(0, ends[0] === -1 ? 0 : ends[0] + 2, ends[1] === -1 ? 0 : ends[1] + 4);
      expect(d.openBytes()).toBe(cut - lastBoundary);
      d.push(bytes.subarray(cut));
      expect(d.openBytes()).toBe('data: par'.length);
    }
  });

  it('reads a bare JSON object line (Gemini\'s mid-stream error) as an event of its own', () => {
    const d = new SseDecoder();
    const error = '{"error":{"code":503,"message":"overloaded","status":"UNAVAILABLE"}}';
    expect(d.push(Buffer.from(`data: {"a":1}\r\n\r\n${error}`))).toEqual([{ data: '{"a":1}' }]);
    expect(d.openBytes()).toBe(error.length);
    expect(d.end()).toEqual([{ data: error }]);
  });

  it('reads fields on the bytes: a BOM opening the stream, a field without colon, colons in the value, unknown fields and comments', () => {
    const text = '\ufeffevent: a:b\ndata\ndata:x: y\nid: 7\nretry: 10\n: note\nevent:c\n\n\ufeffdata: z\n\n';
    const bytes = Buffer.from(text, 'utf8');
    for (let cut = 0; cut <= bytes.length; cut++) {
      const d = new SseDecoder();
      const events = [...d.push(bytes.subarray(0, cut)), ...d.push(bytes.subarray(cut)), ...d.end()];
      // Only the stream's first BOM is dropped; a later one is part of the field name.
      expect(events).toEqual([{ event: 'c', data: '\nx: y' }]);
    }
  });

  it('reports where each event ends in stream bytes, in ASCII and in multi-byte text alike', () => {
    for (const text of ['data: a\n\nevent: b\ndata: c\r\n\r\ndata: d', 'data: é\n\nevent: 世\ndata: 🎉\r\n\r\ndata: ü']) {
      const bytes = Buffer.from(text, 'utf8');
      const first = Buffer.byteLength(text.slice(0, text.indexOf('\n\n') + 2));
      const second = Buffer.byteLength(text.slice(0, text.indexOf('\r\n\r\n') + 4));
      const d = new SseDecoder();
      expect(d.push(bytes)).toHaveLength(2);
      expect(d.eventEnds()).toEqual([first, second]);
      expect(d.openBytes()).toBe(bytes.length - second);
      expect(d.end()).toHaveLength(1);
      expect(d.eventEnds()).toEqual([bytes.length]);
    }
  });
});

