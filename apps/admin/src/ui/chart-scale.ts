import type { Locale } from '../i18n/I18nProvider.tsx';
import { formatDecimalString } from './format.ts';

/** Decimal-string USD → number for plotting only (never for arithmetic on money). */
export function usdToPlot(value: string | null | undefined): number {
  const n = Number(value ?? 0);
  return Number.isFinite(n) ? n : 0;
}

/**
 * Evenly spaced axis ticks from 0 with a "nice" step (1, 2, 2.5, 5 × 10^n), at most `count`
 * intervals, the last tick ≥ max: 0.27 → [0, 0.1, 0.2, 0.3]. Each tick is rounded to the step's
 * precision so labels never show float noise (0.30000000000000004).
 */
export function niceTicks(max: number, count = 4): number[] {
  if (!(max > 0)) return [0];
  const step = niceStep(max / count);
  const decimals = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  const ticks: number[] = [];
  for (let i = 0; ticks.length === 0 || ticks[ticks.length - 1] < max; i++) ticks.push(Number((i * step).toFixed(decimals)));
  return ticks;
}

function niceStep(raw: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  for (const step of [1, 2, 2.5, 5]) if (step * magnitude >= raw * (1 - 1e-9)) return step * magnitude;
  return 10 * magnitude;
}

/**
 * Axis label for a dollar amount on a nice tick: at least two decimals, more only when the tick
 * needs them ("$0.10", "$0.025", "$1,200"). Display only.
 */
export function formatAxisUsd(value: number, locale?: Locale): string {
  // Ticks are plot numbers already rounded to their step; toFixed turns them into the decimal
  // string the money formatter draws in the UI language.
  if (value >= 1000) return formatDecimalString(Math.round(value).toString(), locale, true);
  return formatDecimalString(value.toFixed(6).replace(/(\.\d\d\d*?)0+$/, '$1'), locale, true);
}
