import type { AuditEvent, AuditPage as AuditPageData, AuditVerify } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { EmptyState, ErrorView, Loading, PageHeader } from '../components/feedback.js';
import { formatDateTime, formatNumber } from '../format.js';
import { navigate, useLocation, useTitle } from '../router.js';

const PAGE_SIZE = 50;

function objectOf(e: AuditEvent): string {
  const type =
    e.objectType ??
    (typeof e.object === 'string' ? e.object : null) ??
    (typeof e.kind === 'string' ? e.kind : null);
  const id = e.objectId ?? (typeof e.subject === 'string' ? e.subject : null);
  return [type, id].filter(Boolean).join(' ') || '—';
}

function detailsOf(e: AuditEvent): string {
  if (!e.details || typeof e.details !== 'object') return '';
  const text = Object.entries(e.details as Record<string, unknown>)
    .map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(', ');
  return text.length > 140 ? `${text.slice(0, 139)}…` : text;
}

export function AuditPage() {
  useTitle('Audit');
  const { query } = useLocation();
  const verify = useApi<AuditVerify>('/api/v1/audit/verify');
  // Newest first: find the head, then read the PAGE_SIZE events up to `upto` (default the head).
  const headProbe = useApi<AuditPageData>('/api/v1/audit', { limit: 1 });
  const headSeq = headProbe.data?.head?.seq ?? null;
  const requested = Number(query.get('upto') ?? '');
  const upto = Number.isInteger(requested) && requested > 0 ? requested : headSeq;
  const after = upto === null ? 0 : Math.max(0, upto - PAGE_SIZE);
  const page = useApi<AuditPageData>(upto === null ? null : '/api/v1/audit', {
    after,
    limit: Math.max(1, (upto ?? 0) - after),
  });
  const events = headProbe.data && headSeq === null ? [] : page.data ? [...page.data.events].reverse() : null;
  const newest = headSeq !== null && upto !== null && upto >= headSeq;

  return (
    <>
      <PageHeader
        title="Audit trail"
        subtitle="Who did what, and when. Each event carries the hash of the one before it, so a changed or missing event breaks the chain."
        actions={
          <a className="button" href="/api/v1/audit/export" download="appban-audit.jsonl">
            Export the chain (JSON lines)
          </a>
        }
      />
      <section className="section" aria-labelledby="verify-heading">
        <h2 id="verify-heading" className="visually-hidden">
          Verification
        </h2>
        {verify.error ? <ErrorView error={verify.error} retry={verify.reload} /> : null}
        {!verify.data && !verify.error ? <Loading what="the verification" /> : null}
        {verify.data ? (
          <div className={`verify ${verify.data.ok ? 'verify-ok' : 'verify-bad'}`} role="status">
            <span className="verify-icon" aria-hidden="true">
              {verify.data.ok ? '✓' : '✕'}
            </span>
            <div>
              <p className="verify-title">
                {verify.data.ok ? 'The chain is intact.' : 'The chain is broken.'}
              </p>
              <p>
                {formatNumber(verify.data.events)} events checked
                {verify.data.head ? (
                  <>
                    ; head #{verify.data.head.seq} <span className="mono small">{verify.data.head.hash}</span>
                  </>
                ) : null}
                .{' '}
                <button type="button" className="link-button" onClick={verify.reload}>
                  Verify again
                </button>
              </p>
              {verify.data.problems.length > 0 ? (
                <ul>
                  {verify.data.problems.map((p) => (
                    <li key={`${p.seq}-${p.kind}`}>
                      Event #{p.seq}: <code>{p.kind}</code> {p.message}
                    </li>
                  ))}
                </ul>
              ) : null}
            </div>
          </div>
        ) : null}
      </section>

      {headProbe.error ? <ErrorView error={headProbe.error} retry={headProbe.reload} /> : null}
      {page.error ? <ErrorView error={page.error} retry={page.reload} /> : null}
      {!events && !page.error && !headProbe.error ? <Loading what="events" /> : null}
      {events && events.length === 0 ? (
        <EmptyState title="No events yet.">
          <p>Applying a ban, changing an exception or signing in records an event here.</p>
        </EmptyState>
      ) : null}
      {events && events.length > 0 ? (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Audit events</caption>
            <thead>
              <tr>
                <th scope="col" className="num">
                  #
                </th>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Object</th>
                <th scope="col">Details</th>
                <th scope="col">Hash</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.seq}>
                  <td className="num mono">{e.seq}</td>
                  <td className="nowrap small">{formatDateTime(e.at)}</td>
                  <td>{e.actor ?? '—'}</td>
                  <td className="mono small">{e.action}</td>
                  <td className="small break">{objectOf(e)}</td>
                  <td className="small break muted">{detailsOf(e)}</td>
                  <td className="mono small" title={e.hash}>
                    {e.hash.slice(0, 10)}…
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <nav className="pager" aria-label="Pages">
        <button type="button" className="button" disabled={newest} onClick={() => navigate('/audit')}>
          ← Newest
        </button>
        <button
          type="button"
          className="button"
          disabled={after === 0}
          onClick={() => navigate(`/audit?upto=${after}`)}
        >
          Older →
        </button>
      </nav>
    </>
  );
}
