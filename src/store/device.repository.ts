import { sql } from 'kysely';
import type { Ownership } from '../bans/ban.types.js';
import type { DevicePlatform } from '../catalog/catalog.types.js';
import type { ObservedDevice } from '../inventory/snapshot.types.js';
import { lockKey, lockKeyShared } from './dialect.js';
import type { Executor, Trx } from './executor.js';
import type { DeviceRow, DeviceUpdate } from './schema.js';

export interface Device {
  id: number;
  name: string | null;
  holder: string | null;
  group: string | null;
  ownership: Ownership;
  platform: DevicePlatform | 'unknown';
  osVersion: string | null;
  managementMode: string | null;
  serial: string | null;
  udid: string | null;
  hardwareId: string | null;
  firstSeenAt: number;
  lastSeenAt: number;
  lastObservedAt: number;
}

export function deviceRowToDevice(row: DeviceRow): Device {
  return {
    id: row.id,
    name: row.name,
    holder: row.holder,
    group: row.group_path,
    ownership: row.ownership as Ownership,
    platform: row.platform as Device['platform'],
    osVersion: row.os_version,
    managementMode: row.management_mode,
    serial: row.serial,
    udid: row.udid,
    hardwareId: row.hardware_id,
    firstSeenAt: row.first_seen_at,
    lastSeenAt: row.last_seen_at,
    lastObservedAt: row.last_observed_at,
  };
}

/** One source's view of a device at one time. */
export interface DeviceObservation {
  /** The source format, e.g. `osquery`, `jamf`. */
  source: string;
  device: ObservedDevice;
  /** When the source observed the device (epoch ms). */
  observedAt: number;
  /** When appban received it (epoch ms). */
  importedAt: number;
}

export type DeviceMatch = 'serial' | 'udid' | 'hardware-id' | 'source-id';

export interface ResolvedDevice {
  deviceId: number;
  /** How the observation was matched to a known device; null when a new device was created. */
  matchedBy: DeviceMatch | null;
}

/**
 * Serial numbers that hardware and hypervisors report when they have none (osquery's system_info on
 * VMs and white-box PCs); matching on them would merge unrelated machines.
 */
const PLACEHOLDER_SERIALS = new Set([
  '0',
  '00000000',
  '0123456789',
  '123456789',
  'NONE',
  'NULL',
  'N/A',
  'NA',
  'UNKNOWN',
  'DEFAULT STRING',
  'NOT SPECIFIED',
  'NOT APPLICABLE',
  'NOT AVAILABLE',
  'SYSTEM SERIAL NUMBER',
  'TO BE FILLED BY O.E.M.',
  'CHASSIS SERIAL NUMBER',
  'INVALID',
]);

export function normaliseSerial(value: string | undefined): string | null {
  const text = value?.trim().toUpperCase();
  if (!text || PLACEHOLDER_SERIALS.has(text) || /^0+$/.test(text)) return null;
  return text;
}

/** UDIDs and hardware UUIDs are hex that sources print in either case. */
export function normaliseUdid(value: string | undefined): string | null {
  const text = value?.trim().toUpperCase();
  return text ? text : null;
}

export function normaliseHardwareId(value: string | undefined): string | null {
  const text = value?.trim();
  return text ? text : null;
}

function normaliseText(value: string | undefined): string | null {
  const text = value?.trim();
  return text ? text : null;
}

/** `/federal/finance/` → `federal/finance`. */
export function normaliseGroupPath(value: string | undefined): string | null {
  const text = value
    ?.split('/')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .join('/');
  return text ? text : null;
}

/**
 * Finds the device an observation is about, or creates it, and records the source's id for it.
 * Matching goes from the strongest identifier to the weakest: serial, UDID, hardware id, then the
 * source's own device id, so that a device reported by two sources becomes one device.
 * Descriptive fields follow the newest observation; an older one arriving late only fills blanks.
 * Devices already stored apart are not merged; the source's id is re-pointed to the better match.
 */
export async function resolveDevice(
  trx: Trx,
  observation: DeviceObservation,
  options: { identitiesLocked?: boolean } = {},
): Promise<ResolvedDevice> {
  const ids = identifiersOf(observation);
  let match = await findDevice(trx, observation.source, observation.device.sourceDeviceId, ids);
  if (!match && !options.identitiesLocked) {
    // Two replicas seeing one new device at once must not create it twice. Known devices (the common
    // case) take no lock; creation is serialised, and the search repeated under the lock.
    await lockKey(trx, 'device', 'create');
    match = await findDevice(trx, observation.source, observation.device.sourceDeviceId, ids);
  }
  let deviceId: number;
  if (match) {
    deviceId = match.row.id;
    const update = mergeObservation(match.row, observation, ids);
    if (Object.keys(update).length > 0)
      await trx.updateTable('devices').set(update).where('id', '=', deviceId).execute();
  } else {
    deviceId = await insertDevice(trx, observation, ids);
  }
  if (match?.by !== 'source-id') {
    await trx
      .insertInto('device_sources')
      .values({
        source: observation.source,
        source_device_id: observation.device.sourceDeviceId,
        device_id: deviceId,
      })
      .onConflict((oc) => oc.columns(['source', 'source_device_id']).doUpdateSet({ device_id: deviceId }))
      .execute();
  }
  return { deviceId, matchedBy: match?.by ?? null };
}

