/** Rounds a maximum up to a "nice" axis top (1, 2, 2.5, 5 × 10^n) so gridlines read cleanly. */
export function niceMax(max: number): number {
  if (!(max > 0)) return 0;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * magnitude >= max) return step * magnitude;
  return 10 * magnitude;
}

/** Decimal-string USD → number for plotting only (never for arithmetic on money). */
export function usdToPlot(value: string | null | undefined): number {
  const n = Number(value ?? 0);
  return Number.isFinite(n) ? n : 0;
}
