import { closeSync, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvSource } from '../../src/inventory/csv/csv.source.js';
import { fleetSource } from '../../src/inventory/fleet/fleet.source.js';
import { osquerySource } from '../../src/inventory/osquery/osquery.source.js';
import { SAMPLES_DIR, samplesAvailable } from '../support/samples.js';
import { jsonLines } from './support.js';

const SOURCES = [osquerySource, fleetSource, csvSource];
const HEAD_BYTES = 64 * 1024;

/** The first 64 KiB, as the format detector hands them to `sniff`. */
function head(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const read = readSync(fd, buffer, 0, HEAD_BYTES, 0);
    return buffer.subarray(0, read).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const own: Record<string, { name: string; text: string }[]> = {
  osquery: [
    {
      name: 'osqueryd.results.log',
      text: jsonLines([
        {
          name: 'apps',
          hostIdentifier: 'h',
          unixTime: '1678406400',
          counter: '0',
          columns: { bundle_identifier: 'com.lemon.lvoverseas' },
          action: 'added',
        },
      ]),
    },
    {
      name: 'batch.log',
      text: jsonLines([
        { name: 'apps', hostIdentifier: 'h', unixTime: 1, diffResults: { added: [], removed: [] } },
      ]),
    },
    {
      name: 'snap.log',
      text: jsonLines([
        { snapshot: [], action: 'snapshot', name: 'apps', hostIdentifier: 'h', unixTime: '1' },
      ]),
    },
  ],
  fleet: [
    {
      name: 'host.json',
      text: JSON.stringify({ host: { id: 1, hardware_serial: 'X', software: [] } }, null, 2),
    },
    { name: 'hosts.json', text: '{"hosts":[{"id":1,"platform":"ios","software":[]}]}' },
  ],
  csv: [
    {
      name: 'inventory.csv',
      text: 'device_id,platform,app_id,observed_at\r\nD1,android,com.zhiliaoapp.musically,2023-03-10\r\n',
    },
  ],
};

describe('sniffing among the osquery, Fleet and CSV sources', () => {
  for (const source of SOURCES) {
    it(`${source.name} claims its own files above every other source`, () => {
      for (const file of own[source.name] ?? []) {
        const score = source.sniff(file.text, file.name);
        expect(score, file.name).toBeGreaterThanOrEqual(0.9);
        for (const other of SOURCES.filter((s) => s !== source)) {
          expect(other.sniff(file.text, file.name), `${other.name} on ${file.name}`).toBeLessThan(0.2);
        }
      }
    });
  }
});

describe.skipIf(!samplesAvailable)('sniffing the public sample files', () => {
  // Which source, if any, each sample belongs to; every other file is some other format.
  const expectedOwner = (path: string): string | undefined => {
    if (path.includes('/osquery/result-logs/')) return 'osquery';
    return undefined;
  };

  it('scores files of other formats low and result logs high', () => {
    const files = filesUnder(SAMPLES_DIR).filter((path) => !path.endsWith('SOURCES.md'));
    expect(files.length).toBeGreaterThan(30);
    for (const path of files) {
      const text = head(path);
      const owner = expectedOwner(path);
      for (const source of SOURCES) {
        const score = source.sniff(text, basename(path));
        if (source.name === owner) expect(score, `${source.name} on ${path}`).toBeGreaterThanOrEqual(0.9);
        else if (path.endsWith('macos_vulnerable-software.json') && source === fleetSource) {
          // Fleet's own bare software list: recognisably Fleet's, and refused with a clear error.
          expect(score).toBeLessThan(0.5);
        } else expect(score, `${source.name} on ${path}`).toBeLessThan(0.2);
      }
    }
  });
});
