import { FieldReader, isObject, jsonError } from '../amapi/json-fields.js';
import { readJsonEvents } from '../amapi/json-records.js';
import { observedAtFallback } from '../safe-xml/source-input.js';
import type { InventorySnapshot, InventorySource, ParseInput, ParseOptions } from '../snapshot.types.js';
import { jamfRecordKind, jamfSnapshot } from './jamf-records.js';

/**
 * Jamf Pro API inventory exports: a computers-inventory or mobile-devices/detail page
 * (`{ "totalCount", "results": [...] }`, streamed record by record), one computer or mobile
 * device record, or an array of records. See jamf-records.ts for the fields read.
 */
export const jamfSource: InventorySource = {
  name: 'jamf',
  title: 'Jamf Pro API computer and mobile device inventory',

  sniff(head: string): number {
    if (!/^\s*[[{]/.test(head)) return 0;
    const pagedResults = /"totalCount"\s*:/.test(head) && head.includes('"results"');
    if (head.includes('"mobileDeviceId"') || head.includes('"lastInventoryUpdateTimestamp"')) return 0.9;
    if (head.includes('"userAndLocation"') && (head.includes('"general"') || head.includes('"hardware"'))) {
      return pagedResults ? 0.95 : 0.85;
    }
    if (head.includes('"deviceOwnershipLevel"') || head.includes('"deviceOwnershipType"')) return 0.7;
    return pagedResults && head.includes('"bundleId"') ? 0.6 : 0;
  },

  async *parse(input: ParseInput, _options: ParseOptions): AsyncIterable<InventorySnapshot> {
    const file = input.path;
    const fallbackObservedAt = await observedAtFallback(file);
    for await (const event of readJsonEvents(input.open(), {
      file,
      streamKeys: ['results'],
      multipleDocuments: true,
    })) {
      if (event.type === 'item') {
        yield snapshotOf(FieldReader.of(file, event.path, event.value, 'each result'), fallbackObservedAt);
        continue;
      }
      const { value } = event;
      if (Array.isArray(value) || event.streamed.has('results')) continue;
      if (!isObject(value)) throw jsonError(file, event.path, 'expected a Jamf Pro inventory page or record');
      if (value.results !== undefined && value.results !== null) {
        throw jsonError(file, `${event.path}.results`, '"results" must be an array');
      }
      if (value.totalCount !== undefined) continue;
      yield snapshotOf(new FieldReader(file, event.path, value), fallbackObservedAt);
    }
  },
};

function snapshotOf(record: FieldReader, fallbackObservedAt: string): InventorySnapshot {
  const kind = jamfRecordKind(record);
  if (kind === undefined) {
    throw jsonError(record.file, record.path, 'not a Jamf Pro computer or mobile device record');
  }
  return jamfSnapshot(record, kind, fallbackObservedAt);
}
