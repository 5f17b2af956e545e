import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import type { Ownership } from '../../bans/ban.types.js';
import type { DevicePlatform } from '../../catalog/catalog.types.js';
import type { ComplianceState } from '../../compliance/engine/states.js';
import { type Device, deviceRowToDevice, normaliseGroupPath } from '../device.repository.js';
import type { Executor } from '../executor.js';
import { type Finding, findingRowToFinding } from '../finding.repository.js';
import type { Database } from '../schema.js';
import { inGroup, matchesSearch } from './device-filter.js';
import { findingShowsState } from './finding-state.filter.js';

export interface DeviceListFilter {
  /** Case-insensitive substring of name, holder or serial. */
  search?: string;
  /** This group or below it. */
  group?: string;
  ownership?: readonly Ownership[];
  platform?: ReadonlyArray<DevicePlatform | 'unknown'>;
  /** Devices with a current finding that shows this state (under `banId` when given). */
  state?: ComplianceState;
  /** Devices with a current finding under this ban (in `state` when given). */
  banId?: string;
  /** The instant that decides violating against overdue. */
  now: number;
}

export interface DevicePage {
  devices: Device[];
  /** The last id of the page when more follow, else null. */
  nextAfter: number | null;
}

function conditions(
  eb: ExpressionBuilder<Database, 'devices'>,
  filter: DeviceListFilter,
): Expression<SqlBool>[] {
  const out: Expression<SqlBool>[] = [];
  const group = normaliseGroupPath(filter.group);
  if (group !== null) out.push(inGroup(eb, group));
  if (filter.ownership?.length) out.push(eb('devices.ownership', 'in', [...filter.ownership]));
  if (filter.platform?.length) out.push(eb('devices.platform', 'in', [...filter.platform]));
  if (filter.search) out.push(matchesSearch(eb, filter.search));
  const { state, banId, now } = filter;
  if (state !== undefined || banId !== undefined) {
    // A semi-join driven by findings_ban_state_idx, not one lookup per device.
    let findings = eb.selectFrom('findings').select('findings.device_id');
    if (banId !== undefined) findings = findings.where('findings.ban_id', '=', banId);
    if (state !== undefined) findings = findings.where(findingShowsState(state, now));
    out.push(eb('devices.id', 'in', findings));
  }
  return out;
}

/** A page of the devices that match, by id (keyset: pass the last id seen as `afterId`). */
export async function listDevicePage(
  db: Executor,
  filter: DeviceListFilter,
  page: { afterId?: number; limit: number },
): Promise<DevicePage> {
  let query = db
    .selectFrom('devices')
    .selectAll('devices')
    .where((eb) => eb.and(conditions(eb, filter)))
    .orderBy('devices.id')
    .limit(page.limit + 1);
  if (page.afterId !== undefined) query = query.where('devices.id', '>', page.afterId);
  const rows = await query.execute();
  const more = rows.length > page.limit;
  const devices = rows.slice(0, page.limit).map(deviceRowToDevice);
  return { devices, nextAfter: more ? (devices.at(-1)?.id ?? null) : null };
}

/** How many devices match, whatever the page. */
export async function countDevicesMatching(db: Executor, filter: DeviceListFilter): Promise<number> {
  const row = await db
    .selectFrom('devices')
    .select(sql<number>`count(*)`.as('n'))
    .where((eb) => eb.and(conditions(eb, filter)))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The current findings of some devices, by device then ban. */
export async function currentFindingsOf(db: Executor, deviceIds: readonly number[]): Promise<Finding[]> {
  if (deviceIds.length === 0) return [];
  const rows = await db
    .selectFrom('findings')
    .selectAll()
    .where('device_id', 'in', [...deviceIds])
    .orderBy('device_id')
    .orderBy('ban_id')
    .execute();
  return rows.map(findingRowToFinding);
}
