import { formatCalendarDate } from '../../lib/dates.js';
import { AppbanError } from '../../lib/errors.js';
import type { Executor } from '../../store/executor.js';
import { parseJsonColumn } from '../../store/json-column.js';
import { stateShownAt } from '../engine/evaluate.js';
import { groupWithin, normalizeGroup } from '../engine/groups.js';
import { addToCounts, emptyCounts, type StateCounts } from '../engine/states.js';
import type { EvidenceApp } from '../history/evidence.js';
import { findingsAt } from './report.query.js';
import type { ComplianceReport, ReportBan, ReportFinding, ReportQuery } from './report.types.js';

/**
 * The report for an instant, read from the history: for every device and ban, the last change at
 * or before that instant. The history holds every change, those the clock brings included
 * (deadlines, staleness, exceptions ending, ban start and end), each at the instant it takes
 * effect, so the report for a past day is the report that day, with every inventory known now.
 */
export async function buildReport(
  db: Executor,
  query: ReportQuery & { at: number },
): Promise<ComplianceReport> {
  const { at } = query;
  const bans = await bansInForce(db, at, query.banId);
  const prefix = query.group === undefined ? undefined : normalizeGroup(query.group);
  const perBan = new Map<string, { counts: StateCounts; groups: Map<string | null, StateCounts> }>();
  for (const ban of bans) perBan.set(ban.id, { counts: emptyCounts(), groups: new Map() });
  const findings: ReportFinding[] = [];

  for await (const page of findingsAt(db, {
    at,
    ...(query.banId === undefined ? {} : { banId: query.banId }),
  })) {
    for (const row of page) {
      const slot = perBan.get(row.banId);
      if (!slot) continue;
      const evidence = row.evidence;
      const group = evidence.group ?? null;
      if (prefix !== undefined && (group === null || !groupWithin(group, prefix))) continue;
      const deadline = evidence.deadline ?? null;
      const state = stateShownAt(evidence.state ?? row.state, deadline, at);
      addToCounts(slot.counts, state);
      if (state !== 'not-in-scope') {
        let groupCounts = slot.groups.get(group);
        if (!groupCounts) {
          groupCounts = emptyCounts();
          slot.groups.set(group, groupCounts);
        }
        addToCounts(groupCounts, state);
      }
      if (state === 'violating' || state === 'overdue') {
        findings.push({
          deviceId: row.deviceId,
          deviceName: evidence.name ?? null,
          holder: evidence.holder ?? null,
          group,
          banId: row.banId,
          state,
          apps: appNames(evidence.apps ?? []),
          since: new Date(evidence.since ?? row.at).toISOString(),
          deadline: deadline === null ? null : formatCalendarDate(deadline),
        });
      }
    }
  }

  findings.sort(
    (a, b) =>
      a.banId.localeCompare(b.banId) ||
      (a.state === b.state ? 0 : a.state === 'overdue' ? -1 : 1) ||
      (a.deadline ?? '').localeCompare(b.deadline ?? '') ||
      a.deviceId - b.deviceId,
  );
  const reportBans: ReportBan[] = bans.map((ban) => {
    const slot = perBan.get(ban.id);
    const groups = [...(slot?.groups ?? new Map<string | null, StateCounts>()).entries()]
      .sort(([a], [b]) => (a === null ? 1 : b === null ? -1 : a.localeCompare(b)))
      .map(([group, counts]) => ({ group, counts }));
    return { ...ban, counts: slot?.counts ?? emptyCounts(), groups };
  });
  return { at: new Date(at).toISOString(), bans: reportBans, findings };
}

/** One name per catalog app; an app seen only by display name says so. */
function appNames(apps: readonly EvidenceApp[]): string[] {
  const exact = new Map<string, boolean>();
  for (const app of apps) exact.set(app.name, (exact.get(app.name) ?? false) || !app.byName);
  return [...exact.entries()].map(([name, isExact]) => (isExact ? name : `${name} (name match)`)).sort();
}

/**
 * Every ban with the revision in force at `at`: the last applied by then, or the first for
 * earlier instants (see BanTimeline.revisions).
 */
async function bansInForce(
  db: Executor,
  at: number,
  banId: string | undefined,
): Promise<Array<{ id: string; revision: number; title: string }>> {
  let query = db
    .selectFrom('ban_revisions')
    .select(['ban_id', 'revision', 'applied_at', 'document'])
    .orderBy('ban_id')
    .orderBy('revision');
  if (banId !== undefined) query = query.where('ban_id', '=', banId);
  const rows = await query.execute();
  if (banId !== undefined && rows.length === 0)
    throw new AppbanError('NOT_FOUND', `There is no ban ${banId}.`);
  const chosen = new Map<string, (typeof rows)[number]>();
  for (const row of rows) {
    if (!chosen.has(row.ban_id) || row.applied_at <= at) chosen.set(row.ban_id, row);
  }
  return [...chosen.values()].map((row) => ({
    id: row.ban_id,
    revision: row.revision,
    title: parseJsonColumn<{ title?: string }>(row.document, 'ban_revisions', 'document').title ?? row.ban_id,
  }));
}
