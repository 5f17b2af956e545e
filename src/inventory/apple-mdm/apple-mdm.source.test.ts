import { mkdtemp, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IOS_INSTALLED_APPS, plist } from '../../../test/inventory-mdm/plists.js';
import { parseAll, parseError } from '../../../test/inventory-mdm/support.js';
import { sample, samplesAvailable } from '../../../test/support/samples.js';
import { appleMdmSource } from './apple-mdm.source.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'appban-apple-mdm-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Writes the response to disk with a known modification time, as an MDM server would leave it. */
async function responseFile(
  name: string,
  content: string,
  modified = new Date('2024-03-12T08:30:00Z'),
): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  await utimes(path, modified, modified);
  return path;
}

describe.skipIf(!samplesAvailable)('apple-mdm conformance with zentral test fixtures', () => {
  it('reads a macOS InstalledApplicationList response field by field', async () => {
    const path = sample('apple-mdm', 'zentral_installed_application_list.plist');
    const snapshots = await parseAll(appleMdmSource, await readFile(path), path);
    const modified = (await stat(path)).mtime.toISOString();
    expect(snapshots).toEqual([
      {
        source: 'apple-mdm',
        device: {
          sourceDeviceId: '9353BC9A-5CF9-4C9E-9AD4-8D1E41D5FE3E',
          udid: '9353BC9A-5CF9-4C9E-9AD4-8D1E41D5FE3E',
          // Xcode and an app without Identifier happen on macOS only.
          platform: 'macos',
        },
        observedAt: modified,
        apps: [
          { kind: 'bundle-id', value: 'com.apple.mail', name: 'Mail', version: '16.0' },
          { kind: 'bundle-id', value: 'com.apple.dt.Xcode', name: 'Xcode', version: '14.0' },
          { kind: 'display-name', value: 'https+++lucid', name: 'https+++lucid' },
        ],
        coverage: 'full',
      },
    ]);
  });

  it('reads a ManagedApplicationList response as partial evidence', async () => {
    const path = sample('apple-mdm', 'zentral_managed_application_list.plist');
    const [snapshot] = await parseAll(appleMdmSource, await readFile(path), path);
    expect(snapshot?.device.sourceDeviceId).toBe('B79EE23C-F5C1-489E-ADC2-DB4A7B3D54FF');
    expect(snapshot?.apps).toEqual([{ kind: 'bundle-id', value: 'com.acme.myenterpriseapp' }]);
    expect(snapshot?.coverage).toBe('partial');
  });

  it('ranks zentral fixtures as its own', async () => {
    const installed = await readFile(sample('apple-mdm', 'zentral_installed_application_list.plist'), 'utf8');
    const managed = await readFile(sample('apple-mdm', 'zentral_managed_application_list.plist'), 'utf8');
    expect(appleMdmSource.sniff(installed, 'installed_application_list.plist')).toBeGreaterThanOrEqual(0.9);
    expect(appleMdmSource.sniff(managed, 'managed_application_list.plist')).toBeGreaterThanOrEqual(0.9);
  });
});

