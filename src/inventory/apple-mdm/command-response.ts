import { AppbanError } from '../../lib/errors.js';
import { uniqueApps } from '../amapi/json-fields.js';
import type { PlistNode } from '../safe-xml/plist-reader.js';
import type { InventorySnapshot, ObservedApp, ObservedDevice } from '../snapshot.types.js';
import { guessApplePlatform } from './apple-platform.js';

/**
 * ManagedApplicationList statuses that mean the app is on the device (apple/device-management,
 * mdm/commands/application.managed.list.yaml). Queued, Installing, ManagedButUninstalled,
 * UserRejected, Failed and the other purchase and prompt states mean it is not, or not yet.
 */
const MANAGED_STATUSES_INSTALLED = new Set([
  'Managed',
  'UserInstalledApp',
  'ManagementRejected',
  'UpdateRejected',
  'PromptingForUpdate',
  'PromptingForUpdateLogin',
  'PromptingForManagement',
  'ValidatingUpdate',
  'Updating',
]);

export interface ResponseContext {
  file: string;
  source: string;
  /** Resolved only when the response turns out to hold an inventory. */
  observedAt: () => Promise<string>;
}

export type ResponseReading =
  | { kind: 'inventory'; snapshot: InventorySnapshot }
  /** A well-formed response that carries no app list: another command, or Status NotNow/Error. */
  | { kind: 'no-inventory'; status: string; reason: string };

/**
 * Reads a device's answer to InstalledApplicationList (or ManagedApplicationList). Field names:
 * domain.md §1.4-1.6; apple/device-management mdm/commands/application.installed.list.yaml.
 *
 * Coverage: an InstalledApplicationList answer is `full`, except from a User Enrollment (the
 * answer carries `EnrollmentID` instead of `UDID`), where only managed apps are listed, so
 * `partial`; a ManagedApplicationList answer lists managed apps only and is always `partial`.
 * The answer does not say whether the server filtered the request with `Identifiers` or
 * `ManagedAppsOnly`; appban assumes the unfiltered command that inventories use.
 */
export async function readCommandResponse(
  root: PlistNode,
  context: ResponseContext,
): Promise<ResponseReading> {
  const { file } = context;
  if (root.kind !== 'dict')
    throw plistError(file, root.line, 'the plist is not an MDM command response (a <dict>)');
  const status = optionalString(root, 'Status', file);
  if (status === undefined)
    throw plistError(file, root.line, 'not an MDM command response: "Status" is missing');
  if (status !== 'Acknowledged')
    return { kind: 'no-inventory', status, reason: `the device answered ${status}` };

  const installed = root.entries.get('InstalledApplicationList');
  const managed = root.entries.get('ManagedApplicationList');
  if (installed === undefined && managed === undefined) {
    return {
      kind: 'no-inventory',
      status,
      reason: 'the response holds neither InstalledApplicationList nor ManagedApplicationList',
    };
  }

  const udid = optionalString(root, 'UDID', file);
  const enrollmentId = optionalString(root, 'EnrollmentID', file);
  const sourceDeviceId = udid ?? enrollmentId;
  if (sourceDeviceId === undefined) {
    throw plistError(file, root.line, 'the response names no device: "UDID" (or "EnrollmentID") is missing');
  }
  const userEnrollment = udid === undefined;

  let apps: ObservedApp[];
  let platformEvidence: ReadonlyMap<string, PlistNode>[];
  let coverage: InventorySnapshot['coverage'];
  if (installed !== undefined) {
    if (installed.kind !== 'array')
      throw plistError(file, installed.line, '"InstalledApplicationList" must be an <array>');
    const items = installed.items.map((item) => {
      if (item.kind !== 'dict')
        throw plistError(file, item.line, 'each InstalledApplicationList entry must be a <dict>');
      return item;
    });
    apps = items.flatMap((item) => installedApp(item, file));
    platformEvidence = items.map((item) => item.entries);
    coverage = userEnrollment ? 'partial' : 'full';
  } else {
    if (managed?.kind !== 'dict')
      throw plistError(file, managed?.line ?? root.line, '"ManagedApplicationList" must be a <dict>');
    apps = managedApps(managed, file);
    platformEvidence = [];
    coverage = 'partial';
  }

  const device: ObservedDevice = {
    sourceDeviceId,
    platform: guessApplePlatform(platformEvidence),
  };
  if (udid !== undefined) device.udid = udid;
  if (userEnrollment) {
    device.ownership = 'byod';
    device.managementMode = 'user-enrollment';
  }
  return {
    kind: 'inventory',
    snapshot: {
      source: context.source,
      device,
      observedAt: await context.observedAt(),
      apps: uniqueApps(apps),
      coverage,
    },
  };
}

function installedApp(item: Extract<PlistNode, { kind: 'dict' }>, file: string): ObservedApp[] {
  const identifier = optionalString(item, 'Identifier', file);
  const name = optionalString(item, 'Name', file);
  const version = optionalString(item, 'ShortVersion', file) ?? optionalString(item, 'Version', file);
  // macOS may omit the identifier; the name is then all there is to match on.
  const app: ObservedApp | undefined =
    identifier !== undefined
      ? { kind: 'bundle-id', value: identifier }
      : name !== undefined
        ? { kind: 'display-name', value: name }
        : undefined;
  if (app === undefined) return [];
  if (name !== undefined) app.name = name;
  if (version !== undefined) app.version = version;
  return [app];
}

function managedApps(list: Extract<PlistNode, { kind: 'dict' }>, file: string): ObservedApp[] {
  const apps: ObservedApp[] = [];
  for (const [bundleId, entry] of list.entries) {
    if (entry.kind !== 'dict')
      throw plistError(
        file,
        entry.line,
        `the ManagedApplicationList entry "${clip(bundleId)}" must be a <dict>`,
      );
    const status = optionalString(entry, 'Status', file);
    if (status !== undefined && MANAGED_STATUSES_INSTALLED.has(status))
      apps.push({ kind: 'bundle-id', value: bundleId });
  }
  return apps;
}

function optionalString(
  dict: Extract<PlistNode, { kind: 'dict' }>,
  key: string,
  file: string,
): string | undefined {
  const node = dict.entries.get(key);
  if (node === undefined) return undefined;
  if (node.kind !== 'string') throw plistError(file, node.line, `"${key}" must be a <string>`);
  const value = node.value.trim();
  return value === '' ? undefined : value;
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

function plistError(file: string, line: number, message: string): AppbanError {
  return new AppbanError('PARSE_ERROR', message, { location: { file, line } });
}