interface Identifiers {
  serial: string | null;
  udid: string | null;
  hardwareId: string | null;
}

function identifiersOf(observation: Pick<DeviceObservation, 'device'>): Identifiers {
  return {
    serial: normaliseSerial(observation.device.serial),
    udid: normaliseUdid(observation.device.udid),
    hardwareId: normaliseHardwareId(observation.device.hardwareId),
  };
}

/** Batches up to this many snapshots lock each device identifier; larger ones lock device creation as a whole. */
export const IDENTITY_LOCK_BATCH = 64;

/**
 * Lets small batches (agent check-ins) from several replicas resolve devices in parallel: instead of
 * the one `device/create` lock, a batch takes that lock shared and locks each identifier it carries
 * (serial, UDID, hardware id, source id), in sorted order so two batches never wait on each other in
 * a cycle. Two observations that could be one device share an identifier, so they still queue; large
 * imports keep the exclusive lock, which also excludes every small batch. Returns whether the
 * identifiers are now locked (pass it to resolveDevice); a no-op on SQLite, whose writers are serial.
 */
export async function lockDeviceIdentities(
  trx: Trx,
  observations: readonly Pick<DeviceObservation, 'source' | 'device'>[],
): Promise<boolean> {
  if (observations.length > IDENTITY_LOCK_BATCH) return false;
  const keys = new Set<string>();
  for (const observation of observations) {
    const ids = identifiersOf(observation);
    if (ids.serial !== null) keys.add(`serial:${ids.serial}`);
    if (ids.udid !== null) keys.add(`udid:${ids.udid}`);
    if (ids.hardwareId !== null) keys.add(`hardware:${ids.hardwareId}`);
    keys.add(`source:${observation.source}:${observation.device.sourceDeviceId}`);
  }
  await lockKeyShared(trx, 'device', 'create');
  for (const key of [...keys].sort()) await lockKey(trx, 'device-identity', key);
  return true;
}

async function findDevice(
  db: Executor,
  source: string,
  sourceDeviceId: string,
  ids: Identifiers,
): Promise<{ row: DeviceRow; by: DeviceMatch } | undefined> {
  const byColumn = async (column: 'serial' | 'udid' | 'hardware_id', value: string | null) =>
    value === null
      ? undefined
      : db
          .selectFrom('devices')
          .selectAll()
          .where(column, '=', value)
          .orderBy('id')
          .limit(1)
          .executeTakeFirst();
  const bySerial = await byColumn('serial', ids.serial);
  if (bySerial) return { row: bySerial, by: 'serial' };
  const byUdid = await byColumn('udid', ids.udid);
  if (byUdid) return { row: byUdid, by: 'udid' };
  const byHardwareId = await byColumn('hardware_id', ids.hardwareId);
  if (byHardwareId) return { row: byHardwareId, by: 'hardware-id' };
  const bySourceId = await db
    .selectFrom('device_sources as ds')
    .innerJoin('devices as d', 'd.id', 'ds.device_id')
    .selectAll('d')
    .where('ds.source', '=', source)
    .where('ds.source_device_id', '=', sourceDeviceId)
    .executeTakeFirst();
  return bySourceId && { row: bySourceId, by: 'source-id' };
}

