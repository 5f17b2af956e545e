import type { Counts, State } from '../api/types.js';
import { formatDate, formatNumber, formatPercent } from '../format.js';
import { STATE_LABELS } from './state-badge.js';

/** The order states stack in: the ones needing action first, so they are never hidden at the end. */
export const BAR_STATES: State[] = ['overdue', 'violating', 'unknown', 'excepted', 'compliant'];

/**
 * One ban's devices in scope as a stacked bar. The legend repeats every number in text, so the
 * colours are never the only way to read it.
 */
export function StateBar({
  counts,
  label,
  legend = 'full',
}: {
  counts: Counts;
  label: string;
  /** `issues`: only the states that need action and are not zero; `none`: the row around it has the numbers. */
  legend?: 'full' | 'issues' | 'none';
}) {
  const total = counts.inScope || BAR_STATES.reduce((sum, s) => sum + (counts[s] ?? 0), 0);
  const summary = BAR_STATES.map((s) => `${STATE_LABELS[s]} ${counts[s] ?? 0}`).join(', ');
  return (
    <figure className={legend === 'full' ? 'state-bar' : 'state-bar compact'}>
      <div className="state-bar-track" role="img" aria-label={`${label}: ${summary} of ${total} in scope`}>
        {total > 0
          ? BAR_STATES.map((state) => {
              const n = counts[state] ?? 0;
              if (n === 0) return null;
              // Tiny but non-zero shares stay visible.
              const width = Math.max((n / total) * 100, 0.8);
              return (
                <span
                  key={state}
                  className={`state-bar-part fill-${state}`}
                  style={{ width: `${width}%` }}
                  title={`${STATE_LABELS[state]}: ${formatNumber(n)} (${formatPercent(n, total)})`}
                />
              );
            })
          : null}
      </div>
      {legend === 'none' ? null : (
        <figcaption className="legend">
          {BAR_STATES.filter(
            (state) => legend === 'full' || (state !== 'compliant' && (counts[state] ?? 0) > 0),
          ).map((state) => (
            <span key={state} className="legend-item">
              <span className={`swatch fill-${state}`} aria-hidden="true" />
              {STATE_LABELS[state]} <strong>{formatNumber(counts[state] ?? 0)}</strong>
            </span>
          ))}
        </figcaption>
      )}
    </figure>
  );
}

export interface Series {
  name: string;
  className: string;
  values: number[];
}

interface LineChartProps {
  title: string;
  dates: string[];
  series: Series[];
  /** Fix the y range, e.g. [0, 100] for percentages. */
  domain?: [number, number];
  unit?: string;
  height?: number;
}

const WIDTH = 560;
const PAD = { top: 12, right: 16, bottom: 28, left: 48 };

function niceMax(value: number): number {
  if (value <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * magnitude >= value) return step * magnitude;
  }
  return 10 * magnitude;
}

/** A line chart over dates in SVG; the first series is filled as an area. */
export function LineChart({ title, dates, series, domain, unit = '', height = 220 }: LineChartProps) {
  const n = dates.length;
  const all = series.flatMap((s) => s.values);
  const lo = domain ? domain[0] : 0;
  const hi = domain ? domain[1] : niceMax(Math.max(...all, 0));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = height - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (n <= 1 ? plotW / 2 : (i / (n - 1)) * plotW);
  const y = (v: number) => PAD.top + plotH - ((v - lo) / (hi - lo || 1)) * plotH;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => lo + f * (hi - lo));
  const labelEvery = Math.max(1, Math.ceil(n / 6));
  const last = (s: Series) => s.values[s.values.length - 1];
  const description = series
    .map((s) => `${s.name}: from ${fmt(s.values[0])}${unit} to ${fmt(last(s))}${unit}`)
    .join('; ');

  return (
    <figure className="chart">
      <svg
        viewBox={`0 0 ${WIDTH} ${height}`}
        role="img"
        aria-label={`${title}, ${formatDate(dates[0])} to ${formatDate(dates[n - 1])}. ${description}`}
        preserveAspectRatio="xMidYMid meet"
      >
        {ticks.map((t) => (
          <g key={t}>
            <line className="grid" x1={PAD.left} x2={WIDTH - PAD.right} y1={y(t)} y2={y(t)} />
            <text className="axis" x={PAD.left - 6} y={y(t) + 4} textAnchor="end">
              {fmt(t)}
              {unit}
            </text>
          </g>
        ))}
        {dates.map((d, i) =>
          (i % labelEvery === 0 && n - 1 - i >= labelEvery / 2) || i === n - 1 ? (
            <text
              key={d}
              className="axis"
              x={x(i)}
              y={height - 8}
              textAnchor={i === 0 && n > 1 ? 'start' : i === n - 1 && n > 1 ? 'end' : 'middle'}
            >
              {shortDate(d)}
            </text>
          ) : null,
        )}
        {series.map((s, index) => {
          const points = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`);
          return (
            <g key={s.name} className={s.className}>
              {index === 0 && n > 1 ? (
                <polygon
                  className="area"
                  points={`${x(0)},${y(lo)} ${points.join(' ')} ${x(n - 1)},${y(lo)}`}
                />
              ) : null}
              <polyline className="line" points={points.join(' ')} />
              {n > 0 ? <circle className="dot" cx={x(n - 1)} cy={y(last(s) ?? 0)} r={3.5} /> : null}
            </g>
          );
        })}
      </svg>
      <figcaption className="legend">
        {series.map((s) => (
          <span key={s.name} className="legend-item">
            <span className={`swatch line-swatch ${s.className}`} aria-hidden="true" />
            {s.name}: now <strong>{`${fmt(last(s))}${unit}`}</strong>
          </span>
        ))}
      </figcaption>
    </figure>
  );
}

function fmt(value: number | undefined): string {
  if (value === undefined) return '—';
  return Number.isInteger(value) ? formatNumber(value) : value.toFixed(1);
}

function shortDate(iso: string): string {
  const date = new Date(iso);
  return date.toLocaleDateString('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });
}

/** Horizontal bars with their numbers written beside them. */
export function BarList({
  items,
  unit,
}: {
  items: { label: string; value: number; href?: string }[];
  unit: string;
}) {
  const max = Math.max(...items.map((i) => i.value), 1);
  return (
    <ol className="bar-list">
      {items.map((item) => (
        <li key={item.label}>
          <span className="bar-label">{item.label}</span>
          <span className="bar-track" aria-hidden="true">
            <span className="bar-fill" style={{ width: `${(item.value / max) * 100}%` }} />
          </span>
          <span className="bar-value">
            {formatNumber(item.value)} <span className="visually-hidden">{unit}</span>
          </span>
        </li>
      ))}
    </ol>
  );
}
