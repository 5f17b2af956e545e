import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../src/lib/paths.js';
import { runCli } from './support/cli.js';

const examples = join(packageRoot(), 'examples');
const us = join(examples, 'us-omb-m-23-13.yaml');
const be = join(examples, 'be-federal-tiktok-2023.yaml');
const DAY = 86_400_000;

function workspace() {
  const dir = mkdtempSync(join(tmpdir(), 'appban-store-cli-'));
  return { dir, db: `sqlite:${join(dir, 'appban.db')}` };
}

function csv(rows: string[][]): string {
  const header = 'device_id,device_name,holder,group,ownership,platform,app_id,app_name,version,observed_at';
  return `${[header, ...rows.map((r) => r.join(','))].join('\n')}\n`;
}

const day = (offset: number) => new Date(Date.now() + offset * DAY).toISOString();

describe('apply, ingest and report on the embedded store', () => {
  it('stores ban revisions and says what changed', async () => {
    const { dir, db } = workspace();
    const first = await runCli(['apply', us, '--db', db, '--json', '--by', 'ciso']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout).bans[0]).toMatchObject({
      id: 'us-omb-m-23-13',
      status: 'created',
      revision: 1,
    });
    const again = await runCli(['apply', us, '--db', db, '--json']);
    expect(JSON.parse(again.stdout).bans[0]).toMatchObject({ status: 'unchanged', revision: 1 });
    const changed = join(dir, 'us.yaml');
    writeFileSync(changed, readFileSync(us, 'utf8').replace('deadline: P30D', 'deadline: P14D'));
    const revised = await runCli(['apply', changed, '--db', db, '--json']);
    expect(JSON.parse(revised.stdout).bans[0]).toMatchObject({
      status: 'revised',
      revision: 2,
      previousRevision: 1,
      changedFields: ['removal.deadline'],
    });
  });

  it('refuses to apply anything when one file is invalid', async () => {
    const { dir, db } = workspace();
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, readFileSync(be, 'utf8').replace('app: tiktok', 'app: tiktak'));
    const result = await runCli(['apply', us, bad, '--db', db]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('BAN_UNKNOWN_APP');
    const report = await runCli(['report', '--db', db, '--json']);
    expect(JSON.parse(report.stdout).bans).toEqual([]);
  });

  it('finds a violating device from an inventory, and reports it as of a past day', async () => {
    const { dir, db } = workspace();
    await runCli(['apply', us, '--db', db]);
    const clean = join(dir, 'clean.csv');
    const dirty = join(dir, 'dirty.csv');
    writeFileSync(
      clean,
      csv([
        [
          'SN1',
          'Finance phone',
          'ann@agency.example',
          'treasury/it',
          'owned',
          'ios',
          'com.apple.mobilesafari',
          'Safari',
          '17',
          day(-5),
        ],
      ]),
    );
    writeFileSync(
      dirty,
      csv([
        [
          'SN1',
          'Finance phone',
          'ann@agency.example',
          'treasury/it',
          'owned',
          'ios',
          'com.zhiliaoapp.musically',
          'TikTok',
          '33.1',
          day(-1),
        ],
      ]),
    );
    const ingest = await runCli(['ingest', clean, dirty, '--db', db, '--json']);
    expect(ingest.code).toBe(0);
    expect(
      JSON.parse(ingest.stdout).files.map((f: { ok: boolean; format: string }) => [f.ok, f.format]),
    ).toEqual([
      [true, 'csv'],
      [true, 'csv'],
    ]);

    const now = JSON.parse((await runCli(['report', '--db', db, '--json'])).stdout);
    expect(now.bans[0]).toMatchObject({ id: 'us-omb-m-23-13', revision: 1 });
    expect(now.bans[0].counts).toMatchObject({ inScope: 1, violating: 1, compliant: 0 });
    expect(now.findings).toEqual([
      expect.objectContaining({
        deviceName: 'Finance phone',
        holder: 'ann@agency.example',
        group: 'treasury/it',
        banId: 'us-omb-m-23-13',
        state: 'violating',
        apps: ['TikTok'],
      }),
    ]);

    const before = JSON.parse(
      (await runCli(['report', '--db', db, '--json', '--at', day(-3).slice(0, 10)])).stdout,
    );
    expect(before.bans[0].counts).toMatchObject({ inScope: 1, compliant: 1, violating: 0 });
    expect(before.findings).toEqual([]);

    const failing = await runCli(['report', '--db', db, '--fail-on-violation', '--format', 'csv']);
    expect(failing.code).toBe(1);
    expect(failing.stdout.split('\n')[1]).toContain('us-omb-m-23-13');
  });

  it('imports nothing from a malformed file and still imports the others', async () => {
    const { dir, db } = workspace();
    await runCli(['apply', us, '--db', db]);
    const good = join(dir, 'good.csv');
    const bad = join(dir, 'bad.csv');
    writeFileSync(
      good,
      csv([
        [
          'SN2',
          'Laptop',
          'bo@agency.example',
          'treasury',
          'owned',
          'ios',
          'com.zhiliaoapp.musically',
          'TikTok',
          '1',
          day(-1),
        ],
      ]),
    );
    writeFileSync(
      bad,
      `${csv([['SN3', 'Phone', 'cy@agency.example', 'treasury', 'owned', 'ios', 'com.zhiliaoapp.musically', 'TikTok', '1', day(-1)]])}SN4,too,few,columns\n`,
    );
    const result = await runCli(['ingest', bad, good, '--db', db]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/bad\.csv:3: error PARSE_ERROR/);
    expect(result.stdout).toContain('1 of 2 files imported; failed: ');
    const report = JSON.parse((await runCli(['report', '--db', db, '--json'])).stdout);
    expect(report.findings.map((f: { deviceName: string }) => f.deviceName)).toEqual(['Laptop']);
  });
});

