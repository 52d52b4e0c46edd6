import { describe, expect, it } from 'vitest';
import { initialProxyTestRun, isSuccess, proxyTestReducer, type ProxyTestAction } from './proxy-test-run.ts';
import type { ProxyTestEvent } from '../../graphql/subscriptions/proxy-test.ts';

const ev = (kind: ProxyTestEvent['kind'], over: Partial<ProxyTestEvent> = {}): ProxyTestAction => ({
  type: 'event', event: { kind, text: null, status: null, latencyMs: null, firstTokenMs: null, error: null, ...over },
});
const run = (...actions: ProxyTestAction[]) => actions.reduce(proxyTestReducer, initialProxyTestRun);

describe('proxy test run', () => {
  it('grows the answer with each piece and ends with the status and timings', () => {
    const partial = run({ type: 'start' }, ev('STARTED'), ev('TEXT', { text: 'Hel' }), ev('TEXT', { text: 'lo' }));
    expect(partial).toMatchObject({ phase: 'running', text: 'Hello', final: null });
    const done = proxyTestReducer(partial, ev('DONE', { text: 'Hello', status: 200, latencyMs: 120, firstTokenMs: 30 }));
    expect(done).toMatchObject({ phase: 'finished', text: 'Hello', final: { status: 200, firstTokenMs: 30 } });
    expect(isSuccess(done.final!)).toBe(true);
  });

  it('keeps the partial answer on an error, and a new run starts empty', () => {
    const failed = run({ type: 'start' }, ev('TEXT', { text: 'Hi' }), ev('ERROR', { status: 200, error: 'upstream stream error: overloaded' }));
    expect(failed).toMatchObject({ phase: 'finished', text: 'Hi' });
    expect(isSuccess(failed.final!)).toBe(false);
    expect(proxyTestReducer(failed, { type: 'start' })).toEqual({ phase: 'running', text: '', final: null });
  });

  it('ignores pieces still in flight after Stop', () => {
    const stopped = run({ type: 'start' }, ev('TEXT', { text: 'Hi' }), { type: 'stop' }, ev('TEXT', { text: ' there' }), ev('DONE', { text: 'Hi there', status: 200 }));
    expect(stopped).toEqual({ phase: 'stopped', text: 'Hi', final: null });
  });
});
