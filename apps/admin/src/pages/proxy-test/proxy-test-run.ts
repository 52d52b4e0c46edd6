// The state of one streamed proxy test on the page: the answer grows with each TEXT event, and
// the DONE or ERROR event carries the status and timings. Pure, so it is tested without a browser.
import type { ProxyTestEvent } from '../../graphql/subscriptions/proxy-test.ts';

export type ProxyTestPhase = 'idle' | 'running' | 'finished' | 'stopped';

export interface ProxyTestRun {
  phase: ProxyTestPhase;
  /** The answer as received so far. */
  text: string;
  /** The DONE or ERROR event, once it arrived. */
  final: ProxyTestEvent | null;
}

export type ProxyTestAction = { type: 'start' } | { type: 'event'; event: ProxyTestEvent } | { type: 'stop' };

export const initialProxyTestRun: ProxyTestRun = { phase: 'idle', text: '', final: null };

/** Applies one user action or subscription event. Events after a stop (already in flight) are ignored. */
export function proxyTestReducer(state: ProxyTestRun, action: ProxyTestAction): ProxyTestRun {
  switch (action.type) {
    case 'start':
      return { phase: 'running', text: '', final: null };
    case 'stop':
      return state.phase === 'running' ? { ...state, phase: 'stopped' } : state;
    case 'event': {
      if (state.phase !== 'running') return state;
      const e = action.event;
      if (e.kind === 'TEXT') return { ...state, text: state.text + (e.text ?? '') };
      // DONE carries the whole answer; ERROR keeps what arrived before the failure.
      if (e.kind === 'DONE') return { phase: 'finished', text: e.text ?? state.text, final: e };
      if (e.kind === 'ERROR') return { ...state, phase: 'finished', final: e };
      return state;
    }
  }
}

/** True when the finished test got a 2xx answer without error. */
export function isSuccess(final: ProxyTestEvent): boolean {
  return final.kind === 'DONE' && final.status !== null && final.status >= 200 && final.status < 300;
}
