import { type FormEvent, useId, useState } from 'react';
import { ApiError, api } from '../api/client.js';
import type { BanExceptionRecord, BanSummary, ExceptionStatus } from '../api/types.js';
import { useApi } from '../api/use-api.js';
import { BanOptions } from '../components/ban-options.js';
import { Dialog } from '../components/dialog.js';
import { EmptyState, ErrorView, Loading, PageHeader } from '../components/feedback.js';
import { StatusBadge } from '../components/state-badge.js';
import { daysFrom, formatDate, relativeDays, todayIso } from '../format.js';
import { Link, navigate, useLocation, useTitle } from '../router.js';
import { useSession } from '../session.js';

const EXPIRING_DAYS = 30;

function subjectsText(e: BanExceptionRecord): string {
  const parts: string[] = [];
  if (e.subjects.group) parts.push(`group ${e.subjects.group}`);
  if (e.subjects.devices?.length) parts.push(`devices ${e.subjects.devices.join(', ')}`);
  if (e.subjects.holders?.length) parts.push(`holders ${e.subjects.holders.join(', ')}`);
  return parts.join('; ') || '—';
}

export function ExceptionsPage() {
  useTitle('Exceptions');
  const { can, me } = useSession();
  const { query } = useLocation();
  const ban = query.get('ban') ?? '';
  const status = query.get('status') ?? '';
  const bans = useApi<{ bans: BanSummary[] }>('/api/v1/bans');
  const list = useApi<{ exceptions: BanExceptionRecord[] }>('/api/v1/exceptions', { ban, status });
  const expiring = useApi<{ exceptions: BanExceptionRecord[] }>('/api/v1/exceptions', {
    ban,
    status: 'approved',
    expiringWithinDays: EXPIRING_DAYS,
  });
  const [requesting, setRequesting] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [actionError, setActionError] = useState<Error | null>(null);
  const writable = can('exceptions:write');

  const setFilter = (key: 'ban' | 'status', value: string) => {
    const params = new URLSearchParams(query);
    if (value) params.set(key, value);
    else params.delete(key);
    const text = params.toString();
    navigate(text ? `/exceptions?${text}` : '/exceptions', { replace: true });
  };

  const act = async (e: BanExceptionRecord, action: 'approve' | 'revoke') => {
    setActionError(null);
    setMessage(null);
    try {
      const updated = await api.post<BanExceptionRecord>(
        `/api/v1/exceptions/${encodeURIComponent(e.id)}/${action}`,
      );
      setMessage(`Exception ${updated.id} is now ${updated.status}.`);
      list.reload();
      expiring.reload();
    } catch (caught) {
      setActionError(caught instanceof Error ? caught : new Error(String(caught)));
    }
  };

  const rows = list.data?.exceptions ?? null;
  const soon = (expiring.data?.exceptions ?? []).filter((e) => e.status === 'approved');

  return (
    <>
      <PageHeader
        title="Exceptions"
        subtitle="Reasoned, approved and expiring carve-outs from a ban, for a group, devices or holders."
        actions={
          writable ? (
            <button type="button" className="button button-primary" onClick={() => setRequesting(true)}>
              Request an exception
            </button>
          ) : null
        }
      />
      {message ? (
        <p className="alert alert-success" role="status">
          {message}
        </p>
      ) : null}
      {actionError ? <ErrorView error={actionError} /> : null}

      <section className="card section" aria-labelledby="expiring-heading">
        <h2 id="expiring-heading">Expiring within {EXPIRING_DAYS} days</h2>
        {expiring.error ? <ErrorView error={expiring.error} retry={expiring.reload} /> : null}
        {expiring.data && soon.length === 0 ? (
          <p className="muted">No approved exception expires in the next {EXPIRING_DAYS} days.</p>
        ) : null}
        {soon.length > 0 ? (
          <ul className="expiring">
            {soon.map((e) => (
              <li key={e.id}>
                <strong className="mono">{e.id}</strong> ({e.banId}) expires{' '}
                <strong>{formatDate(e.expiresAt)}</strong>{' '}
                <span className="muted">{relativeDays(e.expiresAt)}</span> — {subjectsText(e)}
              </li>
            ))}
          </ul>
        ) : null}
      </section>

      <fieldset className="filters card">
        <legend className="visually-hidden">Filter exceptions</legend>
        <div className="field">
          <label htmlFor="x-ban">Ban</label>
          <select id="x-ban" value={ban} onChange={(e) => setFilter('ban', e.target.value)}>
            <option value="">Every ban</option>
            <BanOptions bans={bans.data?.bans} />
          </select>
        </div>
        <div className="field">
          <label htmlFor="x-status">Status</label>
          <select id="x-status" value={status} onChange={(e) => setFilter('status', e.target.value)}>
            <option value="">Any</option>
            <option value="requested">Requested</option>
            <option value="approved">Approved</option>
            <option value="revoked">Revoked</option>
          </select>
        </div>
      </fieldset>

      {list.error ? <ErrorView error={list.error} retry={list.reload} /> : null}
      {!rows && !list.error ? <Loading what="exceptions" /> : null}
      {rows && rows.length === 0 ? (
        <EmptyState title={ban || status ? 'No exception matches.' : 'No exceptions yet.'}>
          <p>
            {writable
              ? 'When a team needs the app for its work (law enforcement, security research), choose “Request an exception”.'
              : 'Officers and administrators request and approve exceptions.'}
          </p>
        </EmptyState>
      ) : null}
      {rows && rows.length > 0 ? (
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">Exceptions</caption>
            <thead>
              <tr>
                <th scope="col">Exception</th>
                <th scope="col">Covers</th>
                <th scope="col">Reason</th>
                <th scope="col">Valid</th>
                <th scope="col">Status</th>
                {writable ? <th scope="col">Actions</th> : null}
              </tr>
            </thead>
            <tbody>
              {rows.map((e) => {
                const left = daysFrom(e.expiresAt);
                return (
                  <tr key={e.id} data-exception={e.id}>
                    <td>
                      <strong className="mono">{e.id}</strong>
                      <div className="small">
                        <Link to={`/bans/${encodeURIComponent(e.banId)}`}>{e.banId}</Link>
                      </div>
                    </td>
                    <td className="break">{subjectsText(e)}</td>
                    <td>
                      {e.reason}
                      <div className="muted small">requested by {e.requestedBy ?? 'the ban file'}</div>
                    </td>
                    <td>
                      {e.startsAt ? `${formatDate(e.startsAt)} – ` : 'until '}
                      {formatDate(e.expiresAt)}
                      {left !== null && left >= 0 && left <= EXPIRING_DAYS && e.status === 'approved' ? (
                        <div className="small warn">expires {relativeDays(e.expiresAt)}</div>
                      ) : null}
                    </td>
                    <td>
                      <StatusBadge status={e.status as ExceptionStatus} inForce={e.inForce} />
                      {e.approvedBy ? <div className="muted small">by {e.approvedBy}</div> : null}
                      {e.revokedBy ? <div className="muted small">revoked by {e.revokedBy}</div> : null}
                    </td>
                    {writable ? (
                      <td className="actions">
                        {e.status === 'requested' ? (
                          <button
                            type="button"
                            className="button button-small button-primary"
                            onClick={() => void act(e, 'approve')}
                            aria-label={`Approve ${e.id}`}
                            title={
                              e.requestedBy === me?.user.username ? 'You requested this exception' : undefined
                            }
                          >
                            Approve
                          </button>
                        ) : null}
                        {e.status !== 'revoked' ? (
                          <button
                            type="button"
                            className="button button-small button-danger"
                            onClick={() => {
                              if (
                                window.confirm(
                                  `Revoke exception ${e.id}? Its devices fall under the ban again.`,
                                )
                              )
                                void act(e, 'revoke');
                            }}
                            aria-label={`Revoke ${e.id}`}
                          >
                            Revoke
                          </button>
                        ) : null}
                      </td>
                    ) : null}
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      ) : null}

      <Dialog open={requesting} title="Request an exception" onClose={() => setRequesting(false)}>
        <RequestForm
          bans={bans.data?.bans ?? []}
          defaultBan={ban}
          onCancel={() => setRequesting(false)}
          onSaved={(created) => {
            setRequesting(false);
            setMessage(`Exception ${created.id} is ${created.status}.`);
            list.reload();
            expiring.reload();
          }}
        />
      </Dialog>
    </>
  );
}

type SubjectKind = 'group' | 'devices' | 'holders';

function RequestForm({
  bans,
  defaultBan,
  onSaved,
  onCancel,
}: {
  bans: BanSummary[];
  defaultBan: string;
  onSaved: (created: BanExceptionRecord) => void;
  onCancel: () => void;
}) {
  const [banId, setBanId] = useState(defaultBan || bans[0]?.id || '');
  const [id, setId] = useState('');
  const [kind, setKind] = useState<SubjectKind>('group');
  const [subject, setSubject] = useState('');
  const [reason, setReason] = useState('');
  const [starts, setStarts] = useState('');
  const [expires, setExpires] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const hintId = useId();

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const values = subject
      .split(/[\n,]/)
      .map((v) => v.trim())
      .filter(Boolean);
    const subjects = kind === 'group' ? { group: subject.trim() } : { [kind]: values };
    const body: Record<string, unknown> = { banId, subjects, reason: reason.trim(), expires };
    if (id.trim()) body.id = id.trim();
    if (starts) body.starts = starts;
    try {
      onSaved(await api.post<BanExceptionRecord>('/api/v1/exceptions', body));
    } catch (caught) {
      setError(caught instanceof ApiError || caught instanceof Error ? caught.message : String(caught));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="form" onSubmit={submit}>
      {error ? (
        <p className="alert alert-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="field">
        <label htmlFor="r-ban">Ban</label>
        <select id="r-ban" required value={banId} onChange={(e) => setBanId(e.target.value)}>
          <BanOptions bans={bans} />
        </select>
      </div>
      <div className="field">
        <label htmlFor="r-id">Exception id (optional)</label>
        <input
          id="r-id"
          value={id}
          pattern="[a-z0-9][a-z0-9-]*"
          placeholder="e.g. police-cyber-unit"
          onChange={(e) => setId(e.target.value)}
        />
      </div>
      <fieldset className="field">
        <legend>Covers</legend>
        <div className="radio-row">
          {(['group', 'devices', 'holders'] as const).map((k) => (
            <label key={k} className="radio">
              <input
                type="radio"
                name="subject-kind"
                value={k}
                checked={kind === k}
                onChange={() => setKind(k)}
              />
              {k === 'group' ? 'A group' : k === 'devices' ? 'Devices' : 'Holders'}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="field">
        <label htmlFor="r-subject">
          {kind === 'group' ? 'Group path' : kind === 'devices' ? 'Device ids' : 'Holders (email addresses)'}
        </label>
        <input
          id="r-subject"
          required
          value={subject}
          aria-describedby={hintId}
          onChange={(e) => setSubject(e.target.value)}
        />
        <p id={hintId} className="help">
          {kind === 'group'
            ? 'The group and everything below it, e.g. federal/police/cyber.'
            : 'Separate several with commas.'}
        </p>
      </div>
      <div className="field">
        <label htmlFor="r-reason">Reason</label>
        <textarea
          id="r-reason"
          required
          rows={3}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
      </div>
      <div className="field-row">
        <div className="field">
          <label htmlFor="r-starts">Starts (optional)</label>
          <input id="r-starts" type="date" value={starts} onChange={(e) => setStarts(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="r-expires">Expires</label>
          <input
            id="r-expires"
            type="date"
            required
            min={todayIso()}
            value={expires}
            onChange={(e) => setExpires(e.target.value)}
          />
        </div>
      </div>
      <div className="form-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? 'Sending…' : 'Request exception'}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
