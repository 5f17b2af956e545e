import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../src/lib/paths.js';
import { runCli } from './support/cli.js';

const run = promisify(execFile);
const examples = ['be-federal-tiktok-2023', 'us-omb-m-23-13', 'eu-commission-2023'].map((n) =>
  join(packageRoot(), 'examples', `${n}.yaml`),
);
const tmp = mkdtempSync(join(tmpdir(), 'appban-cli-'));

describe('appban validate', () => {
  it('accepts the examples with exit 0', async () => {
    const result = await runCli(['validate', ...examples]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('prints file:line:col: error CODE: message for every problem and exits 1', async () => {
    const file = join(tmp, 'broken.yaml');
    writeFileSync(
      file,
      'id: x\ntitle: t\nauthority: a\nbasis: { summary: s }\ntargets: [{ app: tiktk }]\nperiod: { start: 2023-13-01 }\n',
    );
    const result = await runCli(['validate', file]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toEqual([
      `${file}:5:18: error BAN_UNKNOWN_APP: the catalog has no app tiktk; did you mean tiktok?`,
      `${file}:6:18: error BAN_INVALID_DATE: 2023-13-01 is not a calendar date; write YYYY-MM-DD, e.g. 2023-03-10`,
    ]);
  });

  it('gives the contract JSON with --json', async () => {
    const file = join(tmp, 'no-targets.yaml');
    writeFileSync(
      file,
      'id: x\ntitle: t\nauthority: a\nbasis: { summary: s }\ntargets: []\nperiod: { start: 2023-01-01 }\n',
    );
    const result = await runCli(['validate', '--json', file, examples[0] ?? '']);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toEqual({
      files: [
        {
          path: file,
          ok: false,
          problems: [
            {
              severity: 'error',
              code: 'BAN_NO_TARGETS',
              message: expect.stringContaining('names no app'),
              line: 5,
              column: 10,
              path: 'targets',
            },
          ],
        },
        { path: examples[0], ok: true, problems: [] },
      ],
    });
  });

  it('reports a missing file with exit 1 and the file name', async () => {
    const result = await runCli(['validate', join(tmp, 'absent.yaml')]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('absent.yaml:1:1: error FILE_NOT_FOUND');
  });

  it('rejects two files declaring the same ban id', async () => {
    const copy = join(tmp, 'copy.yaml');
    const { readFileSync } = await import('node:fs');
    writeFileSync(copy, readFileSync(examples[0] ?? '', 'utf8'));
    const result = await runCli(['validate', examples[0] ?? '', copy]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${copy}:1:1: error BAN_DUPLICATE_ID`);
  });
});

describe('appban catalog', () => {
  it('shows TikTok with every identifier and its source', async () => {
    const result = await runCli(['catalog', 'show', 'tiktok', '--json']);
    expect(result.code).toBe(0);
    const app = JSON.parse(result.stdout);
    expect(app).toMatchObject({ id: 'tiktok', name: 'TikTok', publisher: 'bytedance' });
    const values = app.identifiers.map((i: { value: string }) => i.value);
    for (const v of [
      'com.zhiliaoapp.musically',
      'com.ss.android.ugc.trill',
      'com.zhiliaoapp.musically.go',
      'com.ss.android.ugc.tiktok.lite',
      'com.ss.iphone.ugc.Ame',
      '835599320',
      '1235601864',
      '9NH2GPH4JZS4',
      'BytedancePte.Ltd.TikTok_6yccndn6064se',
      'tiktok.com',
      'tiktokcdn.com',
    ]) {
      expect(values).toContain(v);
    }
    for (const identifier of app.identifiers) {
      expect(Object.keys(identifier)).toEqual(
        expect.arrayContaining(['platform', 'kind', 'value', 'source', 'confidence']),
      );
      expect(identifier.source.length).toBeGreaterThan(5);
    }
    expect(
      app.identifiers.find((i: { value: string }) => i.value === 'com.ss.iphone.ugc.tiktok.lite').confidence,
    ).toBe('unconfirmed');
  });

  it('shows the publisher with its apps, and finds apps by alias', async () => {
    const publisher = JSON.parse((await runCli(['catalog', 'show', 'bytedance', '--json'])).stdout);
    expect(publisher.apps.map((a: { id: string }) => a.id)).toEqual(
      expect.arrayContaining(['tiktok', 'douyin', 'capcut', 'lemon8', 'lark']),
    );
    expect(JSON.parse((await runCli(['catalog', 'show', 'musical.ly', '--json'])).stdout).id).toBe('tiktok');
  });

  it('lists the apps other bans named, and suggests on a typo with exit 2', async () => {
    const list = await runCli(['catalog', 'list']);
    for (const id of ['telegram', 'wechat', 'xiaohongshu', 'douyin', 'capcut'])
      expect(list.stdout).toContain(id);
    const typo = await runCli(['catalog', 'show', 'tiktk']);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toContain(
      'error UNKNOWN_APP_OR_PUBLISHER: the catalog has no app or publisher tiktk; did you mean tiktok?',
    );
  });
});

describe('appban precedents and init', () => {
  it('lists precedents as JSON', async () => {
    const result = await runCli(['precedents', '--json']);
    const { precedents } = JSON.parse(result.stdout);
    expect(precedents.find((p: { id: string }) => p.id === 'be-federal-2023')).toMatchObject({
      jurisdiction: 'BE',
      announced: '2023-03-10',
    });
  });

  it('init --from be-federal-2023 gives a file that validates', async () => {
    const init = await runCli(['init', '--from', 'be-federal-2023']);
    expect(init.code).toBe(0);
    const file = join(tmp, 'x.yaml');
    writeFileSync(file, init.stdout);
    expect((await runCli(['validate', file])).code).toBe(0);
  });

  it('refuses an unknown precedent with exit 2', async () => {
    const result = await runCli(['init', '--from', 'atlantis-2023']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('UNKNOWN_PRECEDENT');
  });

  it('returns 2 on usage errors', async () => {
    expect((await runCli(['validate'])).code).toBe(2);
    expect((await runCli(['no-such-command'])).code).toBe(2);
  });
});

describe('the installed bin', () => {
  it('runs through npx-style node bin/appban.js', async () => {
    const { stdout } = await run('node', [join(packageRoot(), 'bin', 'appban.js'), 'validate', ...examples], {
      cwd: tmp,
    });
    expect(stdout).toContain('be-federal-tiktok-2023.yaml: ok');
  });
});
