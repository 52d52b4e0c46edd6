// Small SVG charts (no chart library): a line/area chart for time series and horizontal bars
// for shares. Values are display-only numbers; the scale helpers are pure and unit-tested.
import { useState } from 'react';
import { niceMax } from './chart-scale.ts';

export interface SeriesPoint {
  label: string;
  value: number;
  /** Text shown instead of format(value) (bar chart), e.g. "$1.20 · 35%". */
  detail?: string;
}

/** Line chart with an area fill, y gridlines and a hover read-out. */
export function LineChart({ points, height = 180, format = String, testId }: { points: readonly SeriesPoint[]; height?: number; format?: (v: number) => string; testId?: string }) {
  const [hover, setHover] = useState<number | null>(null);
  const width = 600;
  const pad = { top: 12, right: 12, bottom: 24, left: 48 };
  const max = niceMax(Math.max(0, ...points.map((p) => p.value)));
  const innerW = width - pad.left - pad.right;
  const innerH = height - pad.top - pad.bottom;
  const x = (i: number) => pad.left + (points.length <= 1 ? innerW / 2 : (i / (points.length - 1)) * innerW);
  const y = (v: number) => pad.top + innerH - (max === 0 ? 0 : (v / max) * innerH);
  const line = points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(p.value).toFixed(1)}`).join(' ');
  const area = points.length ? `${line} L${x(points.length - 1).toFixed(1)},${y(0)} L${x(0).toFixed(1)},${y(0)} Z` : '';
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => max * f);
  const labelEvery = Math.max(1, Math.ceil(points.length / 7));
  return (
    <div className="chart" data-testid={testId}>
      <svg viewBox={`0 0 ${width} ${height}`} role="img" preserveAspectRatio="none" onMouseLeave={() => setHover(null)}>
        {ticks.map((v) => (
          <g key={v}>
            <line x1={pad.left} x2={width - pad.right} y1={y(v)} y2={y(v)} className="chart-grid" />
            <text x={pad.left - 6} y={y(v) + 4} textAnchor="end" className="chart-axis">
              {format(v)}
            </text>
          </g>
        ))}
        <path d={area} className="chart-area" />
        <path d={line} className="chart-line" fill="none" />
        {points.map((p, i) => (
          <g key={p.label}>
            {i % labelEvery === 0 && (
              <text x={x(i)} y={height - 6} textAnchor="middle" className="chart-axis">
                {p.label.slice(5)}
              </text>
            )}
            <rect x={x(i) - innerW / Math.max(1, points.length) / 2} y={pad.top} width={innerW / Math.max(1, points.length)} height={innerH} fill="transparent" onMouseEnter={() => setHover(i)} />
            {hover === i && <circle cx={x(i)} cy={y(p.value)} r={4} className="chart-dot" />}
          </g>
        ))}
      </svg>
      {hover !== null && points[hover] && (
        <div className="chart-tooltip">
          {points[hover].label}: <strong>{format(points[hover].value)}</strong>
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