describe('apple-mdm InstalledApplicationList', () => {
  it('reads an iPhone answer with TikTok, observed at the file time', async () => {
    const path = await responseFile('iphone.plist', plist(IOS_INSTALLED_APPS));
    const snapshots = await parseAll(appleMdmSource, await readFile(path), path);
    expect(snapshots).toEqual([
      {
        source: 'apple-mdm',
        device: {
          sourceDeviceId: '00008110-000A1C2E3F4A801E',
          udid: '00008110-000A1C2E3F4A801E',
          platform: 'ios',
        },
        observedAt: '2024-03-12T08:30:00.000Z',
        apps: [
          { kind: 'bundle-id', value: 'com.zhiliaoapp.musically', name: 'TikTok', version: '34.1.0' },
          { kind: 'bundle-id', value: 'com.apple.mobilesafari', name: 'Safari', version: '17.4' },
          { kind: 'bundle-id', value: 'com.microsoft.Office.Outlook', name: 'Outlook', version: '4.2408.0' },
        ],
        coverage: 'full',
      },
    ]);
  });

  it('defaults to iOS when no app says macOS', async () => {
    const minimal = plist({
      InstalledApplicationList: [{ Identifier: 'com.zhiliaoapp.musically', Name: 'TikTok' }],
      Status: 'Acknowledged',
      UDID: 'A',
    });
    expect((await parseAll(appleMdmSource, minimal, 'r.plist'))[0]?.device.platform).toBe('ios');
  });

  it('treats a User Enrollment answer as a personal device with partial coverage', async () => {
    const response = plist({
      EnrollmentID: 'E3B0C442-98FC-1C14-9AFB-F4C8996FB924',
      InstalledApplicationList: [
        { Identifier: 'com.zhiliaoapp.musically', Name: 'TikTok', IsValidated: true },
      ],
      Status: 'Acknowledged',
    });
    const [snapshot] = await parseAll(appleMdmSource, response, 'r.plist');
    expect(snapshot?.device).toEqual({
      sourceDeviceId: 'E3B0C442-98FC-1C14-9AFB-F4C8996FB924',
      platform: 'ios',
      ownership: 'byod',
      managementMode: 'user-enrollment',
    });
    expect(snapshot?.coverage).toBe('partial');
  });

  it('imports nothing from a NotNow or Error answer', async () => {
    expect(
      await parseAll(appleMdmSource, plist({ Status: 'NotNow', UDID: 'A', CommandUUID: 'C' }), 'r.plist'),
    ).toEqual([]);
    expect(
      await parseAll(appleMdmSource, plist({ Status: 'Error', UDID: 'A', CommandUUID: 'C' }), 'r.plist'),
    ).toEqual([]);
  });

  it('refuses an acknowledged answer to another command', async () => {
    const error = await parseError(
      appleMdmSource,
      plist({ Status: 'Acknowledged', UDID: 'A', ProfileList: [] }),
      'r.plist',
    );
    expect(error.code).toBe('PARSE_ERROR');
    expect(error.message).toContain('not an app inventory');
  });

  it('names the line of a malformed field', async () => {
    const text = plist({ InstalledApplicationList: [{ Identifier: 'com.example' }], Status: 'Acknowledged' });
    const error = await parseError(appleMdmSource, text, 'r.plist');
    expect(error.message).toContain('UDID');
    expect(error.location).toEqual({ file: 'r.plist', line: 4 });

    const withDevice = plist({
      InstalledApplicationList: [{ Identifier: 'com.example' }],
      Status: 'Acknowledged',
      UDID: 'A',
    });
    const wrongType = withDevice.replace('<string>com.example</string>', '<integer>7</integer>');
    const typed = await parseError(appleMdmSource, wrongType, 'r.plist');
    expect(typed.message).toContain('"Identifier" must be a <string>');
    expect(typed.location?.line).toBe(9);
  });

  it('refuses binary plists clearly', async () => {
    const error = await parseError(
      appleMdmSource,
      Buffer.from('bplist00\u00d1\u0001\u0002', 'latin1'),
      'r.plist',
    );
    expect(error.code).toBe('PARSE_ERROR');
    expect(error.message).toContain('binary plists are not supported');
  });
});

describe('apple-mdm refuses hostile XML', () => {
  it('refuses an external entity, naming file and line', async () => {
    const hostile = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<plist version="1.0"><dict><key>UDID</key><string>&x;</string><key>Status</key><string>Acknowledged</string>
<key>InstalledApplicationList</key><array/></dict></plist>`;
    const error = await parseError(appleMdmSource, hostile, 'evil.plist');
    expect(error.code).toBe('UNSAFE_XML');
    expect(error.location).toMatchObject({ file: 'evil.plist', line: 2 });
    expect(error.format()).toMatch(/^evil\.plist:2:1: error UNSAFE_XML: /);
  });

  it('refuses a billion-laughs document', async () => {
    const laughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol9 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<plist><dict><key>UDID</key><string>&lol9;</string></dict></plist>`;
    const error = await parseError(appleMdmSource, laughs, 'lol.plist');
    expect(error.code).toBe('UNSAFE_XML');
    expect(error.location?.line).toBe(2);
  });
});

