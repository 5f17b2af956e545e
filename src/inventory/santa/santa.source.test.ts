import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { json, parseAll, parseError } from '../../../test/inventory-mdm/support.js';
import { sample, samplesAvailable } from '../../../test/support/samples.js';
import { santaSource } from './santa.source.js';

/** Team IDs here are invented (ByteDance's is unconfirmed, domain.md §5.2). */
const TIKTOK_EVENT = {
  file_sha256: 'a3f1c0de5b7a9e2d4c6b8a0f1e3d5c7b9a1f3e5d7c9b1a3f5e7d9c1b3a5f7e9d',
  file_path: '/Applications/TikTok.app/Wrapper/TikTok.app/TikTok',
  file_name: 'TikTok',
  executing_user: 'jpeeters',
  execution_time: 1710061200.25,
  logged_in_users: ['jpeeters'],
  current_sessions: ['jpeeters@console'],
  decision: 'ALLOW_UNKNOWN',
  file_bundle_id: 'com.zhiliaoapp.musically',
  file_bundle_path: '/Applications/TikTok.app',
  file_bundle_name: 'TikTok',
  file_bundle_version: '341002',
  file_bundle_version_string: '34.1.0',
  signing_id: 'ZZZZ11TEST:com.zhiliaoapp.musically',
  team_id: 'ZZZZ11TEST',
  pid: 4242,
  ppid: 1,
  parent_name: 'launchd',
};

const CAPCUT_BLOCKED = {
  file_sha256: 'b4e2d1ef6c8b0f3e5d7c9b1a2f4e6d8c0b2a4f6e8d0c2b4a6f8e0d2c4b6a8f0e',
  file_path: '/Applications/CapCut.app/Contents/MacOS/CapCut',
  file_name: 'CapCut',
  executing_user: 'jpeeters',
  execution_time: 1710064800.5,
  decision: 'BLOCK_TEAMID',
  file_bundle_id: 'com.lemon.lvoverseas',
  file_bundle_name: 'CapCut',
  file_bundle_version_string: '3.6.0',
  signing_id: 'ZZZZ22TEST:com.lemon.lvoverseas',
  team_id: 'ZZZZ22TEST',
};

const UNSIGNED_TOOL = {
  file_sha256: 'c5f3e2f07d9c1f4e6d8c0b2a3f5e7d9c1b3a5f7e9d1c3b5a7f9e1d3c5b7a9f1e',
  file_path: '/usr/local/bin/sync-helper',
  file_name: 'sync-helper',
  executing_user: 'root',
  execution_time: 1710000000,
  decision: 'BLOCK_BINARY',
};

const UPLOAD = {
  events: [UNSIGNED_TOOL, TIKTOK_EVENT, CAPCUT_BLOCKED, { ...TIKTOK_EVENT, execution_time: 1710061300 }],
  machine_id: '50C7E1EB-2EF5-42D4-A084-A7966FC45A95',
};

