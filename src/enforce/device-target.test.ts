import { describe, expect, it } from 'vitest';
import { makeBan } from '../../test/support/bans.js';
import { loadCatalog } from '../catalog/catalog.loader.js';
import { describeException, requirePlatformInScope, targetedApps, xmlSafeText } from './device-target.js';
import { enforcementContext } from './enforce.context.js';

describe('xmlSafeText', () => {
  it('replaces what XML 1.0 cannot carry and keeps everything else', () => {
    expect(xmlSafeText('a\u0000b\u0007c\u001Fd')).toBe('a\uFFFDb\uFFFDc\uFFFDd');
    expect(xmlSafeText('tab\tlf\ncr\r')).toBe('tab\tlf\ncr\r');
    expect(xmlSafeText('lone \uD800 and \uDC00')).toBe('lone \uFFFD and \uFFFD');
    expect(xmlSafeText('pair \u{1F600} ok')).toBe('pair \u{1F600} ok');
    expect(xmlSafeText('\uFFFE\uFFFF')).toBe('\uFFFD\uFFFD');
    expect(xmlSafeText('R&D <x> "q" é 字')).toBe('R&D <x> "q" é 字');
  });
});

describe('targetedApps', () => {
  it('lists apps named directly and through their publisher, once each, in ban order', () => {
    const ban = makeBan({
      targets: [
        { app: 'capcut', includeUnconfirmed: false },
        { publisher: 'bytedance', includeUnconfirmed: false },
      ],
    });
    const ids = targetedApps(enforcementContext(ban, loadCatalog())).map((app) => app.id);
    expect(ids[0]).toBe('capcut');
    expect(ids).toContain('tiktok');
    expect(ids.filter((id) => id === 'capcut')).toHaveLength(1);
  });
});

describe('requirePlatformInScope', () => {
  it('accepts all platforms and listed ones, and refuses the others', () => {
    const base = makeBan();
    expect(() => requirePlatformInScope(base, 'ios', 't')).not.toThrow();
    const narrow = makeBan({ scope: { ...base.scope, platforms: ['ios'] } });
    expect(() => requirePlatformInScope(narrow, 'ios', 't')).not.toThrow();
    expect(() => requirePlatformInScope(narrow, 'windows', 't')).toThrowError(/scoped to ios, not windows/);
  });
});

describe('describeException', () => {
  it('names subjects, reason, approver, start and expiry on one line', () => {
    const text = describeException({
      id: 'lab',
      subjects: { group: 'g/lab', devices: ['a', 'b', 'c', 'd', 'e', 'f', 'g'], holders: ['Ann\nLee'] },
      reason: 'research',
      approvedBy: 'CISO',
      starts: '2024-01-01',
      expires: '2024-06-30',
    });
    expect(text).toBe(
      'Exception lab (research; approved by CISO; from 2024-01-01 until 2024-06-30): devices in group g/lab, devices a, b, c, d, e and 2 more, devices held by Ann Lee.',
    );
  });
});
