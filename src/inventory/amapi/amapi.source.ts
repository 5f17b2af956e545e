import { observedAtFallback } from '../safe-xml/source-input.js';
import type { InventorySnapshot, InventorySource, ParseInput, ParseOptions } from '../snapshot.types.js';
import { amapiSnapshot } from './amapi-device.js';
import { FieldReader, isObject, jsonError } from './json-fields.js';
import { readJsonEvents } from './json-records.js';

/**
 * Android Management API devices: one `Device` resource, a `devices.list` page
 * (`{ "devices": [...], "nextPageToken" }`), an array of devices, or any of these one per line.
 * Devices stream one at a time, so an export of a whole fleet never sits in memory.
 */
export const amapiSource: InventorySource = {
  name: 'amapi',
  title: 'Android Management API devices (Device, devices.list)',

  sniff(head: string): number {
    if (!/^\s*[[{]/.test(head)) return 0;
    if (/"name"\s*:\s*"enterprises\/[^"/]+\/devices\//.test(head)) return 0.95;
    if (head.includes('"applicationReports"')) return 0.8;
    if (/"managementMode"\s*:\s*"(?:DEVICE_OWNER|PROFILE_OWNER)"/.test(head)) return 0.8;
    return 0;
  },

  async *parse(input: ParseInput, _options: ParseOptions): AsyncIterable<InventorySnapshot> {
    const file = input.path;
    const fallbackObservedAt = await observedAtFallback(file);
    const events = readJsonEvents(input.open(), { file, streamKeys: ['devices'], multipleDocuments: true });
    for await (const event of events) {
      if (event.type === 'item') {
        yield amapiSnapshot(FieldReader.of(file, event.path, event.value, 'each device'), fallbackObservedAt);
        continue;
      }
      const { value } = event;
      if (Array.isArray(value) || event.streamed.has('devices')) continue;
      if (!isObject(value))
        throw jsonError(file, event.path, 'expected an AMAPI Device or a devices.list response');
      if (value.devices !== undefined && value.devices !== null) {
        throw jsonError(file, `${event.path}.devices`, '"devices" must be an array');
      }
      if (
        value.name !== undefined ||
        value.applicationReports !== undefined ||
        value.hardwareInfo !== undefined
      ) {
        yield amapiSnapshot(new FieldReader(file, event.path, value), fallbackObservedAt);
      } else if (!Object.keys(value).every((key) => key === 'devices' || key === 'nextPageToken')) {
        throw jsonError(file, event.path, 'expected an AMAPI Device or a devices.list response');
      }
    }
  },
};
