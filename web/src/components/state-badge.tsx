import type { ExceptionStatus, State } from '../api/types.js';

export const STATE_LABELS: Record<State, string> = {
  violating: 'Violating',
  overdue: 'Overdue',
  compliant: 'Compliant',
  excepted: 'Excepted',
  unknown: 'Unknown',
  'not-in-scope': 'Not in scope',
};

/** What each state means, for legends and tooltips. */
export const STATE_HELP: Record<State, string> = {
  violating: 'has a banned app; the removal deadline has not passed',
  overdue: 'has a banned app after the removal deadline',
  compliant: 'in scope and free of banned apps',
  excepted: 'covered by an approved exception',
  unknown: 'no fresh inventory: nobody knows',
  'not-in-scope': 'outside the ban',
};

const STATE_ICONS: Record<State, string> = {
  violating: '!',
  overdue: '!!',
  compliant: '✓',
  excepted: '§',
  unknown: '?',
  'not-in-scope': '–',
};

export function StateBadge({ state }: { state: State }) {
  return (
    <span className={`badge state-${state}`} title={STATE_HELP[state]}>
      <span aria-hidden="true" className="badge-icon">
        {STATE_ICONS[state]}
      </span>
      {STATE_LABELS[state]}
    </span>
  );
}

const STATUS_LABELS: Record<ExceptionStatus, string> = {
  requested: 'Requested',
  approved: 'Approved',
  revoked: 'Revoked',
};

export function StatusBadge({ status, inForce }: { status: ExceptionStatus; inForce?: boolean }) {
  return (
    <span className={`badge status-${status}`}>
      {STATUS_LABELS[status] ?? status}
      {status === 'approved' && inForce === false ? ' · not in force' : ''}
    </span>
  );
}
