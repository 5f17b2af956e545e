import { OWNERSHIPS, type Ownership } from '../../bans/ban.types.js';
import { DEVICE_PLATFORMS, type DevicePlatform } from '../../catalog/catalog.types.js';
import { parseInstant } from '../../lib/dates.js';
import { AppbanError } from '../../lib/errors.js';
import type {
  InventorySnapshot,
  InventorySource,
  ObservedApp,
  ObservedDevice,
  ObservedKind,
  ParseInput,
} from '../snapshot.types.js';
import { readCsvRecords } from './csv-records.js';

/** appban's own CSV inventory format; every column name is documented here and nowhere else. */
export const CSV_COLUMNS = [
  'device_id',
  'device_name',
  'holder',
  'group',
  'ownership',
  'platform',
  'app_id',
  'app_name',
  'version',
  'observed_at',
] as const;
type Column = (typeof CSV_COLUMNS)[number];
const REQUIRED_COLUMNS: readonly Column[] = ['device_id', 'platform', 'app_id', 'observed_at'];

/** The device fields every row of one snapshot must agree on. */
const DEVICE_COLUMNS = ['device_name', 'holder', 'group', 'ownership', 'platform'] as const;

/** A Windows package family name: identity name, `_`, 13-character publisher id. */
const PACKAGE_FAMILY_NAME = /^[A-Za-z0-9.-]{3,50}_[a-z0-9]{13}$/;
const CHROME_EXTENSION_ID = /^[a-p]{32}$/;

/**
 * One row per installed app, or one row with an empty `app_id` for a device without apps. Rows
 * with the same `device_id` and `observed_at` form one snapshot (full coverage) and must be
 * contiguous, so that the file can be streamed; a snapshot split across the file is an error
 * rather than two half snapshots, the second of which would hide the first one's apps.
 */
export const csvSource: InventorySource = {
  name: 'csv',
  title: 'CSV inventory (device_id, platform, app_id, observed_at, ...)',
  sniff: sniffCsv,
  parse: parseCsv,
};

export function sniffCsv(head: string, fileName: string): number {
  const firstLine = head.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  const names = firstLine.split(',').map((name) => name.trim().replace(/^"|"$/g, '').toLowerCase());
  const isCsvName = fileName.toLowerCase().endsWith('.csv');
  if (REQUIRED_COLUMNS.every((column) => names.includes(column))) return 0.95;
  const known = names.filter((name) => (CSV_COLUMNS as readonly string[]).includes(name)).length;
  if (known >= 2) return isCsvName ? 0.6 : 0.4;
  return isCsvName ? 0.1 : 0;
}

interface PendingSnapshot {
  key: string;
  firstLine: number;
  device: ObservedDevice;
  deviceValues: Partial<Record<(typeof DEVICE_COLUMNS)[number], { value: string; line: number }>>;
  observedAt: string;
  apps: ObservedApp[];
  appKeys: Set<string>;
}

async function* parseCsv(input: ParseInput): AsyncGenerator<InventorySnapshot> {
  const file = input.path;
  const fail = (message: string, line: number) =>
    new AppbanError('PARSE_ERROR', message, { location: { file, line } });
  let columns: Map<Column, number> | undefined;
  let width = 0;
  let pending: PendingSnapshot | undefined;
  /** Snapshots already emitted: a key seen again means the file split a snapshot. */
  const emitted = new Map<string, number>();

  for await (const record of readCsvRecords(input.open(), file)) {
    if (!columns) {
      columns = headerColumns(record.fields, (message) => fail(message, record.line));
      width = record.fields.length;
      continue;
    }
    if (record.fields.length !== width) {
      throw fail(`row has ${record.fields.length} fields; the header has ${width}`, record.line);
    }
    const header = columns;
    const cell = (column: Column): string => {
      const index = header.get(column);
      return index === undefined ? '' : (record.fields[index] ?? '').trim();
    };
    const row = readRow(cell, (message) => fail(message, record.line));
    const key = `${row.deviceId}\u0000${row.observedAt}`;

    if (pending?.key !== key) {
      if (pending) {
        emitted.set(pending.key, pending.firstLine);
        yield toSnapshot(pending);
      }
      const firstLine = emitted.get(key);
      if (firstLine !== undefined) {
        throw fail(
          `rows of device ${row.deviceId} at ${row.observedAt} are split: they began on line ${firstLine} and other rows came between; keep them together`,
          record.line,
        );
      }
      pending = {
        key,
        firstLine: record.line,
        device: { sourceDeviceId: row.deviceId, platform: row.platform },
        deviceValues: {},
        observedAt: row.observedAt,
        apps: [],
        appKeys: new Set(),
      };
    }
    mergeDevice(pending, cell, record.line, (message) => fail(message, record.line));
    if (row.app) {
      const appKey = `${row.app.kind}\u0000${row.app.value}\u0000${row.app.version ?? ''}`;
      if (!pending.appKeys.has(appKey)) {
        pending.appKeys.add(appKey);
        pending.apps.push(row.app);
      }
    }
  }
  if (!columns) throw fail('the file is empty; a header row naming the columns is required', 1);
  if (pending) yield toSnapshot(pending);
}

