import { basename, dirname } from 'node:path';
import { FieldReader, isObject, jsonError } from '../amapi/json-fields.js';
import { readJsonEvents } from '../amapi/json-records.js';
import { observedAtFallback } from '../safe-xml/source-input.js';
import type { InventorySnapshot, InventorySource, ParseInput, ParseOptions } from '../snapshot.types.js';
import { santaSnapshot } from './santa-events.js';

/**
 * Santa sync-protocol event uploads: the JSON body a Santa client POSTs to
 * `/eventupload/{machine_id}` (`{ "events": [...], "machine_id" }`), one per file or one per
 * line, and the single-event files Moroz writes to `<file_sha256>/<machine_id>/<time>.json`
 * (groob/moroz moroz/svc_upload_event.go), whose machine id is the folder name. See
 * santa-events.ts for what an event says.
 */
export const santaSource: InventorySource = {
  name: 'santa',
  title: 'Santa event uploads (sync protocol EventUploadRequest, Moroz event files)',

  sniff(head: string): number {
    if (!/^\s*[[{]/.test(head)) return 0;
    const eventFields = ['"execution_time"', '"file_sha256"', '"decision"', '"file_bundle_id"'].filter(
      (field) => head.includes(field),
    ).length;
    if (head.includes('"events"') && eventFields >= 1) return 0.95;
    if (eventFields >= 2) return 0.8;
    return 0;
  },

  async *parse(input: ParseInput, _options: ParseOptions): AsyncIterable<InventorySnapshot> {
    const file = input.path;
    const fallbackObservedAt = await observedAtFallback(file);
    let events: FieldReader[] = [];
    for await (const event of readJsonEvents(input.open(), {
      file,
      streamKeys: ['events'],
      multipleDocuments: true,
    })) {
      if (event.type === 'item') {
        events.push(FieldReader.of(file, event.path, event.value, 'each event'));
        continue;
      }
      const { value } = event;
      let machineId: string | undefined;
      if (isObject(value) && (event.streamed.has('events') || value.events !== undefined)) {
        if (value.events !== undefined && value.events !== null) {
          throw jsonError(file, `${event.path}.events`, '"events" must be an array');
        }
        machineId = new FieldReader(file, event.path, value).string('machine_id');
        if (machineId === undefined) {
          throw jsonError(
            file,
            event.path,
            'the upload has no "machine_id"; Santa sends it in the URL /eventupload/{machine_id}, so add it to the saved body',
          );
        }
      } else {
        if (isObject(value)) {
          const single = new FieldReader(file, event.path, value);
          if (!['decision', 'file_sha256', 'execution_time'].some((key) => single.has(key))) {
            throw jsonError(file, event.path, 'not a Santa event upload or event');
          }
          events.push(single);
        } else if (!Array.isArray(value)) {
          throw jsonError(file, event.path, 'not a Santa event upload or event');
        }
        machineId = morozMachineId(file, events);
        if (machineId === undefined && events.length > 0) {
          throw jsonError(
            file,
            event.path,
            'events without a "machine_id": wrap them as {"machine_id": ..., "events": [...]}, or keep Moroz\'s <sha256>/<machine_id>/ folders',
          );
        }
      }
      if (machineId !== undefined && events.length > 0)
        yield santaSnapshot({ machineId, events }, fallbackObservedAt);
      events = [];
    }
  },
};

/** Moroz stores each event at `<file_sha256>/<machine_id>/<execution_time>.json`. */
function morozMachineId(file: string, events: FieldReader[]): string | undefined {
  const folder = dirname(file);
  const sha = basename(dirname(folder)).toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(sha)) return undefined;
  if (!events.every((event) => event.string('file_sha256')?.toLowerCase() === sha)) return undefined;
  return basename(folder);
}