describe('enforce from the store', () => {
  it('enforces the latest applied revision of a ban by id, and names an unknown id', async () => {
    const { db } = workspace();
    await runCli(['apply', be, '--db', db]);
    const fromStore = await runCli(['enforce', 'be-federal-tiktok-2023', '--target', 'adguard', '--db', db]);
    const fromFile = await runCli(['enforce', be, '--target', 'adguard']);
    expect(fromStore.code).toBe(0);
    expect(fromStore.stdout).toBe(fromFile.stdout);
    const unknown = await runCli(['enforce', 'no-such-ban', '--target', 'adguard', '--db', db]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('error NOT_FOUND: no-such-ban is neither a ban file nor an applied ban');
  });
});

describe('exceptions in the store', () => {
  it('excepts devices from approval until revocation, and keeps past reports exact', async () => {
    const { dir, db } = workspace();
    await runCli(['apply', us, '--db', db]);
    const file = join(dir, 'inv.csv');
    writeFileSync(
      file,
      csv([
        [
          'SN7',
          'Agent phone',
          'dee@agency.example',
          'doj/fbi/field',
          'owned',
          'android',
          'com.zhiliaoapp.musically',
          'TikTok',
          '1',
          day(-2),
        ],
      ]),
    );
    await runCli(['ingest', file, '--db', db]);
    const state = async () =>
      JSON.parse((await runCli(['report', '--db', db, '--json'])).stdout).bans[0].counts;
    expect(await state()).toMatchObject({ violating: 1, excepted: 0 });

    const expires = day(60).slice(0, 10);
    const requested = await runCli([
      'exceptions',
      'add',
      '--db',
      db,
      '--ban',
      'us-omb-m-23-13',
      '--id',
      'fbi-field',
      '--group',
      'doj/fbi',
      '--reason',
      'law-enforcement',
      '--requested-by',
      'SAC',
      '--expires',
      expires,
      '--json',
    ]);
    expect(requested.code).toBe(0);
    expect(JSON.parse(requested.stdout)).toMatchObject({ status: 'requested', expires });
    expect(await state()).toMatchObject({ violating: 1, excepted: 0 });

    await runCli(['exceptions', 'approve', 'fbi-field', '--by', 'Director', '--db', db]);
    expect(await state()).toMatchObject({ violating: 0, excepted: 1 });
    const listed = JSON.parse(
      (await runCli(['exceptions', 'list', '--db', db, '--active', '--json'])).stdout,
    );
    expect(listed.exceptions).toEqual([
      expect.objectContaining({ id: 'fbi-field', status: 'approved', approvedBy: 'Director' }),
    ]);

    await runCli(['exceptions', 'revoke', 'fbi-field', '--by', 'Director', '--db', db]);
    expect(await state()).toMatchObject({ violating: 1, excepted: 0 });
    const yesterday = JSON.parse((await runCli(['report', '--db', db, '--json', '--at', day(-1)])).stdout);
    expect(yesterday.bans[0].counts).toMatchObject({ violating: 1, excepted: 0 });
  });

  it('refuses an exception that covers no devices or names an unknown ban', async () => {
    const { db } = workspace();
    await runCli(['apply', us, '--db', db]);
    const none = await runCli([
      'exceptions',
      'add',
      '--db',
      db,
      '--ban',
      'us-omb-m-23-13',
      '--id',
      'x',
      '--reason',
      'r',
      '--expires',
      '2030-01-01',
    ]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('BAN_EXCEPTION_INCOMPLETE');
    const unknown = await runCli([
      'exceptions',
      'add',
      '--db',
      db,
      '--ban',
      'nope',
      '--id',
      'x',
      '--group',
      'g',
      '--reason',
      'r',
      '--expires',
      '2030-01-01',
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('NOT_FOUND');
  });
});