function headerColumns(fields: string[], fail: (message: string) => AppbanError): Map<Column, number> {
  const columns = new Map<Column, number>();
  fields.forEach((raw, index) => {
    const name = raw.trim().toLowerCase();
    if (!(CSV_COLUMNS as readonly string[]).includes(name)) {
      throw fail(`unknown column "${raw.trim()}" in the header; the columns are ${CSV_COLUMNS.join(', ')}`);
    }
    if (columns.has(name as Column)) throw fail(`column "${name}" appears twice in the header`);
    columns.set(name as Column, index);
  });
  const missing = REQUIRED_COLUMNS.filter((column) => !columns.has(column));
  if (missing.length > 0) throw fail(`the header lacks the required column(s) ${missing.join(', ')}`);
  return columns;
}

interface Row {
  deviceId: string;
  platform: DevicePlatform;
  observedAt: string;
  app: ObservedApp | undefined;
}

function readRow(cell: (column: Column) => string, fail: (message: string) => AppbanError): Row {
  const deviceId = cell('device_id');
  if (deviceId === '') throw fail('device_id is empty');
  const platform = platformOf(cell('platform'), fail);
  const observedText = cell('observed_at');
  const observedMs = parseInstant(observedText);
  if (observedMs === undefined) {
    throw fail(`observed_at "${observedText}" is not a date (YYYY-MM-DD) or an ISO 8601 time with a zone`);
  }
  ownershipOf(cell('ownership'), fail);
  const appId = cell('app_id');
  const appName = cell('app_name');
  const version = cell('version');
  let app: ObservedApp | undefined;
  if (appId !== '') {
    app = { kind: appKind(platform, appId), value: appId };
    if (appName !== '') app.name = appName;
    if (version !== '') app.version = version;
  } else if (appName !== '' || version !== '') {
    throw fail('app_name or version is given but app_id is empty');
  }
  return { deviceId, platform, observedAt: new Date(observedMs).toISOString(), app };
}

function platformOf(text: string, fail: (message: string) => AppbanError): DevicePlatform {
  const lower = text.toLowerCase();
  // iPadOS is iOS for every ban and every identifier.
  if (lower === 'ipados') return 'ios';
  if ((DEVICE_PLATFORMS as readonly string[]).includes(lower)) return lower as DevicePlatform;
  throw fail(`platform "${text}" is not one of ${DEVICE_PLATFORMS.join(', ')}`);
}

function ownershipOf(text: string, fail: (message: string) => AppbanError): Ownership | undefined {
  if (text === '') return undefined;
  const lower = text.toLowerCase();
  if ((OWNERSHIPS as readonly string[]).includes(lower)) return lower as Ownership;
  throw fail(`ownership "${text}" is not one of ${OWNERSHIPS.join(', ')}`);
}

function appKind(platform: DevicePlatform, appId: string): ObservedKind {
  switch (platform) {
    case 'android':
      return 'package';
    case 'ios':
    case 'macos':
      return 'bundle-id';
    case 'windows':
      return PACKAGE_FAMILY_NAME.test(appId) ? 'package-family-name' : 'program';
    case 'chromeos':
      return CHROME_EXTENSION_ID.test(appId) ? 'chrome-extension' : 'package';
    case 'linux':
      return 'program';
  }
}

function mergeDevice(
  pending: PendingSnapshot,
  cell: (column: Column) => string,
  line: number,
  fail: (message: string) => AppbanError,
) {
  for (const column of DEVICE_COLUMNS) {
    const value = cell(column);
    if (value === '') continue;
    const seen = pending.deviceValues[column];
    if (seen && seen.value.toLowerCase() !== value.toLowerCase()) {
      throw fail(
        `${column} "${value}" differs from "${seen.value}" on line ${seen.line} for the same device and time`,
      );
    }
    if (seen) continue;
    pending.deviceValues[column] = { value, line };
    const device = pending.device;
    if (column === 'device_name') device.name = value;
    else if (column === 'holder') device.holder = value;
    else if (column === 'group') device.group = value;
    else if (column === 'ownership') {
      const ownership = ownershipOf(value, fail);
      if (ownership) device.ownership = ownership;
    }
  }
}

function toSnapshot(pending: PendingSnapshot): InventorySnapshot {
  return {
    source: 'csv',
    device: pending.device,
    observedAt: pending.observedAt,
    apps: pending.apps,
    coverage: 'full',
  };
}
