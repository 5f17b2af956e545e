import { useState } from 'react';
import type { Counts, Overview, OverviewBan, Trend, UpcomingItem, UpcomingKind } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { BanOptions } from '../components/ban-options.js';
import { BarList, LineChart, StateBar } from '../components/charts.js';
import { EmptyState, ErrorView, Loading, PageHeader } from '../components/feedback.js';
import { formatDate, formatNumber, formatPercent, relativeDays } from '../format.js';
import { Link, useTitle } from '../router.js';
import { useSession } from '../session.js';

export function OverviewPage() {
  useTitle('Overview');
  const { can } = useSession();
  const overview = useApi<Overview>('/api/v1/overview');
  const data = overview.data;

  return (
    <>
      <PageHeader
        title="Overview"
        subtitle="Every ban in force, and how the devices in its scope stand today."
        actions={
          <Link className="button" to="/reports">
            Reports
          </Link>
        }
      />
      {overview.error ? <ErrorView error={overview.error} retry={overview.reload} /> : null}
      {!data && !overview.error ? <Loading what="the overview" /> : null}
      {data && data.bans.length === 0 ? (
        <EmptyState title="No bans yet.">
          <p>
            Apply a ban file with <code>appban apply bans/your-ban.yaml</code>
            {can('bans:write') ? (
              <>
                {' '}
                or on the <Link to="/bans">Bans</Link> page
              </>
            ) : null}
            . Start from a real government ban with <code>appban init --from be-federal-2023</code>.
          </p>
        </EmptyState>
      ) : null}
      {data && data.bans.length > 0 ? (
        <>
          <section aria-labelledby="bans-heading" className="section">
            <h2 id="bans-heading" className="visually-hidden">
              Bans
            </h2>
            <div className="ban-cards">
              {data.bans.map((ban) => (
                <BanCard key={ban.id} ban={ban} />
              ))}
            </div>
          </section>
          <div className="grid-2">
            <TrendPanel bans={data.bans} />
            <UpcomingPanel items={data.upcoming} />
          </div>
          <OverdueGroups bans={data.bans} />
        </>
      ) : null}
    </>
  );
}

const TILES: { key: keyof Counts; label: string; tone: string }[] = [
  { key: 'inScope', label: 'In scope', tone: 'neutral' },
  { key: 'compliant', label: 'Compliant', tone: 'compliant' },
  { key: 'violating', label: 'Violating', tone: 'violating' },
  { key: 'overdue', label: 'Overdue', tone: 'overdue' },
  { key: 'excepted', label: 'Excepted', tone: 'excepted' },
  { key: 'unknown', label: 'Unknown', tone: 'unknown' },
];

function BanCard({ ban }: { ban: OverviewBan }) {
  const c = ban.counts;
  const headingId = `ban-${ban.id}`;
  return (
    <article className="card ban-card" aria-labelledby={headingId}>
      <header className="ban-card-head">
        <h3 id={headingId}>
          <Link to={`/bans/${encodeURIComponent(ban.id)}`}>{ban.title}</Link>
        </h3>
        <p className="muted small">
          <code>{ban.id}</code>
          {ban.revision ? ` · revision ${ban.revision}` : ''}
        </p>
      </header>
      <dl className="tiles">
        {TILES.map((tile) => {
          const value = c[tile.key] ?? 0;
          const link =
            tile.key === 'inScope' || value === 0
              ? null
              : `/devices?ban=${encodeURIComponent(ban.id)}&state=${tile.key}`;
          return (
            <div key={tile.key} className={`tile tone-${tile.tone}`}>
              <dt>{tile.label}</dt>
              <dd>
                {link ? (
                  <Link
                    to={link}
                    aria-label={`${formatNumber(value)} ${tile.label.toLowerCase()}: show the devices`}
                  >
                    {formatNumber(value)}
                  </Link>
                ) : (
                  formatNumber(value)
                )}
                {tile.key === 'compliant' ? (
                  <span className="tile-note">{formatPercent(value, c.inScope)}</span>
                ) : null}
              </dd>
            </div>
          );
        })}
      </dl>
      <StateBar counts={c} label={ban.title} legend="none" />
    </article>
  );
}