describe('apple-mdm MicroMDM/NanoMDM webhook events', () => {
  const payload = Buffer.from(plist(IOS_INSTALLED_APPS)).toString('base64');
  const connect = {
    topic: 'mdm.Connect',
    event_id: 'b3f1c7e2-3e43-4bd7-9a3e-0f0c1f7a6a10',
    created_at: '2024-03-11T09:15:42.123456Z',
    acknowledge_event: {
      udid: '00008110-000A1C2E3F4A801E',
      status: 'Acknowledged',
      command_uuid: '0C6E1F0A-7E2B-4C31-9C3B-2B1D6A1E0F11',
      raw_payload: payload,
    },
  };

  it('takes the response from raw_payload and the time from created_at', async () => {
    const [snapshot] = await parseAll(appleMdmSource, JSON.stringify(connect), 'webhook.json');
    expect(snapshot?.observedAt).toBe('2024-03-11T09:15:42.123Z');
    expect(snapshot?.device.sourceDeviceId).toBe('00008110-000A1C2E3F4A801E');
    expect(snapshot?.apps[0]).toEqual({
      kind: 'bundle-id',
      value: 'com.zhiliaoapp.musically',
      name: 'TikTok',
      version: '34.1.0',
    });
  });

  it('skips check-ins and answers to other commands in a webhook log', async () => {
    const checkin = {
      topic: 'mdm.Authenticate',
      created_at: '2024-03-11T09:00:00Z',
      checkin_event: { udid: 'X' },
    };
    const other = {
      ...connect,
      acknowledge_event: {
        ...connect.acknowledge_event,
        raw_payload: Buffer.from(plist({ Status: 'Acknowledged', UDID: 'X', ProfileList: [] })).toString(
          'base64',
        ),
      },
    };
    const log = [checkin, other, connect].map((event) => JSON.stringify(event)).join('\n');
    const snapshots = await parseAll(appleMdmSource, log, 'webhook.log');
    expect(snapshots.map((snapshot) => snapshot.observedAt)).toEqual(['2024-03-11T09:15:42.123Z']);
  });

  it('points errors inside the payload at its JSON path', async () => {
    const hostile = `<?xml version="1.0"?>\n<!DOCTYPE plist [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<plist><true/></plist>`;
    const event = {
      ...connect,
      acknowledge_event: {
        ...connect.acknowledge_event,
        raw_payload: Buffer.from(hostile).toString('base64'),
      },
    };
    const error = await parseError(appleMdmSource, JSON.stringify(event), 'webhook.json');
    expect(error.code).toBe('UNSAFE_XML');
    expect(error.location).toEqual({ file: 'webhook.json', path: '$.acknowledge_event.raw_payload' });
    expect(error.message).toContain('line 2 of the decoded plist');
  });
});

describe('apple-mdm sniffing', () => {
  it('recognises its responses and webhook events', () => {
    expect(appleMdmSource.sniff(plist(IOS_INSTALLED_APPS), 'x.plist')).toBeGreaterThanOrEqual(0.9);
    expect(
      appleMdmSource.sniff('{"topic":"mdm.Connect","acknowledge_event":{"raw_payload":"PD94"}}', 'x.json'),
    ).toBe(0.8);
    expect(appleMdmSource.sniff('bplist00', 'x.plist')).toBe(0.5);
  });

  it('scores configuration profiles and JSON low', () => {
    expect(
      appleMdmSource.sniff(plist({ PayloadContent: [], PayloadType: 'Configuration' }), 'p.mobileconfig'),
    ).toBeLessThan(0.2);
    expect(appleMdmSource.sniff('{"devices":[]}', 'x.json')).toBe(0);
  });
});
