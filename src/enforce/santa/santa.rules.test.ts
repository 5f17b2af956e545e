import { describe, expect, it } from 'vitest';
import type { BannedIdentifier } from '../../bans/ban.resolve.js';
import { blockRules, removeRules, ruleDownloadJson, santaTargets } from './santa.rules.js';

const mac = (
  kind: BannedIdentifier['kind'],
  value: string,
  platform: BannedIdentifier['platform'] = 'macos',
): BannedIdentifier => ({
  platform,
  kind,
  value,
  source: 'test',
  confidence: 'high',
  appId: 'app',
  appName: 'App',
  publisher: 'pub',
});

describe('santaTargets', () => {
  it('normalises as Santa does: Team IDs upper-case, Signing ID team part upper-case, platform kept lower-case', () => {
    const targets = santaTargets([
      mac('team-id', 'abcde12345'),
      mac('signing-id', 'abcde12345:com.Example.App'),
      mac('signing-id', 'PLATFORM:com.apple.BluetoothFileExchange'),
    ]);
    expect(targets.map((target) => [target.ruleType, target.identifier])).toEqual([
      ['TEAMID', 'ABCDE12345'],
      ['SIGNINGID', 'ABCDE12345:com.Example.App'],
      ['SIGNINGID', 'platform:com.apple.BluetoothFileExchange'],
    ]);
  });

  it('keeps one rule per identifier and ignores what Santa cannot match', () => {
    const targets = santaTargets([
      mac('team-id', 'ABCDE12345'),
      mac('team-id', 'abcde12345'),
      mac('bundle-id', 'com.example.app'),
      mac('team-id', 'ZZZZZ99999', 'ios'),
    ]);
    expect(targets.map((target) => target.identifier)).toEqual(['ABCDE12345']);
  });

  it.each([
    ['team-id', 'ABCDE1234'],
    ['team-id', 'ABCDE-1234'],
    ['signing-id', 'com.example.app'],
    ['signing-id', 'ABCDE12345:'],
    ['signing-id', 'SHORT:com.example.app'],
    ['signing-id', 'ABCDE12345:com.example app'],
  ] as const)('rejects the malformed %s %s as a catalog defect', (kind, value) => {
    expect(() => santaTargets([mac(kind, value)])).toThrowError(/CATALOG|Santa would reject/);
  });
});

describe('rule JSON', () => {
  it('writes a RuleDownload body with BLOCKLIST or REMOVE rules and nothing else', () => {
    const targets = santaTargets([mac('team-id', 'ABCDE12345')]);
    expect(JSON.parse(ruleDownloadJson(blockRules(targets, 'Blocked')))).toEqual({
      rules: [{ rule_type: 'TEAMID', policy: 'BLOCKLIST', identifier: 'ABCDE12345', custom_msg: 'Blocked' }],
    });
    expect(JSON.parse(ruleDownloadJson(removeRules(targets)))).toEqual({
      rules: [{ rule_type: 'TEAMID', policy: 'REMOVE', identifier: 'ABCDE12345' }],
    });
  });
});
