import { formatDate, relativeDays } from '../format.js';

export interface TimelineMark {
  label: string;
  at: string | null;
  note?: string;
}

/**
 * A ban's period on one axis: start, the minimum, the review and the end, with today marked. Each
 * mark is also listed in text below the axis.
 */
export function PeriodTimeline({ marks, now = Date.now() }: { marks: TimelineMark[]; now?: number }) {
  const dated = marks.filter((m): m is TimelineMark & { at: string } => m.at !== null);
  const times = dated.map((m) => new Date(m.at).getTime()).concat(now);
  const lo = Math.min(...times);
  const hiRaw = Math.max(...times);
  const hi = hiRaw === lo ? lo + 86_400_000 : hiRaw;
  const pos = (t: number) => ((t - lo) / (hi - lo)) * 100;
  const hasEnd = marks.some((m) => m.label === 'End' && m.at !== null);
  return (
    <div className="timeline">
      <div className="timeline-axis" aria-hidden="true">
        <span className={`timeline-span ${hasEnd ? '' : 'open-ended'}`} />
        {dated.map((m) => (
          <span key={m.label} className="timeline-mark" style={{ left: `${pos(new Date(m.at).getTime())}%` }}>
            <span className="timeline-dot" />
          </span>
        ))}
        <span className="timeline-now" style={{ left: `${pos(now)}%` }}>
          <span className="timeline-now-label">Today</span>
        </span>
      </div>
      <ol className="timeline-list">
        {marks.map((m) => (
          <li key={m.label} className={m.at && new Date(m.at).getTime() <= now ? 'past' : 'future'}>
            <span className="timeline-label">{m.label}</span>
            <span className="timeline-date">{m.at ? formatDate(m.at) : 'not set'}</span>
            {m.at ? <span className="muted">{relativeDays(m.at, now)}</span> : null}
            {m.note ? <span className="muted">{m.note}</span> : null}
          </li>
        ))}
      </ol>
    </div>
  );
}
