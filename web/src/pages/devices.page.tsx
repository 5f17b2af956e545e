import { type FormEvent, useState } from 'react';
import type { BanSummary, DevicePage, DeviceState, State } from '../api/types.js';
import { STATES } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { BanOptions } from '../components/ban-options.js';
import { EmptyState, ErrorView, Loading, PageHeader } from '../components/feedback.js';
import { STATE_LABELS, StateBadge } from '../components/state-badge.js';
import { formatDate, formatNumber, relativeDays } from '../format.js';
import { OWNERSHIP_LABELS, OWNERSHIPS, PLATFORM_LABELS, PLATFORMS } from '../options.js';
import { Link, navigate, useLocation, useTitle } from '../router.js';

const PAGE_SIZE = 50;
const FILTERS = ['search', 'group', 'ownership', 'platform', 'state', 'ban'] as const;
type Filter = (typeof FILTERS)[number];
type Filters = Record<Filter, string>;

function filtersFrom(query: URLSearchParams): Filters {
  const filters = {} as Filters;
  for (const key of FILTERS) filters[key] = query.get(key) ?? '';
  return filters;
}

function hrefFor(filters: Filters, after?: string | null, trail?: string[]): string {
  const params = new URLSearchParams();
  for (const key of FILTERS) if (filters[key]) params.set(key, filters[key]);
  if (after) params.set('after', after);
  if (trail && trail.length > 0) params.set('trail', trail.join(','));
  const text = params.toString();
  return text ? `/devices?${text}` : '/devices';
}

/**
 * Devices, filtered and paged on the server (keyset paging: `after` is the last id seen). The
 * cursors of earlier pages ride in the address as `trail`, so Back and Previous both work.
 */
