/**
 * A plain SVG line chart. Time runs left to right in both languages (the SVG is always
 * laid out left-to-right; only its digits follow the language). Downsampled series come
 * as min/max per bucket: drawn as a band so that spikes still show.
 */
import { useId } from 'react';

export interface ChartSeries {
  /** x per point (row number or epoch ms). */
  x: number[];
  min: (number | null)[];
  /** Same as min when every point is one value. */
  max: (number | null)[];
  color?: string;
}

export interface ChartMarker {
  x: number;
  y: number;
  color?: string;
  label?: string;
}

export interface LineChartProps {
  series: ChartSeries[];
  markers?: ChartMarker[];
  /** Shaded x ranges (e.g. the gap between the window and its target). */
  spans?: { from: number; to: number; color: string; label?: string }[];
  formatX: (x: number) => string;
  formatY: (y: number) => string;
  /** Accessible description. */
  title: string;
  yLabel?: string;
  height?: number;
  /** Draw points as dots too (short series). */
  dots?: boolean;
  testId?: string;
}

const W = 760;
const PAD = { left: 64, right: 16, top: 14, bottom: 30 };

/** About `n` round tick values covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, n = 5): number[] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return [];
  if (lo === hi) return [lo];
  const raw = (hi - lo) / n;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

export function LineChart({ series, markers = [], spans = [], formatX, formatY, title, yLabel, height = 240, dots = false, testId }: LineChartProps) {
  const titleId = useId();
  const H = height;
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (const s of series) {
    for (let i = 0; i < s.x.length; i++) {
      const lo = s.min[i];
      const hi = s.max[i];
      if (lo == null || hi == null) continue;
      x0 = Math.min(x0, s.x[i]!);
      x1 = Math.max(x1, s.x[i]!);
      y0 = Math.min(y0, lo);
      y1 = Math.max(y1, hi);
    }
  }
  for (const m of markers) {
    x0 = Math.min(x0, m.x);
    x1 = Math.max(x1, m.x);
    y0 = Math.min(y0, m.y);
    y1 = Math.max(y1, m.y);
  }
  const empty = !Number.isFinite(x0);
  if (!empty) {
    if (x0 === x1) {
      x0 -= 1;
      x1 += 1;
    }
    const pad = (y1 - y0) * 0.06 || Math.abs(y0) * 0.05 || 1;
    y0 -= pad;
    y1 += pad;
  }
  const sx = (x: number) => PAD.left + ((x - x0) / (x1 - x0)) * (W - PAD.left - PAD.right);
  const sy = (y: number) => H - PAD.bottom - ((y - y0) / (y1 - y0)) * (H - PAD.top - PAD.bottom);
  const yTicks = empty ? [] : niceTicks(y0, y1, 5);
  const xTicks = empty ? [] : Array.from({ length: 5 }, (_, i) => x0 + ((x1 - x0) * i) / 4);

  return (
    <svg className="line-chart" viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={titleId} direction="ltr" data-testid={testId}>
      <title id={titleId}>{title}</title>
      <rect x={PAD.left} y={PAD.top} width={W - PAD.left - PAD.right} height={H - PAD.top - PAD.bottom} className="chart-area" />
      {spans.map((s, i) => (
        <g key={`s${i}`}>
          <rect x={sx(s.from)} y={PAD.top} width={Math.max(1, sx(s.to) - sx(s.from))} height={H - PAD.top - PAD.bottom} fill={s.color} />
          {s.label && (
            <text x={(sx(s.from) + sx(s.to)) / 2} y={PAD.top + 14} textAnchor="middle" className="chart-span-label">
              {s.label}
            </text>
          )}
        </g>
      ))}
      {yTicks.map((v) => (
        <g key={`y${v}`}>
          <line x1={PAD.left} x2={W - PAD.right} y1={sy(v)} y2={sy(v)} className="chart-grid" />
          <text x={PAD.left - 6} y={sy(v) + 4} textAnchor="end" className="chart-tick">
            {formatY(v)}
          </text>
        </g>
      ))}
      {xTicks.map((v, i) => (
        <text key={`x${i}`} x={sx(v)} y={H - PAD.bottom + 18} textAnchor={i === 0 ? 'start' : i === xTicks.length - 1 ? 'end' : 'middle'} className="chart-tick">
          {formatX(v)}
        </text>
      ))}
      {yLabel && (
        <text x={12} y={(H - PAD.bottom + PAD.top) / 2} transform={`rotate(-90 12 ${(H - PAD.bottom + PAD.top) / 2})`} textAnchor="middle" className="chart-tick">
          {yLabel}
        </text>
      )}
      {series.map((s, si) => {
        const pts: [number, number, number][] = [];
        for (let i = 0; i < s.x.length; i++) {
          const lo = s.min[i];
          const hi = s.max[i];
          if (lo != null && hi != null) pts.push([sx(s.x[i]!), sy(lo), sy(hi)]);
        }
        const color = s.color ?? 'var(--accent)';
        const band = pts.some(([, a, b]) => Math.abs(a - b) > 0.5);
        const mid = pts.map(([x, a, b]) => `${x.toFixed(1)},${((a + b) / 2).toFixed(1)}`).join(' ');
        return (
          <g key={`l${si}`}>
            {band && (
              <polygon
                points={[...pts.map(([x, , b]) => `${x.toFixed(1)},${b.toFixed(1)}`), ...[...pts].reverse().map(([x, a]) => `${x.toFixed(1)},${a.toFixed(1)}`)].join(' ')}
                fill={color}
                fillOpacity={0.35}
                stroke={color}
                strokeWidth={0.8}
              />
            )}
            {!band && <polyline points={mid} fill="none" stroke={color} strokeWidth={1.6} />}
            {dots && pts.map(([x, a], i) => <circle key={i} cx={x} cy={a} r={2.5} fill={color} />)}
          </g>
        );
      })}
      {markers.map((m, i) => (
        <g key={`m${i}`}>
          <circle cx={sx(m.x)} cy={sy(m.y)} r={5} fill={m.color ?? 'var(--bad)'} stroke="#fff" strokeWidth={1.5} />
          {m.label && (
            <text x={sx(m.x) - 8} y={sy(m.y) - 9} textAnchor="end" className="chart-marker-label">
              {m.label}
            </text>
          )}
        </g>
      ))}
    </svg>
  );
}
