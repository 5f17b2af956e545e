import { AppbanError } from '../../lib/errors.js';
import type { JsonDecide } from '../json-stream/json-selector.js';
import { selectJsonValues } from '../json-stream/select-json-values.js';
import type { InventorySnapshot, InventorySource, ParseInput } from '../snapshot.types.js';
import { fleetHostSnapshot } from './fleet-host.js';

/**
 * Fleet REST API responses: one host (`GET /api/v1/fleet/hosts/:id`, `{"host":{...}}`) or a host
 * list (`GET /api/v1/fleet/hosts?populate_software=true`, `{"hosts":[...]}`). Host lists are
 * streamed one host at a time.
 */
export const fleetSource: InventorySource = {
  name: 'fleet',
  title: 'Fleet REST API host JSON (one host or a host list with software)',
  sniff: sniffFleet,
  parse: parseFleet,
};

const FLEET_HOST_FIELDS =
  /"(hardware_serial|osquery_version|software_updated_at|detail_updated_at|team_name|computer_name)"\s*:/;
const OSQUERY_LOG_FIELDS = /"(hostIdentifier|diffResults|calendarTime)"\s*:/;

export function sniffFleet(head: string, _fileName: string): number {
  const text = head.replace(/^\uFEFF/, '').trimStart();
  if (!text.startsWith('{') || OSQUERY_LOG_FIELDS.test(text)) return 0;
  if (/^\{\s*"hosts?"\s*:\s*[[{]/.test(text)) return 0.9;
  const hostFields = FLEET_HOST_FIELDS.test(text);
  if (hostFields && /"hosts?"\s*:\s*[[{]/.test(text)) return 0.8;
  if (hostFields) return 0.4;
  // A bare software list, as in Fleet's load-test fixtures: Fleet's, but it names no host.
  if (/^\{\s*"software"\s*:\s*\[/.test(text) && /"source"\s*:/.test(text)) return 0.3;
  return 0;
}

async function* parseFleet(input: ParseInput): AsyncGenerator<InventorySnapshot> {
  const file = input.path;
  const fail = (message: string) =>
    new AppbanError('PARSE_ERROR', message, { location: { file, path: '$' } });
  let sawRoot = false;
  const members = new Set<string>();
  const decide: JsonDecide = (path, type) => {
    if (path.length === 0) {
      sawRoot = true;
      if (type !== 'object') throw fail(`the file holds a JSON ${type}, not a Fleet response object`);
      return 'descend';
    }
    if (path.length === 1) {
      const member = String(path[0]);
      members.add(member);
      if (member === 'host') return 'assemble';
      if (member === 'hosts') return type === 'array' ? 'descend' : 'assemble';
      return 'skip';
    }
    return path.length === 2 && path[0] === 'hosts' ? 'assemble' : 'skip';
  };

  for await (const { path, value } of selectJsonValues(input.open(), decide, file)) {
    if (path.length === 1 && path[0] === 'hosts') {
      throw new AppbanError('PARSE_ERROR', '`hosts` is not an array', {
        location: { file, path: '$.hosts' },
      });
    }
    yield fleetHostSnapshot(value, path, file);
  }

  if (!sawRoot) throw fail('the file is empty');
  if (!members.has('host') && !members.has('hosts')) {
    throw fail(
      members.has('software')
        ? 'a bare `software` list names no host; export hosts with GET /api/v1/fleet/hosts?populate_software=true'
        : 'no `host` or `hosts` member: not a Fleet host response',
    );
  }
}
