import type { ComplianceState } from '../../compliance/engine/states.js';
import { normaliseGroupPath } from '../device.repository.js';
import type { Executor } from '../executor.js';
import { type Finding, findingRowToFinding } from '../finding.repository.js';
import { inGroup } from './device-filter.js';
import { findingShowsState } from './finding-state.filter.js';

export interface FindingListFilter {
  banId?: string;
  /** Findings that show this state at `now`. */
  state?: ComplianceState;
  /** Devices in this group or below it. */
  group?: string;
  now: number;
}

/** Where a page starts: after this (ban, device), in (ban id, device id) order. */
export interface FindingCursor {
  banId: string;
  deviceId: number;
}

export interface FindingWithDevice extends Finding {
  deviceName: string | null;
  holder: string | null;
  group: string | null;
}

export interface FindingPage {
  findings: FindingWithDevice[];
  /** The last (ban, device) of the page when more follow, else null. */
  next: FindingCursor | null;
}

/** Current findings with their device's name, holder and group, in (ban id, device id) order. */
export async function listFindingPage(
  db: Executor,
  filter: FindingListFilter,
  page: { after?: FindingCursor; limit: number },
): Promise<FindingPage> {
  let query = db
    .selectFrom('findings')
    .innerJoin('devices', 'devices.id', 'findings.device_id')
    .selectAll('findings')
    .select(['devices.name as device_name', 'devices.holder as device_holder', 'devices.group_path'])
    .orderBy('findings.ban_id')
    .orderBy('findings.device_id')
    .limit(page.limit + 1);
  if (filter.banId !== undefined) query = query.where('findings.ban_id', '=', filter.banId);
  if (filter.state !== undefined) query = query.where(findingShowsState(filter.state, filter.now));
  const group = normaliseGroupPath(filter.group);
  if (group !== null) query = query.where((eb) => inGroup(eb, group));
  const after = page.after;
  if (after) {
    query = query.where((eb) =>
      eb.or([
        eb('findings.ban_id', '>', after.banId),
        eb.and([eb('findings.ban_id', '=', after.banId), eb('findings.device_id', '>', after.deviceId)]),
      ]),
    );
  }
  const rows = await query.execute();
  const findings = rows.slice(0, page.limit).map((row) => ({
    ...findingRowToFinding(row),
    deviceName: row.device_name,
    holder: row.device_holder,
    group: row.group_path,
  }));
  const last = findings.at(-1);
  return {
    findings,
    next: rows.length > page.limit && last ? { banId: last.banId, deviceId: last.deviceId } : null,
  };
}
