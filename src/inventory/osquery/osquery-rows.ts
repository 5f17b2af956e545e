import type { DevicePlatform } from '../../catalog/catalog.types.js';
import type { ObservedApp, ObservedKind } from '../snapshot.types.js';
import { scalarText } from './scalar.js';

/**
 * The osquery tables that list installed software (column names from osquery/osquery
 * specs/darwin/apps.table, specs/windows/programs.table, specs/chrome_extensions.table,
 * specs/linux/deb_packages.table, specs/linux/rpm_packages.table). `packaged_apps` stands for
 * any query that reports a Windows package family name (`package_family_name` column), as
 * registry or extension queries for Store apps do.
 */
export type InventoryTable =
  | 'apps'
  | 'programs'
  | 'packaged_apps'
  | 'deb_packages'
  | 'rpm_packages'
  | 'chrome_extensions';

type Row = Record<string, unknown>;

const has = (row: Row, column: string): boolean => row[column] !== undefined;

/**
 * Which inventory table a row comes from: first by its columns (a query may be named anything),
 * then by the query name when the query selected only a few columns
 * (`pack_vuln-management_deb_packages` with `name, version`). Undefined: not an inventory row.
 */
export function recogniseTable(row: Row | undefined, queryName: string): InventoryTable | undefined {
  if (row) {
    if (has(row, 'bundle_identifier') || has(row, 'bundle_short_version') || has(row, 'bundle_executable')) {
      return 'apps';
    }
    if (has(row, 'package_family_name')) return 'packaged_apps';
    if (
      has(row, 'identifier') &&
      (has(row, 'update_url') || has(row, 'profile') || has(row, 'permissions') || has(row, 'persistent'))
    ) {
      return 'chrome_extensions';
    }
    if (has(row, 'name')) {
      if (has(row, 'identifying_number') || has(row, 'uninstall_string') || has(row, 'publisher'))
        return 'programs';
      if (has(row, 'maintainer') || has(row, 'admindir') || has(row, 'section') || has(row, 'priority')) {
        return 'deb_packages';
      }
      // deb_packages has no `release`; newer osquery versions add `vendor` and `package_group`.
      if (has(row, 'release') || has(row, 'sha1') || has(row, 'package_group')) {
        return 'rpm_packages';
      }
    }
  }
  const byName = tableFromQueryName(queryName);
  if (!byName || !row) return byName;
  const keyColumn = byName === 'chrome_extensions' ? 'identifier' : 'name';
  return has(row, keyColumn) || (byName === 'apps' && has(row, 'path')) ? byName : undefined;
}

/** Recognises the usual query names: `apps`, `installed_applications`, `windows_programs`, ... */
export function tableFromQueryName(queryName: string): InventoryTable | undefined {
  const name = queryName.toLowerCase();
  if (name.includes('chrome_extensions')) return 'chrome_extensions';
  if (name.includes('deb_packages')) return 'deb_packages';
  if (name.includes('rpm_packages')) return 'rpm_packages';
  if (name.includes('packaged_apps') || name.includes('appx')) return 'packaged_apps';
  if (/(^|[^a-z])programs([^a-z]|$)/.test(name)) return 'programs';
  if (/(^|[^a-z])(apps|installed_applications)([^a-z]|$)/.test(name)) return 'apps';
  return undefined;
}

/** The platform a table implies, when the log carries no platform decoration. */
export function platformOfTable(table: InventoryTable, row: Row | undefined): DevicePlatform | undefined {
  switch (table) {
    case 'apps':
      return row && has(row, 'bundle_identifier') ? 'macos' : undefined;
    case 'programs':
    case 'packaged_apps':
      return 'windows';
    case 'deb_packages':
    case 'rpm_packages':
      return 'linux';
    default:
      return undefined;
  }
}

/**
 * What a row reports, read into a reused record: a replayed log has millions of rows, and most
 * of them only add to or take from a count, so the frozen app is built once per new install.
 */
export interface RowApp {
  kind: ObservedKind | undefined;
  value: string | undefined;
  name: string | undefined;
  version: string | undefined;
  publisher: string | undefined;
}

export function emptyRowApp(): RowApp {
  return { kind: undefined, value: undefined, name: undefined, version: undefined, publisher: undefined };
}

/** Reads the installed thing a row reports; false when the row lacks the column that names it. */
export function readRowApp(table: InventoryTable, row: Row, into: RowApp): boolean {
  into.publisher = undefined;
  switch (table) {
    case 'apps': {
      into.name = stripAppSuffix(scalarText(row.name) ?? scalarText(row.bundle_name));
      into.version =
        scalarText(row.bundle_short_version) ?? scalarText(row.bundle_version) ?? scalarText(row.version);
      const bundleId = scalarText(row.bundle_identifier);
      // Without a bundle id (a query that selected only names) the name is all there is.
      into.kind = bundleId ? 'bundle-id' : 'display-name';
      into.value = bundleId ?? into.name;
      break;
    }
    case 'programs':
      into.kind = 'program';
      into.value = into.name = scalarText(row.name);
      into.version = scalarText(row.version);
      into.publisher = scalarText(row.publisher);
      break;
    case 'packaged_apps':
      into.kind = 'package-family-name';
      into.value = scalarText(row.package_family_name);
      into.name = scalarText(row.name);
      into.version = scalarText(row.version);
      into.publisher = scalarText(row.publisher);
      break;
    case 'deb_packages':
    case 'rpm_packages':
      into.kind = table === 'deb_packages' ? 'deb-package' : 'rpm-package';
      into.value = into.name = scalarText(row.name);
      into.version = scalarText(row.version);
      break;
    case 'chrome_extensions':
      into.kind = 'chrome-extension';
      into.value = scalarText(row.identifier);
      into.name = scalarText(row.name);
      into.version = scalarText(row.version);
      break;
  }
  return into.value !== undefined;
}

/** The identity of an app within a host's state: two rows with this key are the same install. */
export function rowAppKey(read: RowApp): string {
  return `${read.kind}\u0000${read.value}\u0000${read.version ?? ''}`;
}

/** The app as snapshots carry it, frozen: one object is shared by all snapshots of its host. */
export function freezeRowApp(read: RowApp): ObservedApp {
  const result: ObservedApp = { kind: read.kind ?? 'display-name', value: read.value ?? '' };
  if (read.name !== undefined) result.name = read.name;
  if (read.version !== undefined) result.version = read.version;
  if (read.publisher !== undefined) result.publisher = read.publisher;
  return Object.freeze(result);
}

function stripAppSuffix(name: string | undefined): string | undefined {
  if (!name) return undefined;
  const stripped = name.replace(/\.app$/i, '');
  return stripped === '' ? name : stripped;
}
