// Small SVG charts (no chart library): a line/area chart for time series and horizontal bars
// for shares. Values are display-only numbers; the scale helpers are pure and unit-tested.
// The line chart draws in real pixels (its width is measured with a ResizeObserver) rather than
// stretching a fixed viewBox, so axis text keeps its size and shape on every screen.
import { useLayoutEffect, useRef, useState } from 'react';
import { niceTicks } from './chart-scale.ts';

export interface SeriesPoint {
  label: string;
  value: number;
  /** Text shown instead of format(value) (tooltip, bar chart), e.g. "$1.20 · 35%". */
  detail?: string;
}

/** Width in CSS pixels of the element behind `ref`, kept current as it resizes. */
function useMeasuredWidth<T extends HTMLElement>(fallback: number) {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(fallback);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const measure = (w: number) => setWidth(w > 0 ? Math.round(w) : fallback);
    measure(el.getBoundingClientRect().width);
    if (typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver((entries) => measure(entries[0]?.contentRect.width ?? 0));
    observer.observe(el);
    return () => observer.disconnect();
  }, [fallback]);
  return [ref, width] as const;
}

/** Approximate rendered width of an 11px axis label (no layout pass needed). */
const axisTextWidth = (text: string) => text.length * 6.4;

/** Line chart with an area fill, y gridlines on nice ticks and a hover read-out. */
export function LineChart({ points, height = 200, format = String, testId }: { points: readonly SeriesPoint[]; height?: number; format?: (v: number) => string; testId?: string }) {
  const [hover, setHover] = useState<number | null>(null);
  const [ref, width] = useMeasuredWidth<HTMLDivElement>(600);
  const ticks = niceTicks(Math.max(0, ...points.map((p) => p.value)));
  const max = ticks[ticks.length - 1];
  const pad = { top: 10, right: 16, bottom: 24, left: Math.ceil(Math.max(...ticks.map((v) => axisTextWidth(format(v))))) + 12 };
  const innerW = Math.max(10, width - pad.left - pad.right);
  const innerH = height - pad.top - pad.bottom;
  const x = (i: number) => pad.left + (points.length <= 1 ? innerW / 2 : (i / (points.length - 1)) * innerW);
  const y = (v: number) => pad.top + innerH - (max === 0 ? 0 : (v / max) * innerH);
  const line = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
  const area = points.length ? `${line} L${x(points.length - 1).toFixed(1)},${y(0)} L${x(0).toFixed(1)},${y(0)} Z` : '';
  // As many date labels as fit with breathing room (a label is about 36px wide).
  const fit = Math.max(2, Math.floor(innerW / 60));
  const labelEvery = Math.max(1, Math.ceil(points.length / fit));
  const slot = innerW / Math.max(1, points.length);
  return (
    <div className="chart" data-testid={testId} ref={ref}>
      <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" onMouseLeave={() => setHover(null)}>
        {ticks.map((v) => (
          <g key={v}>
            <line x1={pad.left} x2={width - pad.right} y1={y(v)} y2={y(v)} className="chart-grid" />
            <text x={pad.left - 8} y={y(v) + 4} textAnchor="end" className="chart-axis">
              {format(v)}
            </text>
          </g>
        ))}
        <path d={area} className="chart-area" />
        <path d={line} className="chart-line" fill="none" />
        {points.map((p, i) => (
          <g key={p.label}>
            {(points.length - 1 - i) % labelEvery === 0 && (
              <text x={x(i)} y={height - 6} textAnchor="middle" className="chart-axis">
                {p.label.slice(5)}
              </text>
            )}
            <rect x={x(i) - slot / 2} y={pad.top} width={slot} height={innerH} fill="transparent" onMouseEnter={() => setHover(i)} />
            {hover === i && <circle cx={x(i)} cy={y(p.value)} r={4} className="chart-dot" />}
          </g>
        ))}
      </svg>
      {hover !== null && points[hover] && (
        <div className="chart-tooltip">
          {points[hover].label}: <strong>{points[hover].detail ?? format(points[hover].value)}</strong>
        </div>
      )}
    </div>
  );
}

/** Horizontal bars: one row per label, bar length relative to the largest value. */
export function BarChart({ points, format = String, testId }: { points: readonly SeriesPoint[]; format?: (v: number) => string; testId?: string }) {
  const max = Math.max(0, ...points.map((p) => p.value));
  return (
    <div className="bar-chart" data-testid={testId}>
      {points.map((p) => (
        <div key={p.label} className="bar-row">
          <span className="bar-label" title={p.label}>
            {p.label}
          </span>
          <svg className="bar-track" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden>
            <rect x="0" y="0" width={max === 0 ? 0 : (p.value / max) * 100} height="10" rx="2" className="bar-fill" />
          </svg>
          <span className="bar-value">{p.detail ?? format(p.value)}</span>
        </div>
      ))}
    </div>
  );
}
