import type { DeviceDetail, State } from '../api/types.js';
import { STATES } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { EmptyState, ErrorView, Loading, PageHeader } from '../components/feedback.js';
import { StateBadge } from '../components/state-badge.js';
import { formatDate, formatDateTime, relativeDays } from '../format.js';
import { OWNERSHIP_LABELS, PLATFORM_LABELS } from '../options.js';
import { Link, useTitle } from '../router.js';

type Row = Record<string, unknown>;

/** The first of `keys` that holds a string or number, as text. */
function text(row: Row | undefined, ...keys: string[]): string | null {
  if (!row) return null;
  for (const key of keys) {
    const value = row[key];
    if (typeof value === 'string' && value !== '') return value;
    if (typeof value === 'number') return String(value);
  }
  return null;
}

function asState(value: string | null): State | null {
  return value && (STATES as readonly string[]).includes(value) ? (value as State) : null;
}

function Badge({ value }: { value: string | null }) {
  const state = asState(value);
  return state ? <StateBadge state={state} /> : <span>{value ?? '—'}</span>;
}

export function DeviceDetailPage({ id }: { id: string }) {
  const detail = useApi<DeviceDetail>(`/api/v1/devices/${encodeURIComponent(id)}`);
  const data = detail.data && String(detail.data.device.id) === id ? detail.data : null;
  const name = data ? (data.device.name ?? `Device ${data.device.id}`) : 'Device';
  useTitle(name);

  if (detail.error) {
    return (
      <>
        <PageHeader title="Device" />
        <ErrorView error={detail.error} retry={detail.reload} />
        <p>
          <Link to="/devices">Back to all devices</Link>
        </p>
      </>
    );
  }
  if (!data) return <Loading what="the device" />;
  const d = data.device;
  // The inventory lists identifiers; the findings know the catalog's names of the banned ones.
  const catalogNames = new Map<string, string>();
  for (const f of data.findings) {
    for (const m of Array.isArray(f.matched) ? (f.matched as Row[]) : []) {
      const name = text(m, 'name');
      if (name) catalogNames.set(appKey(m), name);
    }
  }
  const history = [...data.history].sort((a, b) =>
    (text(b, 'at', 'changedAt') ?? '').localeCompare(text(a, 'at', 'changedAt') ?? ''),
  );

  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/devices">Devices</Link> <span aria-hidden="true">›</span> <span>{name}</span>
      </nav>
      <PageHeader
        title={name}
        subtitle={
          <>
            {d.holder ?? 'no holder recorded'} · {d.group ?? 'no group'} · last seen{' '}
            {formatDateTime(d.lastSeenAt)} ({relativeDays(d.lastSeenAt)})
          </>
        }
      />
      <div className="grid-2">
        <section className="card" aria-labelledby="device-heading">
          <h2 id="device-heading">Device</h2>
          <dl className="facts">
            <dt>Platform</dt>
            <dd>
              {PLATFORM_LABELS[d.platform] ?? d.platform} {d.osVersion ?? ''}
            </dd>
            <dt>Ownership</dt>
            <dd>{OWNERSHIP_LABELS[d.ownership] ?? d.ownership}</dd>
            {text(d, 'serial') ? (
              <>
                <dt>Serial</dt>
                <dd className="mono">{text(d, 'serial')}</dd>
              </>
            ) : null}
            {text(d, 'management', 'managementMode') ? (
              <>
                <dt>Management</dt>
                <dd>{text(d, 'management', 'managementMode')}</dd>
              </>
            ) : null}
            <dt>Sources</dt>
            <dd>
              {data.sources.length === 0 ? (
                'none'
              ) : (
                <ul className="plain">
                  {data.sources.map((s) => (
                    <li key={sourceKey(s)}>
                      <strong>{text(s, 'source', 'kind') ?? 'source'}</strong>{' '}
                      <span className="mono small">
                        {text(s, 'sourceDeviceId', 'externalId', 'id') ?? ''}
                      </span>
                      {text(s, 'lastSeenAt', 'observedAt') ? (
                        <span className="muted small">
                          {' '}
                          · {formatDate(text(s, 'lastSeenAt', 'observedAt'))}
                        </span>
                      ) : null}
                    </li>
                  ))}
                </ul>
              )}
            </dd>
          </dl>
        </section>
        <section className="card" aria-labelledby="findings-heading">
          <h2 id="findings-heading">Findings</h2>
          {data.findings.length === 0 ? (
            <EmptyState title="No findings for this device.">
              <p>No ban applies to it yet, or it has not been evaluated.</p>
            </EmptyState>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">Ban</th>
                  <th scope="col">State</th>
                  <th scope="col">Since</th>
                  <th scope="col">Deadline</th>
                </tr>
              </thead>
              <tbody>
                {data.findings.map((f) => {
                  const banId = text(f, 'banId') ?? '';
                  const apps = Array.isArray(f.apps) ? (f.apps as unknown[]).map(String) : [];
                  return (
                    <tr key={banId}>
                      <td>
                        <Link to={`/bans/${encodeURIComponent(banId)}`}>{banId}</Link>
                        {apps.length > 0 ? <div className="small">found: {apps.join(', ')}</div> : null}
                      </td>
                      <td>
                        <Badge value={text(f, 'state')} />
                      </td>
                      <td>{formatDate(text(f, 'since', 'changedAt'))}</td>
                      <td>{text(f, 'deadline') ? formatDate(text(f, 'deadline')) : '—'}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </section>
      </div>

      <section className="card section" aria-labelledby="apps-heading">
        <h2 id="apps-heading">Apps in the latest inventory</h2>
        {data.apps.length === 0 ? (
          <EmptyState title="The latest inventory lists no apps.">
            <p>If that is unexpected, check that the source reports installed apps for this platform.</p>
          </EmptyState>
        ) : (
          <div className="table-wrap scroll-y">
            <table className="table" aria-describedby="apps-note">
              <thead>
                <tr>
                  <th scope="col">App</th>
                  <th scope="col">Identifier</th>
                  <th scope="col">Version</th>
                  <th scope="col">Banned</th>
                </tr>
              </thead>
              <tbody>
                {sortBannedFirst(data.apps).map((app) => {
                  const banned = isBanned(app);
                  const name = text(app, 'name') ?? catalogNames.get(appKey(app)) ?? null;
                  return (
                    <tr key={appKey(app)} className={banned ? 'row-flag' : undefined}>
                      <td className={name ? 'strong' : 'muted'}>{name ?? 'not named'}</td>
                      <td className="mono small break">
                        {text(app, 'value', 'identifier')}
                        {text(app, 'kind') ? <span className="muted"> ({text(app, 'kind')})</span> : null}
                      </td>
                      <td>{text(app, 'version') ?? '—'}</td>
                      <td>
                        {banned ? (
                          <span className="badge state-overdue">Banned app</span>
                        ) : (
                          <span className="muted">no</span>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
        <p id="apps-note" className="muted small">
          Banned apps are listed first.
        </p>
      </section>

      <section className="card section" aria-labelledby="history-heading">
        <h2 id="history-heading">History</h2>
        {history.length === 0 ? (
          <EmptyState title="No changes recorded yet." />
        ) : (
          <ol className="history">
            {history.map((h) => {
              const from = text(h, 'from', 'fromState');
              const to = text(h, 'to', 'toState', 'state');
              const at = text(h, 'at', 'changedAt');
              return (
                <li key={historyKey(h)}>
                  <time dateTime={at ?? undefined} className="history-at">
                    {formatDateTime(at)}
                  </time>
                  <div className="history-what">
                    <span className="mono small">{text(h, 'banId')}</span>
                    {text(h, 'revision') ? (
                      <span className="muted small"> rev {text(h, 'revision')}</span>
                    ) : null}
                    <div>
                      {from ? <Badge value={from} /> : <span className="muted">first seen</span>}
                      <span aria-hidden="true"> → </span>
                      <span className="visually-hidden"> became </span>
                      <Badge value={to} />
                    </div>
                    {evidenceText(h.evidence) ? (
                      <div className="muted small">{evidenceText(h.evidence)}</div>
                    ) : null}
                  </div>
                </li>
              );
            })}
          </ol>
        )}
      </section>
    </>
  );
}

/** A device has one source record per (source, id in that source). */
function sourceKey(source: Row): string {
  return `${text(source, 'source', 'kind') ?? ''}\u0000${text(source, 'sourceDeviceId', 'externalId', 'id') ?? ''}`;
}

/** A change is one ban's move from one state to another at one instant. */
function historyKey(change: Row): string {
  return [
    text(change, 'banId'),
    text(change, 'revision'),
    text(change, 'at', 'changedAt'),
    text(change, 'from', 'fromState'),
    text(change, 'to', 'toState', 'state'),
  ].join('\u0000');
}

/** The latest inventory lists each app identity (kind and value) once. */
function appKey(app: Row): string {
  return `${text(app, 'kind') ?? ''}\u0000${text(app, 'value') ?? ''}`;
}

const REASONS: Record<string, string> = {
  'ban-not-started': 'the ban had not started',
  'ban-ended': 'the ban had ended',
  ownership: 'its ownership is outside the scope',
  platform: 'its platform is outside the scope',
  group: 'its group is outside the scope',
  exception: 'an exception covers it',
  'no-inventory': 'no inventory yet',
  stale: 'no fresh inventory',
  'partial-only': 'only partial inventories',
  'banned-app': 'a banned app was found',
  clean: 'no banned app in the inventory',
};

/** One line from a history row's evidence: why the state changed and which apps. */
function evidenceText(evidence: unknown): string | null {
  if (!evidence || typeof evidence !== 'object') return null;
  const e = evidence as Row;
  const parts: string[] = [];
  const reason = text(e, 'reason');
  if (reason) parts.push(REASONS[reason] ?? reason.replaceAll('-', ' '));
  if (Array.isArray(e.apps) && e.apps.length > 0) {
    parts.push((e.apps as Row[]).map((a) => text(a, 'name', 'value') ?? '?').join(', '));
  }
  const exception = e.exception;
  if (typeof exception === 'string') parts.push(`exception ${exception}`);
  return parts.length > 0 ? parts.join(': ') : null;
}

function isBanned(app: Row): boolean {
  return app.banned === true;
}

function sortBannedFirst(apps: Row[]): Row[] {
  return [...apps].sort((a, b) => Number(isBanned(b)) - Number(isBanned(a)));
}
