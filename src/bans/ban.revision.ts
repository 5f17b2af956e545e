import { createHash } from 'node:crypto';
import type { Ban } from './ban.types.js';

/** JSON with object keys sorted at every depth, so equal bans hash equally however they were written. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (inner && typeof inner === 'object' && !Array.isArray(inner)) {
      return Object.fromEntries(
        Object.entries(inner as Record<string, unknown>)
          .filter(([, v]) => v !== undefined)
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      );
    }
    return inner;
  });
}

/** The content hash of a ban: the identity of a revision, independent of formatting and comments. */
export function banContentHash(ban: Ban): string {
  return createHash('sha256').update(canonicalJson(ban)).digest('hex');
}

/** A short, stable revision label for artifacts and reports. */
export function shortRevision(ban: Ban): string {
  return banContentHash(ban).slice(0, 12);
}
