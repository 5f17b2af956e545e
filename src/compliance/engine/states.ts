/**
 * The states a finding can be in. `overdue` is a violation past its removal deadline: the store
 * keeps it as `violating` with the deadline, reports show it as its own state.
 */
export const COMPLIANCE_STATES = [
  'not-in-scope',
  'excepted',
  'unknown',
  'compliant',
  'violating',
  'overdue',
] as const;
export type ComplianceState = (typeof COMPLIANCE_STATES)[number];

// Numeric codes, in the order above, for the typed arrays of whole-fleet evaluation.
export const NOT_IN_SCOPE = 0;
export const EXCEPTED = 1;
export const UNKNOWN = 2;
export const COMPLIANT = 3;
export const VIOLATING = 4;
export const OVERDUE = 5;
export type StateCode = 0 | 1 | 2 | 3 | 4 | 5;

export function stateName(code: number): ComplianceState {
  const name = COMPLIANCE_STATES[code];
  if (name === undefined) throw new RangeError(`no compliance state has code ${code}`);
  return name;
}

export function stateCode(state: ComplianceState): StateCode {
  return COMPLIANCE_STATES.indexOf(state) as StateCode;
}

/**
 * States under which the ban's removal deadline runs. `excepted` is in scope but not subject: when
 * an exception ends, the device gets the full removal period from that moment.
 */
export function isSubject(state: ComplianceState | null): boolean {
  return state === 'unknown' || state === 'compliant' || state === 'violating' || state === 'overdue';
}

export function isViolation(state: ComplianceState | null): boolean {
  return state === 'violating' || state === 'overdue';
}

export interface StateCounts {
  inScope: number;
  compliant: number;
  violating: number;
  overdue: number;
  excepted: number;
  unknown: number;
}

export function emptyCounts(): StateCounts {
  return { inScope: 0, compliant: 0, violating: 0, overdue: 0, excepted: 0, unknown: 0 };
}

export function addToCounts(counts: StateCounts, state: ComplianceState): void {
  if (state === 'not-in-scope') return;
  counts.inScope++;
  counts[state]++;
}
