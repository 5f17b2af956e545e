import { FieldReader, isObject, jsonError, uniqueApps } from '../amapi/json-fields.js';
import { readJsonEvents } from '../amapi/json-records.js';
import { observedAtFallback } from '../safe-xml/source-input.js';
import type {
  InventorySnapshot,
  InventorySource,
  ObservedApp,
  ObservedDevice,
  ParseInput,
  ParseOptions,
} from '../snapshot.types.js';
import { detectedAppEntry, isDetectedApp, managedDeviceOf, managedDeviceSeenAt } from './intune-records.js';

/**
 * Microsoft Graph Intune exports, in either direction:
 *
 * - `managedDevices` (a `{ "value": [...], "@odata.nextLink" }` page or one device) with
 *   `detectedApps` expanded: one snapshot per device, streamed. Coverage is `full` only for a
 *   corporate device with its detected apps: Graph documents that "unmanaged apps will only appear
 *   for devices marked as corporate owned", so a personal device's list misses exactly the apps a
 *   ban is about.
 * - `detectedApps` with `managedDevices` expanded (or one detectedApp), or a device's own
 *   `managedDevices('{id}')/detectedApps` page: turned around into one snapshot per device, each
 *   `partial` because an app-by-app export cannot show that a device has nothing else.
 *
 * observedAt is the device's `lastSyncDateTime`, else the file's modification time.
 */
export const intuneSource: InventorySource = {
  name: 'intune',
  title: 'Microsoft Intune managedDevices and detectedApps (Microsoft Graph)',

  sniff(head: string): number {
    if (!/^\s*[[{]/.test(head)) return 0;
    if (/"@odata\.context"\s*:\s*"[^"]*(?:managedDevices|detectedApps)/.test(head)) return 0.95;
    if (head.includes('"managedDeviceOwnerType"') || head.includes('"#microsoft.graph.managedDevice"'))
      return 0.9;
    if (head.includes('"#microsoft.graph.detectedApp"')) return 0.9;
    if (head.includes('"detectedApps"') || (head.includes('"sizeInByte"') && head.includes('"deviceCount"')))
      return 0.7;
    return 0;
  },

  async *parse(input: ParseInput, _options: ParseOptions): AsyncIterable<InventorySnapshot> {
    const file = input.path;
    const fallbackObservedAt = await observedAtFallback(file);
    const inverted = new DeviceApps();
    let unattributed: { document: number; app: ObservedApp; path: string; platform: string | undefined }[] =
      [];

    const takeRecord = (record: FieldReader, document: number): InventorySnapshot | undefined => {
      if (!isDetectedApp(record)) return managedDeviceSnapshot(record, fallbackObservedAt);
      const app = detectedAppEntry(record);
      if (app === undefined) return undefined;
      const devices = record.objects('managedDevices', 'a managed device');
      if (devices === undefined) {
        unattributed.push({ document, app, path: record.path, platform: record.string('platform') });
      }
      for (const device of devices ?? []) inverted.add(device, app, record.string('platform'));
      return undefined;
    };

    const events = readJsonEvents(input.open(), { file, streamKeys: ['value'], multipleDocuments: true });
    for await (const event of events) {
      if (event.type === 'item') {
        const snapshot = takeRecord(
          FieldReader.of(file, event.path, event.value, 'each value'),
          event.document,
        );
        if (snapshot) yield snapshot;
        continue;
      }
      const { value } = event;
      if (!isObject(value) && !Array.isArray(value)) {
        throw jsonError(
          file,
          event.path,
          'expected a Microsoft Graph managedDevices or detectedApps response',
        );
      }
      if (isObject(value) && !event.streamed.has('value')) {
        if (value.value !== undefined && value.value !== null) {
          throw jsonError(file, `${event.path}.value`, '"value" must be an array');
        }
        const isCollection = Object.keys(value).every((key) => key === 'value' || key.startsWith('@odata.'));
        if (!isCollection) {
          const snapshot = takeRecord(new FieldReader(file, event.path, value), event.document);
          if (snapshot) yield snapshot;
        }
      }
      // A device's own detectedApps page names the device only in its @odata.context.
      const context =
        isObject(value) && typeof value['@odata.context'] === 'string' ? value['@odata.context'] : '';
      const deviceId = /managedDevices\('([^']+)'\)\/detectedApps/.exec(context)?.[1];
      for (const orphan of unattributed.filter((entry) => entry.document === event.document)) {
        if (deviceId === undefined) {
          throw jsonError(
            file,
            orphan.path,
            'a detectedApp without its devices; export /deviceManagement/detectedApps with $expand=managedDevices',
          );
        }
        inverted.add(new FieldReader(file, event.path, { id: deviceId }), orphan.app, orphan.platform);
      }
      unattributed = unattributed.filter((entry) => entry.document !== event.document);
    }

    for (const entry of inverted.entries()) {
      yield {
        source: 'intune',
        device: entry.device,
        observedAt: entry.seenAt ?? fallbackObservedAt,
        apps: uniqueApps(entry.apps),
        coverage: 'partial',
      };
    }
  },
};

function managedDeviceSnapshot(record: FieldReader, fallbackObservedAt: string): InventorySnapshot {
  const device = managedDeviceOf(record);
  const detected = record.objects('detectedApps', 'a detected app');
  const apps = (detected ?? []).flatMap((app) => detectedAppEntry(app) ?? []);
  return {
    source: 'intune',
    device,
    observedAt: managedDeviceSeenAt(record) ?? fallbackObservedAt,
    apps: uniqueApps(apps),
    coverage: detected !== undefined && device.ownership === 'owned' ? 'full' : 'partial',
  };
}

/** Devices gathered from app-by-app records, each with the apps seen on it. */
class DeviceApps {
  private readonly byId = new Map<
    string,
    { device: ObservedDevice; seenAt: string | undefined; apps: ObservedApp[] }
  >();

  add(record: FieldReader, app: ObservedApp, appPlatform: string | undefined): void {
    const id = record.requiredString('id');
    let entry = this.byId.get(id);
    if (entry === undefined) {
      entry = { device: managedDeviceOf(record, appPlatform), seenAt: managedDeviceSeenAt(record), apps: [] };
      this.byId.set(id, entry);
    }
    entry.apps.push(app);
  }

  entries(): Iterable<{ device: ObservedDevice; seenAt: string | undefined; apps: ObservedApp[] }> {
    return this.byId.values();
  }
}
