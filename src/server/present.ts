import type { ComplianceState } from '../compliance/engine/states.js';

/** Epoch ms as ISO 8601 UTC, or null. */
export function iso(ms: number | null | undefined): string | null {
  return ms === null || ms === undefined ? null : new Date(ms).toISOString();
}

export function isoRequired(ms: number): string {
  return new Date(ms).toISOString();
}

const DAY_MS = 86_400_000;

/**
 * The state a stored finding shows at `at`: the store keeps an overdue violation as `violating` with
 * its deadline (the last allowed day); it is overdue from the next midnight.
 */
export function shownState(state: string, deadline: number | null, at: number): ComplianceState {
  if (state === 'violating' && deadline !== null && at >= deadline + DAY_MS) return 'overdue';
  return state as ComplianceState;
}

/** The schema of the error envelope, for the OpenAPI document. */
export const errorSchema = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: { type: 'string' }, message: { type: 'string' } },
      required: ['code', 'message'],
    },
    requestId: { type: 'string' },
  },
  required: ['error', 'requestId'],
} as const;
