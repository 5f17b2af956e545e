import { useEffect, useState } from 'react';
import type { BanDetail, BanDiff, BanSummary, EnforcementTarget } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { StateBar } from '../components/charts.js';
import { EmptyState, ErrorView, Loading, PageHeader } from '../components/feedback.js';
import { PeriodTimeline } from '../components/timeline.js';
import { formatBytes, formatDate, formatDateTime, formatValue } from '../format.js';
import { Link, useTitle } from '../router.js';
import { useSession } from '../session.js';
import { BanFileForm } from './ban-file-form.js';

export function BanDetailPage({ id }: { id: string }) {
  const { can } = useSession();
  const path = `/api/v1/bans/${encodeURIComponent(id)}`;
  const detail = useApi<BanDetail>(path);
  const summaries = useApi<{ bans: BanSummary[] }>('/api/v1/bans');
  const [editing, setEditing] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);
  const ban = detail.data?.id === id ? detail.data : null;
  useTitle(ban?.ban.title ?? 'Ban');
  const summary = summaries.data?.bans.find((b) => b.id === id);

  if (detail.error) {
    return (
      <>
        <PageHeader title="Ban" />
        <ErrorView error={detail.error} retry={detail.reload} />
        <p>
          <Link to="/bans">Back to all bans</Link>
        </p>
      </>
    );
  }
  if (!ban) return <Loading what="the ban" />;
  const doc = ban.ban;
  const t = ban.timeline;

  return (
    <>
      <nav aria-label="Breadcrumb" className="breadcrumb">
        <Link to="/bans">Bans</Link> <span aria-hidden="true">›</span> <span>{doc.id}</span>
      </nav>
      <PageHeader
        title={doc.title}
        subtitle={
          <>
            <code>{ban.id}</code> · <span data-testid="ban-revision">revision {ban.revision}</span>, applied{' '}
            {formatDateTime(ban.appliedAt)} by {ban.appliedBy}
          </>
        }
        actions={
          can('bans:write') && !editing ? (
            <button type="button" className="button button-primary" onClick={() => setEditing(true)}>
              Edit ban
            </button>
          ) : null
        }
      />
      {saved ? (
        <p className="alert alert-success" role="status">
          {saved}
        </p>
      ) : null}
      {editing ? (
        <section className="card section" aria-labelledby="edit-heading">
          <h2 id="edit-heading">Edit the ban file</h2>
          <BanFileForm
            initial={ban.yaml}
            submitLabel="Save as new revision"
            onCancel={() => setEditing(false)}
            onSaved={(_id, result) => {
              setEditing(false);
              setSaved(
                result.status === 'unchanged'
                  ? 'Nothing changed: the file is the same as the current revision.'
                  : `Saved${typeof result.revision === 'number' ? ` as revision ${result.revision}` : ''}.`,
              );
              detail.reload();
              summaries.reload();
            }}
          />
        </section>
      ) : null}

      {summary ? (
        <section className="card section" aria-labelledby="state-heading">
          <h2 id="state-heading">Devices in scope today</h2>
          <StateBar counts={summary.counts} label={doc.title} />
          <p className="small">
            <Link to={`/devices?ban=${encodeURIComponent(id)}&state=overdue`}>Overdue devices</Link> ·{' '}
            <Link to={`/devices?ban=${encodeURIComponent(id)}&state=violating`}>Violating devices</Link> ·{' '}
            <Link to={`/exceptions?ban=${encodeURIComponent(id)}`}>Exceptions</Link>
          </p>
        </section>
      ) : null}

      <section className="card section" aria-labelledby="timeline-heading">
        <h2 id="timeline-heading">Period</h2>
        <PeriodTimeline
          marks={[
            { label: 'Start', at: t.start },
            {
              label: 'Minimum period ends',
              at: t.minimumEnd,
              ...(doc.period.minimum ? { note: `(${doc.period.minimum})` } : {}),
            },
            { label: 'Review', at: t.review },
            { label: 'End', at: t.end, ...(t.end ? {} : { note: 'open-ended until revoked' }) },
          ]}
        />
        <p className="small">
          Removal deadline: <strong>{describeDeadline(t.deadline)}</strong>
        </p>
      </section>

      <div className="grid-2">
        <section className="card" aria-labelledby="authority-heading">
          <h2 id="authority-heading">Authority and legal basis</h2>
          <dl className="facts">
            <dt>Authority</dt>
            <dd>{doc.authority}</dd>
            {doc.jurisdiction ? (
              <>
                <dt>Jurisdiction</dt>
                <dd>{doc.jurisdiction}</dd>
              </>
            ) : null}
            {doc.basis.instrument ? (
              <>
                <dt>Instrument</dt>
                <dd>{doc.basis.instrument}</dd>
              </>
            ) : null}
            <dt>Basis</dt>
            <dd>{doc.basis.summary}</dd>
            {doc.basis.references.length > 0 ? (
              <>
                <dt>References</dt>
                <dd>
                  <ul className="plain">
                    {doc.basis.references.map((ref) => (
                      <li key={ref}>
                        <a href={ref} rel="noreferrer noopener" target="_blank" className="break">
                          {ref}
                        </a>
                      </li>
                    ))}
                  </ul>
                </dd>
              </>
            ) : null}
            <dt>Precedent</dt>
            <dd>
              {ban.precedent ? (
                <>
                  {ban.precedent.title} <code>{ban.precedent.id}</code>
                </>
              ) : (
                'none named'
              )}
            </dd>
          </dl>
        </section>
        <section className="card" aria-labelledby="scope-heading">
          <h2 id="scope-heading">Scope</h2>
          <dl className="facts">
            <dt>Apps</dt>
            <dd>
              {doc.targets
                .map((target) =>
                  target.app ? `app ${target.app}` : `every app of publisher ${target.publisher ?? '?'}`,
                )
                .join(', ')}
            </dd>
            <dt>Ownership</dt>
            <dd>{doc.scope.ownership.join(', ')}</dd>
            <dt>Groups</dt>
            <dd>
              {doc.scope.groups.include.length > 0 ? doc.scope.groups.include.join(', ') : 'every group'}
              {doc.scope.groups.exclude.length > 0 ? ` (except ${doc.scope.groups.exclude.join(', ')})` : ''}
            </dd>
            <dt>Platforms</dt>
            <dd>{doc.scope.platforms === 'all' ? 'all' : doc.scope.platforms.join(', ')}</dd>
            <dt>Network</dt>
            <dd>{doc.network ? "the app's domains are blocked too" : 'devices only'}</dd>
            <dt>Exceptions in the file</dt>
            <dd>
              {doc.exceptions.length === 0
                ? 'none'
                : doc.exceptions
                    .map((e) => `${e.id} (${e.reason}, until ${formatDate(e.expires)})`)
                    .join('; ')}
            </dd>
          </dl>
        </section>
      </div>

      <Revisions ban={ban} />
      {can('enforce:read') ? <Enforcement id={id} revision={ban.revision} /> : null}
    </>
  );
}

