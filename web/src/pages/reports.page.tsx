import { type FormEvent, useState } from 'react';
import { withQuery } from '../api/client.js';
import type { BanSummary, ComplianceReport } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { BanOptions } from '../components/ban-options.js';
import { StateBar } from '../components/charts.js';
import { EmptyState, ErrorView, Loading, PageHeader } from '../components/feedback.js';
import { StateBadge } from '../components/state-badge.js';
import { formatDate, formatDateTime, formatNumber, formatPercent, todayIso } from '../format.js';
import { Link, navigate, useLocation, useTitle } from '../router.js';

const FINDINGS_SHOWN = 100;

export function ReportsPage() {
  useTitle('Reports');
  const { query } = useLocation();
  const at = query.get('at') ?? todayIso();
  const ban = query.get('ban') ?? '';
  const group = query.get('group') ?? '';
  const [draft, setDraft] = useState({ at, ban, group });
  const bans = useApi<{ bans: BanSummary[] }>('/api/v1/bans');
  const params = { at, ban, group };
  const report = useApi<ComplianceReport>('/api/v1/reports', params);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const search = new URLSearchParams();
    for (const [k, v] of Object.entries(draft)) if (v) search.set(k, v);
    navigate(`/reports?${search.toString()}`);
  };
  const data = report.data;

  return (
    <>
      <PageHeader
        title="Reports"
        subtitle="Compliance on any day: the state every device was in at the end of that day, under the ban revision then in force."
      />
      <form className="filters card" onSubmit={submit} aria-label="Choose the report">
        <div className="field">
          <label htmlFor="rep-at">Date</label>
          <input
            id="rep-at"
            type="date"
            required
            max={todayIso()}
            value={draft.at}
            onChange={(e) => setDraft({ ...draft, at: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor="rep-ban">Ban</label>
          <select
            id="rep-ban"
            value={draft.ban}
            onChange={(e) => setDraft({ ...draft, ban: e.target.value })}
          >
            <option value="">Every ban</option>
            <BanOptions bans={bans.data?.bans} />
          </select>
        </div>
        <div className="field">
          <label htmlFor="rep-group">Group</label>
          <input
            id="rep-group"
            placeholder="every group"
            value={draft.group}
            onChange={(e) => setDraft({ ...draft, group: e.target.value })}
          />
        </div>
        <div className="filters-actions">
          <button type="submit" className="button button-primary">
            Show report
          </button>
        </div>
      </form>

      <section className="card section downloads" aria-labelledby="download-heading">
        <h2 id="download-heading">Download the report for {formatDate(at)}</h2>
        <div className="button-row">
          {(['csv', 'json', 'html'] as const).map((format) => (
            <a
              key={format}
              className="button"
              href={withQuery('/api/v1/reports', { ...params, format })}
              download={`appban-report-${at}.${format}`}
            >
              Download {format.toUpperCase()}
            </a>
          ))}
        </div>
      </section>

      {report.error ? <ErrorView error={report.error} retry={report.reload} /> : null}
      {!data && !report.error ? <Loading what="the report" /> : null}
      {data ? (
        <section aria-labelledby="report-heading" aria-busy={report.loading}>
          <h2 id="report-heading">Compliance at {formatDateTime(data.at)}</h2>
          {data.bans.length === 0 ? (
            <EmptyState title="No ban was in force on that day.">
              <p>
                Pick a later date, or check the start dates on the <Link to="/bans">Bans</Link> page.
              </p>
            </EmptyState>
          ) : (
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Ban</th>
                    <th scope="col" className="num">
                      Revision
                    </th>
                    <th scope="col" className="num">
                      In scope
                    </th>
                    <th scope="col" className="num">
                      Compliant
                    </th>
                    <th scope="col" className="num">
                      Violating
                    </th>
                    <th scope="col" className="num">
                      Overdue
                    </th>
                    <th scope="col" className="num">
                      Excepted
                    </th>
                    <th scope="col" className="num">
                      Unknown
                    </th>
                    <th scope="col" className="wide">
                      States
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.bans.map((b) => (
                    <tr key={b.id}>
                      <td className="title-cell">
                        <Link to={`/bans/${encodeURIComponent(b.id)}`}>{b.title}</Link>
                      </td>
                      <td className="num">{b.revision}</td>
                      <td className="num">{formatNumber(b.counts.inScope)}</td>
                      <td className="num">
                        {formatNumber(b.counts.compliant)}{' '}
                        <span className="muted small">
                          {formatPercent(b.counts.compliant, b.counts.inScope)}
                        </span>
                      </td>
                      <td className="num">{formatNumber(b.counts.violating)}</td>
                      <td className="num">{formatNumber(b.counts.overdue)}</td>
                      <td className="num">{formatNumber(b.counts.excepted)}</td>
                      <td className="num">{formatNumber(b.counts.unknown)}</td>
                      <td className="wide">
                        <StateBar counts={b.counts} label={b.title} legend="none" />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <h3>Devices with a banned app ({formatNumber(data.findings.length)})</h3>
          {data.findings.length === 0 ? (
            <EmptyState title="No device had a banned app.">
              <p>Every device in scope was compliant, excepted or unknown at that time.</p>
            </EmptyState>
          ) : (
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">Device</th>
                    <th scope="col">Holder</th>
                    <th scope="col">Group</th>
                    <th scope="col">Ban</th>
                    <th scope="col">State</th>
                    <th scope="col">Apps</th>
                    <th scope="col">Since</th>
                    <th scope="col">Deadline</th>
                  </tr>
                </thead>
                <tbody>
                  {data.findings.slice(0, FINDINGS_SHOWN).map((f) => (
                    <tr key={`${f.banId}-${f.deviceId}`}>
                      <td>
                        <Link to={`/devices/${f.deviceId}`}>{f.deviceName ?? `Device ${f.deviceId}`}</Link>
                      </td>
                      <td className="break">{f.holder ?? '—'}</td>
                      <td className="mono small">{f.group ?? '—'}</td>
                      <td className="small">{f.banId}</td>
                      <td>
                        <StateBadge state={f.state} />
                      </td>
                      <td>{f.apps.join(', ')}</td>
                      <td>{formatDate(f.since)}</td>
                      <td>{f.deadline ? formatDate(f.deadline) : '—'}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {data.findings.length > FINDINGS_SHOWN ? (
                <p className="muted small">
                  The first {FINDINGS_SHOWN} are shown; the downloads have all{' '}
                  {formatNumber(data.findings.length)}.
                </p>
              ) : null}
            </div>
          )}
        </section>
      ) : null}
    </>
  );
}
