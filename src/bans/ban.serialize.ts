import { stringify } from 'yaml';
import type { Ban } from './ban.types.js';

/**
 * A stored ban written back as a ban file (snake_case, the order people read it in), so that the
 * dashboard and `GET …?format=yaml` can hand out the exact revision to edit and apply again.
 * `loadBanText(banToYaml(ban))` gives back an equal ban; a test holds it to that.
 */
export function banToFile(ban: Ban): Record<string, unknown> {
  const file: Record<string, unknown> = { id: ban.id, title: ban.title };
  if (ban.jurisdiction !== undefined) file.jurisdiction = ban.jurisdiction;
  file.authority = ban.authority;
  file.basis = {
    summary: ban.basis.summary,
    ...(ban.basis.instrument !== undefined ? { instrument: ban.basis.instrument } : {}),
    references: ban.basis.references,
  };
  if (ban.precedent !== undefined) file.precedent = ban.precedent;
  file.targets = ban.targets.map((t) => ({
    ...(t.app !== undefined ? { app: t.app } : { publisher: t.publisher }),
    ...(t.platforms ? { platforms: t.platforms } : {}),
    ...(t.includeUnconfirmed ? { include_unconfirmed: true } : {}),
  }));
  file.scope = ban.scope;
  file.period = ban.period;
  file.removal = ban.removal;
  file.network = ban.network;
  file.exceptions = ban.exceptions.map((e) => ({
    id: e.id,
    devices: {
      ...(e.subjects.group !== undefined ? { group: e.subjects.group } : {}),
      ...(e.subjects.devices !== undefined ? { ids: e.subjects.devices } : {}),
      ...(e.subjects.holders !== undefined ? { holders: e.subjects.holders } : {}),
    },
    reason: e.reason,
    approved_by: e.approvedBy,
    expires: e.expires,
    ...(e.starts !== undefined ? { starts: e.starts } : {}),
    ...(e.note !== undefined ? { note: e.note } : {}),
  }));
  if (ban.notes !== undefined) file.notes = ban.notes;
  return file;
}

export function banToYaml(ban: Ban): string {
  return stringify(banToFile(ban), { lineWidth: 100 });
}
