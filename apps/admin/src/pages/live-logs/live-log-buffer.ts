// Pure state for the live log: newest first, capped, with a hold-back queue while paused.
import type { LiveLogEntry } from '../../graphql/subscriptions/request-logged.ts';

export const LIVE_LOG_CAP = 200;

export interface LiveLogState {
  rows: LiveLogEntry[];
  /** Events that arrived while paused, shown on resume. */
  held: LiveLogEntry[];
  paused: boolean;
}

export const initialLiveLogState: LiveLogState = { rows: [], held: [], paused: false };

export type LiveLogAction = { type: 'event'; entry: LiveLogEntry } | { type: 'pause' } | { type: 'resume' } | { type: 'clear' };

function prepend(list: LiveLogEntry[], items: LiveLogEntry[]): LiveLogEntry[] {
  const seen = new Set(items.map((e) => e.requestId));
  return [...items, ...list.filter((e) => !seen.has(e.requestId))].slice(0, LIVE_LOG_CAP);
}

export function liveLogReducer(state: LiveLogState, action: LiveLogAction): LiveLogState {
  switch (action.type) {
    case 'event':
      return state.paused ? { ...state, held: prepend(state.held, [action.entry]) } : { ...state, rows: prepend(state.rows, [action.entry]) };
    case 'pause':
      return { ...state, paused: true };
    case 'resume':
      return { rows: prepend(state.rows, state.held), held: [], paused: false };
    case 'clear':
      return { ...state, rows: [], held: [] };
  }
}

export interface LiveLogFilter {
  userId: string;
  apiKeyId: string;
  model: string;
  status: '' | 'success' | 'error';
}

/**
 * Client-side check, applied on top of the server-side filter so changing filters is instant
 * for rows already shown. The user filter is server-side only (events carry no user id).
 */
export function matchesLiveFilter(e: LiveLogEntry, f: LiveLogFilter): boolean {
  if (f.apiKeyId && e.apiKeyId !== f.apiKeyId) return false;
  if (f.model && !e.model.toLowerCase().includes(f.model.toLowerCase())) return false;
  const ok = e.status >= 200 && e.status < 300;
  if (f.status === 'success' && !ok) return false;
  if (f.status === 'error' && ok) return false;
  return true;
}
