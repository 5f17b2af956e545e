import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../src/lib/paths.js';
import { runCli } from './support/cli.js';

const belgium = join(packageRoot(), 'examples', 'be-federal-tiktok-2023.yaml');

function filesUnder(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const path = join(entry.parentPath, entry.name);
      out[path.slice(dir.length + 1)] = readFileSync(path, 'utf8');
    }
  }
  return out;
}

describe('appban enforce', () => {
  it('--target all writes every applicable target and a manifest, byte-identical on a second run', async () => {
    const first = mkdtempSync(join(tmpdir(), 'appban-enforce-'));
    const second = mkdtempSync(join(tmpdir(), 'appban-enforce-'));
    const run = await runCli(['enforce', belgium, '--target', 'all', '--out', first, '--json']);
    expect(run.code).toBe(0);
    await runCli(['enforce', belgium, '--target', 'all', '--out', second]);
    const a = filesUnder(first);
    expect(a).toEqual(filesUnder(second));
    const manifest = JSON.parse(a['manifest.json'] ?? '{}');
    expect(manifest.ban).toMatchObject({
      id: 'be-federal-tiktok-2023',
      revision: expect.stringMatching(/^[0-9a-f]{12}$/),
    });
    expect(manifest.targets.map((t: { target: string }) => t.target)).toEqual([
      'apple-profile',
      'android-policy',
      'intune',
      'windows-applocker',
      'hosts',
      'dnsmasq',
      'unbound',
      'rpz',
      'adguard',
    ]);
    expect(manifest.skipped).toEqual([
      { target: 'santa', reason: expect.stringContaining('no macOS Team ID') },
    ]);
    for (const target of manifest.targets) {
      expect(target.deployTo.length).toBeGreaterThan(10);
      for (const file of target.files) expect(Object.keys(a)).toContain(file.name);
    }
    expect(a['apple/be-federal-tiktok-2023.mobileconfig']).toContain('com.zhiliaoapp.musically');
  });

  it('writes one target to standard output, and refuses an unknown target with exit 2', async () => {
    const rpz = await runCli(['enforce', belgium, '--target', 'adguard']);
    expect(rpz.code).toBe(0);
    expect(rpz.stdout).toContain('||tiktok.com^');
    const unknown = await runCli(['enforce', belgium, '--target', 'carrier-pigeon']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('UNKNOWN_TARGET');
  });

  it('says clearly when one target has nothing to enforce', async () => {
    const eu = join(packageRoot(), 'examples', 'eu-commission-2023.yaml');
    const result = await runCli(['enforce', eu, '--target', 'rpz']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('TARGET_NOT_APPLICABLE');
    expect(result.stdout).toBe('');
  });
});
