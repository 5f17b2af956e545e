import { AppbanError } from '../../lib/errors.js';
import { formatJsonPath, type JsonPathSegment } from '../json-stream/json-path.js';
import { isRecord, scalarText } from '../osquery/scalar.js';
import type { ObservedApp, ObservedKind } from '../snapshot.types.js';

/**
 * One entry of a Fleet host's `software` list. Fields from fleetdm/fleet server/fleet/software.go
 * @01a83efc (`Software`): `name`, `version`, `source` (the osquery table or MDM list it came from),
 * `bundle_identifier` (Apple), `application_id` (Android, "equivalent to the BundleIdentifier on
 * Apple software"), `extension_id` (browser extensions), `vendor`.
 */
export function fleetApp(entry: unknown, path: readonly JsonPathSegment[], file: string): ObservedApp {
  if (!isRecord(entry)) {
    throw new AppbanError('PARSE_ERROR', 'software entry is not an object', {
      location: { file, path: formatJsonPath(path) },
    });
  }
  const source = scalarText(entry.source)?.toLowerCase() ?? '';
  const name = displayName(scalarText(entry.name), source);
  const version = scalarText(entry.version);
  const bundleId = scalarText(entry.bundle_identifier);
  const applicationId = scalarText(entry.application_id);
  const extensionId = scalarText(entry.extension_id);

  let kind: ObservedKind | undefined;
  let value: string | undefined;
  if (source === 'android_apps' && (applicationId ?? bundleId)) {
    kind = 'package';
    value = applicationId ?? bundleId;
  } else if (
    bundleId &&
    (source === 'apps' || source === 'ios_apps' || source === 'ipados_apps' || source === '')
  ) {
    kind = 'bundle-id';
    value = bundleId;
  } else if (source === 'chrome_extensions' && extensionId) {
    kind = 'chrome-extension';
    value = extensionId;
  } else if (source === 'programs' && name) {
    kind = 'program';
    value = name;
  } else if (source === 'deb_packages' && name) {
    kind = 'deb-package';
    value = name;
  } else if (source === 'rpm_packages' && name) {
    kind = 'rpm-package';
    value = name;
  } else if (name) {
    // Homebrew, Python, browser add-ons without ids...: kept for the record, matched by name only.
    kind = 'display-name';
    value = name;
  }
  if (!kind || !value) {
    throw new AppbanError('PARSE_ERROR', 'software entry has neither a name nor an identifier', {
      location: { file, path: formatJsonPath(path) },
    });
  }
  const app: ObservedApp = { kind, value };
  if (name !== undefined) app.name = name;
  if (version !== undefined) app.version = version;
  const vendor = scalarText(entry.vendor);
  if (vendor !== undefined) app.publisher = vendor;
  return app;
}

/** Fleet names macOS apps after their bundle folder (`SomeApp.app`); the app's name is without it. */
function displayName(name: string | undefined, source: string): string | undefined {
  if (!name || source !== 'apps') return name;
  const stripped = name.replace(/\.app$/i, '');
  return stripped === '' ? name : stripped;
}
