import type { SseEvent } from './sse-decoder.ts';

/** Kept on an event whose data is not JSON (`[DONE]`, a broken frame), so it is not parsed twice either. */
const NOT_JSON = Symbol('not JSON');

/**
 * The JSON of an upstream event's `data`, parsed the first time anyone asks and kept on the event.
 * The relay hands the same event object to the billing collector, the stream translator and the
 * usage-chunk filter, so each upstream event is parsed once however many of them read it; a
 * reader that needs only the event name (Anthropic's deltas, counted for billing) never parses.
 * undefined when the data is not JSON.
 */
export function eventJson(ev: SseEvent): any {
  let v = ev.parsed;
  if (v === undefined) {
    try { v = JSON.parse(ev.data); } catch { v = NOT_JSON; }
    ev.parsed = v;
  }
  return v === NOT_JSON ? undefined : v;
}