function describeDeadline(deadline: string): string {
  const m = /^P(\d+)D$/.exec(deadline);
  if (m)
    return m[1] === '0'
      ? 'at once (P0D)'
      : `${m[1]} days after the start or after a device enters scope (${deadline})`;
  if (/^\d{4}-\d{2}-\d{2}$/.test(deadline)) return formatDate(deadline);
  return deadline;
}

function Revisions({ ban }: { ban: BanDetail }) {
  const sorted = [...ban.revisions].sort((a, b) => b.revision - a.revision);
  const [to, setTo] = useState(ban.revision);
  useEffect(() => setTo(ban.revision), [ban.revision]);
  const from = sorted.find((r) => r.revision < to)?.revision ?? null;
  const diff = useApi<BanDiff>(from === null ? null : `/api/v1/bans/${encodeURIComponent(ban.id)}/diff`, {
    from: from ?? undefined,
    to,
  });
  const current = diff.data && diff.data.to === to && diff.data.from === from ? diff.data : null;
  return (
    <section className="card section" aria-labelledby="revisions-heading">
      <h2 id="revisions-heading">Revisions</h2>
      <div className="revisions">
        <ol className="revision-list" aria-label="Revisions, newest first">
          {sorted.map((r) => (
            <li key={r.revision}>
              <button
                type="button"
                className="revision-button"
                aria-pressed={r.revision === to}
                onClick={() => setTo(r.revision)}
              >
                <strong>Revision {r.revision}</strong>
                <span className="small">
                  {formatDateTime(r.appliedAt)} by {r.appliedBy}
                </span>
                <span className="mono small muted">{r.contentHash.slice(0, 12)}</span>
              </button>
            </li>
          ))}
        </ol>
        <div className="diff" aria-live="polite">
          {from === null ? (
            <EmptyState title={`Revision ${to} is the first.`}>
              <p>Each later change of the ban file shows here as a list of what changed.</p>
            </EmptyState>
          ) : (
            <>
              <h3>
                Changes from revision {from} to {to}
              </h3>
              {diff.error ? <ErrorView error={diff.error} retry={diff.reload} /> : null}
              {!current && !diff.error ? <Loading what="the changes" /> : null}
              {current && current.changes.length === 0 ? <p>No field changed.</p> : null}
              {current && current.changes.length > 0 ? (
                <table className="table diff-table">
                  <thead>
                    <tr>
                      <th scope="col">Field</th>
                      <th scope="col">Before</th>
                      <th scope="col">After</th>
                    </tr>
                  </thead>
                  <tbody>
                    {current.changes.map((c) => (
                      <tr key={c.path}>
                        <th scope="row" className="mono">
                          {c.path}
                        </th>
                        <td className="diff-before">
                          <span className="visually-hidden">before: </span>
                          <del>{formatValue(c.before)}</del>
                        </td>
                        <td className="diff-after">
                          <span className="visually-hidden">after: </span>
                          <ins>{formatValue(c.after)}</ins>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              ) : null}
            </>
          )}
        </div>
      </div>
    </section>
  );
}

function Enforcement({ id, revision }: { id: string; revision: number }) {
  const targets = useApi<{ targets: EnforcementTarget[] }>(
    `/api/v1/bans/${encodeURIComponent(id)}/enforcement`,
  );
  const list = targets.data?.targets ?? null;
  return (
    <section className="card section" aria-labelledby="enforce-heading">
      <h2 id="enforce-heading">Enforcement downloads</h2>
      <p className="muted small">
        Configuration for each device-management system and resolver, generated from revision {revision}.
      </p>
      {targets.error ? <ErrorView error={targets.error} retry={targets.reload} /> : null}
      {!list && !targets.error ? <Loading what="enforcement targets" /> : null}
      {list && list.length === 0 ? <EmptyState title="No enforcement target is registered." /> : null}
      {list && list.length > 0 ? (
        <div className="table-wrap">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Target</th>
                <th scope="col">Files</th>
                <th scope="col">Download</th>
              </tr>
            </thead>
            <tbody>
              {list.map((t) => (
                <tr key={t.target}>
                  <td>
                    <strong>{t.title}</strong>
                    <div className="muted small mono">{t.target}</div>
                  </td>
                  <td>
                    {t.available ? (
                      t.files.map((f) => (
                        <div key={f.name} className="small">
                          <span className="mono">{f.name}</span> · {formatBytes(f.bytes)}
                        </div>
                      ))
                    ) : (
                      <span className="muted">{t.reason ?? 'not available for this ban'}</span>
                    )}
                  </td>
                  <td>
                    {t.available
                      ? t.files.map((f) => {
                          const base = `/api/v1/bans/${encodeURIComponent(id)}/enforcement/${encodeURIComponent(t.target)}`;
                          const href =
                            t.files.length > 1 ? `${base}?file=${encodeURIComponent(f.name)}` : base;
                          return (
                            <a key={f.name} className="button button-small" href={href} download={f.name}>
                              Download <span className="visually-hidden">{f.name}</span>
                              {t.files.length > 1 ? <span aria-hidden="true"> {f.name}</span> : null}
                            </a>
                          );
                        })
                      : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}