describe('santa event uploads', () => {
  it('reads an EventUploadRequest as partial evidence, field by field', async () => {
    const snapshots = await parseAll(santaSource, json(UPLOAD), 'eventupload.json', 50);
    expect(snapshots).toEqual([
      {
        source: 'santa',
        device: {
          sourceDeviceId: '50C7E1EB-2EF5-42D4-A084-A7966FC45A95',
          platform: 'macos',
          holder: 'jpeeters',
        },
        observedAt: '2024-03-10T10:00:00.500Z',
        apps: [
          {
            kind: 'program',
            value: '/usr/local/bin/sync-helper',
            name: 'sync-helper [blocked by Santa: BLOCK_BINARY]',
          },
          { kind: 'bundle-id', value: 'com.zhiliaoapp.musically', name: 'TikTok', version: '34.1.0' },
          {
            kind: 'signing-id',
            value: 'ZZZZ11TEST:com.zhiliaoapp.musically',
            name: 'TikTok',
            version: '34.1.0',
          },
          { kind: 'team-id', value: 'ZZZZ11TEST', name: 'TikTok' },
          {
            kind: 'bundle-id',
            value: 'com.lemon.lvoverseas',
            name: 'CapCut [blocked by Santa: BLOCK_TEAMID]',
            version: '3.6.0',
          },
          {
            kind: 'signing-id',
            value: 'ZZZZ22TEST:com.lemon.lvoverseas',
            name: 'CapCut [blocked by Santa: BLOCK_TEAMID]',
            version: '3.6.0',
          },
          { kind: 'team-id', value: 'ZZZZ22TEST', name: 'CapCut [blocked by Santa: BLOCK_TEAMID]' },
        ],
        coverage: 'partial',
      },
    ]);
  });

  it('reads one upload per line, one snapshot each', async () => {
    const other = { machine_id: 'C02SERIAL01', events: [CAPCUT_BLOCKED] };
    const lines = `${JSON.stringify(UPLOAD)}\n${JSON.stringify(other)}\n`;
    const snapshots = await parseAll(santaSource, lines, 'events.jsonl');
    expect(snapshots.map((snapshot) => [snapshot.device.sourceDeviceId, snapshot.apps.length])).toEqual([
      ['50C7E1EB-2EF5-42D4-A084-A7966FC45A95', 7],
      ['C02SERIAL01', 3],
    ]);
  });

  it('imports nothing from an upload without events', async () => {
    expect(await parseAll(santaSource, json({ machine_id: 'M', events: [] }))).toEqual([]);
  });

  it('refuses an upload without machine_id, and absurd execution times', async () => {
    const { machine_id: _id, ...anonymous } = UPLOAD;
    const error = await parseError(santaSource, json(anonymous), 'eventupload.json');
    expect(error.message).toContain('machine_id');
    expect(error.location).toEqual({ file: 'eventupload.json', path: '$' });

    const late = { ...UPLOAD, events: [{ ...TIKTOK_EVENT, execution_time: 1710061200250 }] };
    const time = await parseError(santaSource, json(late), 'eventupload.json');
    expect(time.location?.path).toBe('$.events[0].execution_time');
    expect((await parseError(santaSource, json({ ...UPLOAD, events: {} }))).location?.path).toBe('$.events');
  });

  it('reports truncated uploads with their path', async () => {
    const text = json(UPLOAD);
    const error = await parseError(
      santaSource,
      text.slice(0, text.indexOf('"BLOCK_TEAMID"')),
      'eventupload.json',
    );
    expect(error.location?.path).toMatch(/^\$\.events\[2\]/);
  });
});

describe('santa Moroz event files', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'appban-santa-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('takes the machine id from <sha256>/<machine_id>/<time>.json', async () => {
    const folder = join(dir, TIKTOK_EVENT.file_sha256, 'C02MOROZ0001');
    await mkdir(folder, { recursive: true });
    const path = join(folder, '1710061200.250000.json');
    await writeFile(path, `${JSON.stringify(TIKTOK_EVENT)}\n`);
    const [snapshot] = await parseAll(santaSource, await readFile(path), path);
    expect(snapshot?.device.sourceDeviceId).toBe('C02MOROZ0001');
    expect(snapshot?.observedAt).toBe('2024-03-10T09:00:00.250Z');
    expect(snapshot?.apps.map((app) => app.kind)).toEqual(['bundle-id', 'signing-id', 'team-id']);
  });

  it('refuses a lone event whose folders do not name its machine', async () => {
    const error = await parseError(santaSource, JSON.stringify(TIKTOK_EVENT), join(dir, 'event.json'));
    expect(error.message).toContain('machine_id');
  });
});

describe('santa sniffing', () => {
  it('recognises event uploads and single events', () => {
    expect(santaSource.sniff(json(UPLOAD), 'eventupload.json')).toBe(0.95);
    expect(santaSource.sniff(JSON.stringify(TIKTOK_EVENT), '1710061200.250000.json')).toBe(0.8);
  });

  it.skipIf(!samplesAvailable)('scores the other sync stages zero: they are not inventories', async () => {
    const folder = sample('santa');
    const files = (await readdir(folder)).filter((name) => name.endsWith('.json'));
    expect(files.length).toBeGreaterThan(3);
    for (const name of files) {
      expect(santaSource.sniff(await readFile(join(folder, name), 'utf8'), name), name).toBe(0);
    }
  });
});