export function DevicesPage() {
  useTitle('Devices');
  const { query } = useLocation();
  const applied = filtersFrom(query);
  const after = query.get('after') ?? '';
  const trail = (query.get('trail') ?? '').split(',').filter(Boolean);
  // The form shows the applied filters again whenever the address changes them (Back, a link, Clear).
  const appliedKey = JSON.stringify(applied);
  const [draft, setDraft] = useState<Filters>(applied);
  const [draftFor, setDraftFor] = useState(appliedKey);
  if (draftFor !== appliedKey) {
    setDraftFor(appliedKey);
    setDraft(applied);
  }

  const bans = useApi<{ bans: BanSummary[] }>('/api/v1/bans');
  const page = useApi<DevicePage>('/api/v1/devices', { ...applied, limit: PAGE_SIZE, after });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    navigate(hrefFor(draft));
  };
  const clear = () => navigate('/devices');
  const anyFilter = FILTERS.some((key) => applied[key]);
  const data = page.data;
  const first = trail.length * PAGE_SIZE + 1;
  const shown = data?.devices.length ?? 0;
  const banTitles = new Map((bans.data?.bans ?? []).map((b) => [b.id, b.title]));

  return (
    <>
      <PageHeader
        title="Devices"
        subtitle="Every device the inventories report, and where each stands under each ban."
      />
      <form className="filters card" onSubmit={submit} aria-label="Filter devices">
        <div className="field field-search">
          <label htmlFor="f-search">Search</label>
          <input
            id="f-search"
            type="search"
            placeholder="Name, holder or serial"
            value={draft.search}
            onChange={(e) => setDraft({ ...draft, search: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor="f-group">Group</label>
          <input
            id="f-group"
            placeholder="e.g. federal/finance"
            value={draft.group}
            onChange={(e) => setDraft({ ...draft, group: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor="f-ownership">Ownership</label>
          <select
            id="f-ownership"
            value={draft.ownership}
            onChange={(e) => setDraft({ ...draft, ownership: e.target.value })}
          >
            <option value="">Any</option>
            {OWNERSHIPS.map((o) => (
              <option key={o} value={o}>
                {OWNERSHIP_LABELS[o]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-platform">Platform</label>
          <select
            id="f-platform"
            value={draft.platform}
            onChange={(e) => setDraft({ ...draft, platform: e.target.value })}
          >
            <option value="">Any</option>
            {PLATFORMS.map((p) => (
              <option key={p} value={p}>
                {PLATFORM_LABELS[p]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-state">State</label>
          <select
            id="f-state"
            value={draft.state}
            onChange={(e) => setDraft({ ...draft, state: e.target.value })}
          >
            <option value="">Any</option>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {STATE_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-ban">Ban</label>
          <select id="f-ban" value={draft.ban} onChange={(e) => setDraft({ ...draft, ban: e.target.value })}>
            <option value="">Any</option>
            <BanOptions bans={bans.data?.bans} />
          </select>
        </div>
        <div className="filters-actions">
          <button type="submit" className="button button-primary">
            Apply filters
          </button>
          {anyFilter ? (
            <button type="button" className="button" onClick={clear}>
              Clear
            </button>
          ) : null}
        </div>
      </form>

      {page.error ? <ErrorView error={page.error} retry={page.reload} /> : null}
      {!data && !page.error ? <Loading what="devices" /> : null}
      {data ? (
        <section aria-labelledby="results-heading" aria-busy={page.loading}>
          <h2 id="results-heading" className="results-count" aria-live="polite">
            {data.total === 0
              ? 'No devices'
              : `${formatNumber(first)}–${formatNumber(first + shown - 1)} of ${formatNumber(data.total)} devices`}
            {anyFilter ? ' matching the filters' : ''}
          </h2>
          {data.devices.length === 0 ? (
            <EmptyState title={anyFilter ? 'No device matches these filters.' : 'No devices yet.'}>
              {anyFilter ? (
                <p>
                  Widen the search, or{' '}
                  <button type="button" className="link-button" onClick={clear}>
                    clear every filter
                  </button>
                  .
                </p>
              ) : (
                <p>
                  Import an inventory with <code>appban ingest inventory.csv</code>, or point an MDM webhook
                  at <code>/api/v1/checkin</code>.
                </p>
              )}
            </EmptyState>
          ) : (
            <div className="table-wrap">
              <table className="table table-devices">
                <thead>
                  <tr>
                    <th scope="col">Device</th>
                    <th scope="col">Holder and group</th>
                    <th scope="col">Platform and ownership</th>
                    <th scope="col">Last seen</th>
                    <th scope="col">States</th>
                  </tr>
                </thead>
                <tbody>
                  {data.devices.map((d) => (
                    <tr key={d.id}>
                      <td>
                        <Link to={`/devices/${d.id}`} className="strong nowrap">
                          {d.name ?? `Device ${d.id}`}
                        </Link>
                      </td>
                      <td>
                        {d.holder ?? <span className="muted">no holder</span>}
                        <div className="mono small muted">{d.group ?? 'no group'}</div>
                      </td>
                      <td className="nowrap">
                        {PLATFORM_LABELS[d.platform] ?? d.platform}
                        {d.osVersion ? ` ${d.osVersion}` : ''}
                        <div className="muted small">{OWNERSHIP_LABELS[d.ownership] ?? d.ownership}</div>
                      </td>
                      <td className="nowrap">
                        {formatDate(d.lastSeenAt)}
                        <div className="muted small">{relativeDays(d.lastSeenAt)}</div>
                      </td>
                      <td>
                        <DeviceStates
                          states={d.states}
                          titles={banTitles}
                          showOutOfScope={applied.state === 'not-in-scope'}
                        />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <nav className="pager" aria-label="Pages">
            <button
              type="button"
              className="button"
              disabled={trail.length === 0}
              onClick={() =>
                navigate(
                  hrefFor(applied, trail[trail.length - 1] === '0' ? null : trail.at(-1), trail.slice(0, -1)),
                )
              }
            >
              ← Previous
            </button>
            <span className="muted small">Page {formatNumber(trail.length + 1)}</span>
            <button
              type="button"
              className="button"
              disabled={data.nextAfter === null || data.nextAfter === undefined}
              onClick={() => navigate(hrefFor(applied, String(data.nextAfter), [...trail, after || '0']))}
            >
              Next →
            </button>
          </nav>
        </section>
      ) : null}
    </>
  );
}

/**
 * A device's states, worst first; bans under which it is compliant are summed up in one badge so
 * that a row stays one or two lines high.
 */
function DeviceStates({
  states,
  titles,
  showOutOfScope,
}: {
  states: DeviceState[];
  titles: Map<string, string>;
  showOutOfScope: boolean;
}) {
  const order: State[] = ['overdue', 'violating', 'unknown', 'excepted', 'compliant', 'not-in-scope'];
  const groups = order
    .map((state) => ({ state, bans: states.filter((s) => s.state === state).map((s) => s.banId) }))
    .filter((g) => g.bans.length > 0 && (g.state !== 'not-in-scope' || showOutOfScope));
  if (groups.length === 0) return <span className="muted small">in no ban's scope</span>;
  return (
    <ul className="state-list">
      {groups.map((g) => (
        <li key={g.state}>
          <StateBadge state={g.state} />{' '}
          <span className="small muted" title={g.bans.map((b) => titles.get(b) ?? b).join('\n')}>
            {g.bans.length === 1 ? g.bans[0] : `${g.bans.length} bans`}
          </span>
        </li>
      ))}
    </ul>
  );
}