async function insertDevice(trx: Trx, observation: DeviceObservation, ids: Identifiers): Promise<number> {
  const { device, observedAt, importedAt } = observation;
  const row = await trx
    .insertInto('devices')
    .values({
      name: normaliseText(device.name),
      holder: normaliseText(device.holder),
      group_path: normaliseGroupPath(device.group),
      ownership: device.ownership ?? 'unknown',
      platform: device.platform,
      os_version: normaliseText(device.osVersion),
      management_mode: normaliseText(device.managementMode),
      serial: ids.serial,
      udid: ids.udid,
      hardware_id: ids.hardwareId,
      first_seen_at: observedAt,
      last_seen_at: importedAt,
      last_observed_at: observedAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The changes an observation makes to a stored device. */
export function mergeObservation(
  row: DeviceRow,
  observation: DeviceObservation,
  ids: Identifiers,
): DeviceUpdate {
  const { device, observedAt, importedAt } = observation;
  const newer = observedAt >= row.last_observed_at;
  const update: DeviceUpdate = {};
  const take = <K extends keyof DeviceRow>(
    column: K,
    value: DeviceRow[K] | null,
    informative = value !== null,
  ) => {
    if (!informative || value === row[column]) return;
    if (newer || row[column] === null) (update as Record<string, unknown>)[column] = value;
  };
  take('name', normaliseText(device.name));
  take('holder', normaliseText(device.holder));
  take('group_path', normaliseGroupPath(device.group));
  take('os_version', normaliseText(device.osVersion));
  take('management_mode', normaliseText(device.managementMode));
  // `unknown` says nothing: it never replaces what another source knew.
  if (device.ownership && device.ownership !== 'unknown' && device.ownership !== row.ownership) {
    if (newer || row.ownership === 'unknown') update.ownership = device.ownership;
  }
  if (device.platform !== 'unknown' && device.platform !== row.platform) {
    if (newer || row.platform === 'unknown') update.platform = device.platform;
  }
  // A device's hardware identifiers do not change: fill them in, never overwrite.
  if (row.serial === null && ids.serial !== null) update.serial = ids.serial;
  if (row.udid === null && ids.udid !== null) update.udid = ids.udid;
  if (row.hardware_id === null && ids.hardwareId !== null) update.hardware_id = ids.hardwareId;
  if (observedAt < row.first_seen_at) update.first_seen_at = observedAt;
  if (observedAt > row.last_observed_at) update.last_observed_at = observedAt;
  if (importedAt > row.last_seen_at) update.last_seen_at = importedAt;
  return update;
}

export async function getDevice(db: Executor, id: number): Promise<Device | undefined> {
  const row = await db.selectFrom('devices').selectAll().where('id', '=', id).executeTakeFirst();
  return row && deviceRowToDevice(row);
}

/** The device a source knows by its own id. */
export async function findDeviceBySourceId(
  db: Executor,
  source: string,
  sourceDeviceId: string,
): Promise<Device | undefined> {
  const row = await db
    .selectFrom('device_sources as ds')
    .innerJoin('devices as d', 'd.id', 'ds.device_id')
    .selectAll('d')
    .where('ds.source', '=', source)
    .where('ds.source_device_id', '=', sourceDeviceId)
    .executeTakeFirst();
  return row && deviceRowToDevice(row);
}

/** Every (source, source device id) that names a device. */
export async function listDeviceSources(
  db: Executor,
  deviceId: number,
): Promise<Array<{ source: string; sourceDeviceId: string }>> {
  const rows = await db
    .selectFrom('device_sources')
    .select(['source', 'source_device_id'])
    .where('device_id', '=', deviceId)
    .orderBy('source')
    .orderBy('source_device_id')
    .execute();
  return rows.map((row) => ({ source: row.source, sourceDeviceId: row.source_device_id }));
}

export interface DeviceFilter {
  /** Devices in this group or below it (`federal` matches `federal/finance`). */
  group?: string;
  ownership?: Ownership[];
  platform?: Array<DevicePlatform | 'unknown'>;
  /** Case-insensitive substring of name, holder or serial. */
  search?: string;
}

/** Devices ordered by id, a page at a time (keyset paging: pass the last id seen as `afterId`). */
export async function listDevices(
  db: Executor,
  options: DeviceFilter & { afterId?: number; limit?: number } = {},
): Promise<Device[]> {
  let query = db
    .selectFrom('devices')
    .selectAll()
    .orderBy('id')
    .limit(options.limit ?? 100);
  if (options.afterId !== undefined) query = query.where('id', '>', options.afterId);
  const group = normaliseGroupPath(options.group);
  if (group !== null) {
    query = query.where((eb) =>
      eb.or([
        eb('group_path', '=', group),
        eb(eb.fn('substr', ['group_path', eb.lit(1), eb.lit(group.length + 1)]), '=', `${group}/`),
      ]),
    );
  }
  if (options.ownership?.length) query = query.where('ownership', 'in', options.ownership);
  if (options.platform?.length) query = query.where('platform', 'in', options.platform);
  if (options.search) {
    const needle = `%${options.search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb.or(
        (['name', 'holder', 'serial'] as const).map(
          (column) => sql<boolean>`lower(${eb.ref(column)}) like ${needle} escape '\\'`,
        ),
      ),
    );
  }
  return (await query.execute()).map(deviceRowToDevice);
}

export async function countDevices(db: Executor): Promise<number> {
  const row = await db.selectFrom('devices').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}
