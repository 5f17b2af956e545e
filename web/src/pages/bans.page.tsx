import { useState } from 'react';
import type { BanSummary } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { StateBar } from '../components/charts.js';
import { Dialog } from '../components/dialog.js';
import { EmptyState, ErrorView, Loading, PageHeader } from '../components/feedback.js';
import { formatDate, formatNumber, formatPercent } from '../format.js';
import { Link, navigate, useTitle } from '../router.js';
import { useSession } from '../session.js';
import { BanFileForm } from './ban-file-form.js';

const NEW_BAN = `id: my-ban
title: TikTok on government devices
authority: Who decided it
basis:
  summary: Why the app is banned
  references: []
targets:
  - app: tiktok
scope:
  ownership: [owned, paid]
  groups: { include: [], exclude: [] }
  platforms: all
period:
  start: ${new Date().toISOString().slice(0, 10)}
removal:
  deadline: P30D
network: true
`;

export function BansPage() {
  useTitle('Bans');
  const { can } = useSession();
  const bans = useApi<{ bans: BanSummary[] }>('/api/v1/bans');
  const [creating, setCreating] = useState(false);
  const list = bans.data?.bans ?? null;

  return (
    <>
      <PageHeader
        title="Bans"
        subtitle="Each ban is a versioned policy: what is banned, on which devices, from when, and on whose authority."
        actions={
          can('bans:write') ? (
            <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
              New ban
            </button>
          ) : null
        }
      />
      {bans.error ? <ErrorView error={bans.error} retry={bans.reload} /> : null}
      {!list && !bans.error ? <Loading what="bans" /> : null}
      {list && list.length === 0 ? (
        <EmptyState title="No bans yet.">
          <p>
            {can('bans:write')
              ? 'Choose “New ban” to write one, or apply a ban file with appban apply.'
              : 'An officer or administrator applies ban files; once they do, they appear here.'}
          </p>
        </EmptyState>
      ) : null}
      {list && list.length > 0 ? (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Bans and their compliance</caption>
            <thead>
              <tr>
                <th scope="col">Ban</th>
                <th scope="col">Jurisdiction</th>
                <th scope="col">Period</th>
                <th scope="col">Revision</th>
                <th scope="col" className="num">
                  In scope
                </th>
                <th scope="col" className="num">
                  Compliant
                </th>
                <th scope="col" className="wide">
                  States
                </th>
              </tr>
            </thead>
            <tbody>
              {list.map((ban) => (
                <tr key={ban.id}>
                  <td className="title-cell">
                    <Link to={`/bans/${encodeURIComponent(ban.id)}`} className="strong">
                      {ban.title}
                    </Link>
                    <div className="muted small">
                      <code>{ban.id}</code>
                    </div>
                  </td>
                  <td>{ban.jurisdiction ?? '—'}</td>
                  <td>
                    from {formatDate(ban.period.start)}
                    {ban.period.end ? ` to ${formatDate(ban.period.end)}` : ''}
                    {ban.period.review ? (
                      <div className="muted small">review {formatDate(ban.period.review)}</div>
                    ) : null}
                  </td>
                  <td>
                    {ban.revision}
                    <div className="muted small">{formatDate(ban.appliedAt)}</div>
                  </td>
                  <td className="num">{formatNumber(ban.counts.inScope)}</td>
                  <td className="num">{formatPercent(ban.counts.compliant, ban.counts.inScope)}</td>
                  <td className="wide">
                    <StateBar counts={ban.counts} label={ban.title} legend="issues" />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <Dialog open={creating} title="New ban" onClose={() => setCreating(false)}>
        <BanFileForm
          initial={NEW_BAN}
          submitLabel="Apply ban"
          onCancel={() => setCreating(false)}
          onSaved={(id) => {
            setCreating(false);
            navigate(`/bans/${encodeURIComponent(id)}`);
          }}
        />
      </Dialog>
    </>
  );
}