function TrendPanel({ bans }: { bans: OverviewBan[] }) {
  const [banId, setBanId] = useState(bans[0]?.id ?? '');
  const trend = useApi<Trend>(banId ? '/api/v1/reports/trend' : null, { ban: banId, points: 30 });
  const points = trend.data?.banId === banId ? trend.data.points : [];
  const dates = points.map((p) => p.at);
  const compliance = points.map((p) => {
    const c = p.counts;
    return c.inScope > 0 ? ((c.compliant + c.excepted) / c.inScope) * 100 : 0;
  });
  const breaking = points.map((p) => p.counts.violating + p.counts.overdue);
  const unknown = points.map((p) => p.counts.unknown);
  return (
    <section className="card" aria-labelledby="trend-heading">
      <header className="card-head card-head-row">
        <h2 id="trend-heading">Compliance over time</h2>
        <div className="field field-inline">
          <label htmlFor="trend-ban">Ban</label>
          <select id="trend-ban" value={banId} onChange={(e) => setBanId(e.target.value)}>
            <BanOptions bans={bans} />
          </select>
        </div>
      </header>
      {trend.error ? <ErrorView error={trend.error} retry={trend.reload} /> : null}
      {!trend.error && points.length === 0 ? (
        trend.loading ? (
          <Loading what="the trend" />
        ) : (
          <EmptyState title="No history yet.">
            <p>
              The chart fills in as inventories arrive. Import one with <code>appban ingest</code>.
            </p>
          </EmptyState>
        )
      ) : null}
      {points.length > 0 ? (
        <>
          <LineChart
            title="Share of devices in scope that are compliant or excepted"
            dates={dates}
            series={[{ name: 'Compliant or excepted', className: 'series-compliant', values: compliance }]}
            domain={[Math.max(0, Math.floor(Math.min(...compliance) / 10) * 10 - 10), 100]}
            unit="%"
            height={200}
          />
          <LineChart
            title="Devices with the app, and devices nobody has seen lately"
            dates={dates}
            series={[
              { name: 'Violating or overdue', className: 'series-overdue', values: breaking },
              { name: 'Unknown', className: 'series-unknown', values: unknown },
            ]}
            height={170}
          />
        </>
      ) : null}
    </section>
  );
}

const UPCOMING_LABELS: Record<UpcomingKind, string> = {
  deadline: 'Removal deadline',
  review: 'Review date',
  'minimum-end': 'Minimum period ends',
  'ban-end': 'Ban ends',
  'exception-expiry': 'Exception expires',
};

/** One deadline, review, minimum end and ban end per ban; one expiry per exception. */
function upcomingKey(item: UpcomingItem): string {
  return [item.kind, item.banId, item.exceptionId ?? '', item.at].join('\u0000');
}

function UpcomingPanel({ items }: { items: UpcomingItem[] }) {
  const sorted = [...items].sort((a, b) => a.at.localeCompare(b.at)).slice(0, 12);
  return (
    <section className="card" aria-labelledby="upcoming-heading">
      <header className="card-head">
        <h2 id="upcoming-heading">Coming up</h2>
        <p className="muted small">Deadlines, review dates and exceptions that expire.</p>
      </header>
      {sorted.length === 0 ? (
        <EmptyState title="Nothing due soon.">
          <p>
            No deadline, review or exception expiry is coming. Check <Link to="/exceptions">exceptions</Link>{' '}
            for requests waiting for approval.
          </p>
        </EmptyState>
      ) : (
        <ol className="upcoming">
          {sorted.map((item) => (
            <li key={upcomingKey(item)}>
              <time dateTime={item.at} className="upcoming-date">
                <span>{formatDate(item.at)}</span>
                <span className="muted small">{relativeDays(item.at)}</span>
              </time>
              <span className="upcoming-what">
                <span className={`kind kind-${item.kind}`}>{UPCOMING_LABELS[item.kind] ?? item.kind}</span>
                <span>{item.detail}</span>
                <span className="small">
                  {item.kind === 'exception-expiry' ? (
                    <Link to={`/exceptions?ban=${encodeURIComponent(item.banId)}`}>
                      {item.title}: exceptions
                    </Link>
                  ) : item.kind === 'deadline' ? (
                    <Link to={`/devices?ban=${encodeURIComponent(item.banId)}&state=violating`}>
                      {item.title}: devices with the app
                    </Link>
                  ) : (
                    <Link to={`/bans/${encodeURIComponent(item.banId)}`}>{item.title}</Link>
                  )}
                </span>
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function OverdueGroups({ bans }: { bans: OverviewBan[] }) {
  const totals = new Map<string, number>();
  for (const ban of bans) {
    for (const g of ban.topOverdueGroups) {
      const key = g.group ?? '(no group)';
      totals.set(key, (totals.get(key) ?? 0) + g.overdue);
    }
  }
  const items = [...totals.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 8)
    .map(([label, value]) => ({ label, value }));
  return (
    <section className="card section" aria-labelledby="groups-heading">
      <header className="card-head">
        <h2 id="groups-heading">Groups with the most overdue devices</h2>
        <p className="muted small">Devices past their removal deadline, summed over the bans.</p>
      </header>
      {items.length > 0 ? (
        <>
          <BarList items={items} unit="overdue devices" />
          <p className="small">
            <Link to="/devices?state=overdue">See every overdue device</Link>
          </p>
        </>
      ) : (
        <EmptyState title="No group has an overdue device.">
          <p>
            Devices that still have time to remove the app are on the{' '}
            <Link to="/devices?state=violating">Devices</Link> page.
          </p>
        </EmptyState>
      )}
    </section>
  );
}
