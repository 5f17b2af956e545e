import { describe, expect, it } from 'vitest';
import { makeBan } from '../../../test/support/bans.js';
import { loadCatalog } from '../../catalog/catalog.loader.js';
import { AppbanError } from '../../lib/errors.js';
import { enforcementContext } from '../enforce.context.js';
import { commentText, dnsBlocklist, isBlockableDomain } from './dns.common.js';

describe('isBlockableDomain', () => {
  it.each([
    'tiktok.com',
    'tiktokcdn-us.com',
    'musical.ly',
    'a.b.c.example',
    'xn--fiq228c.com',
    '0pbxmo.xzcs3zlph.com',
    `${'a'.repeat(63)}.com`,
  ])('accepts %s', (name) => {
    expect(isBlockableDomain(name)).toBe(true);
  });

  it.each([
    ['an empty string', ''],
    ['a single label', 'com'],
    ['upper case', 'TikTok.com'],
    ['a trailing dot', 'tiktok.com.'],
    ['an empty label', 'tiktok..com'],
    ['a leading hyphen', '-tiktok.com'],
    ['a trailing hyphen', 'tiktok-.com'],
    ['an underscore', 'client_monitor.isnssdk.com'],
    ['a wildcard', '*.tiktok.com'],
    ['a space', 'tiktok.com evil.com'],
    ['a newline', 'tiktok.com\naddress=/#/'],
    ['a slash', 'tiktok.com/#'],
    ['a quote', 'tiktok.com" always_transparent'],
    ['a semicolon', 'tiktok.com;'],
    ['an IPv4 address', '192.0.2.1'],
    ['a 64-character label', `${'a'.repeat(64)}.com`],
    ['more than 253 characters', `${Array.from({ length: 5 }, () => 'a'.repeat(50)).join('.')}.com`],
    ['non-ASCII', 'tiktök.com'],
  ])('rejects %s', (_why, name) => {
    expect(isBlockableDomain(name)).toBe(false);
  });
});

describe('commentText', () => {
  it('folds line breaks and control characters into single spaces', () => {
    expect(commentText('TikTok\r\naddress=/#/\u2028ban\u0000 \t end ')).toBe('TikTok address=/#/ ban end');
  });
});

describe('dnsBlocklist', () => {
  const catalog = loadCatalog();

  it('refuses a ban with network: false, naming the ban and the fix', () => {
    const context = enforcementContext(makeBan({ network: false }), catalog);
    expect(() => dnsBlocklist(context, 'dnsmasq')).toThrow(
      expect.objectContaining({
        code: 'TARGET_NOT_APPLICABLE',
        message: expect.stringMatching(/be-federal-tiktok-2023 has network: false; set network: true/),
      }),
    );
  });

  it('refuses a ban whose apps have no domains', () => {
    const ban = makeBan({ targets: [{ app: 'lemon8', includeUnconfirmed: false }] });
    const context = enforcementContext(ban, catalog);
    expect(context.domains).toEqual([]);
    expect(() => dnsBlocklist(context, 'rpz')).toThrow(
      expect.objectContaining({
        code: 'TARGET_NOT_APPLICABLE',
        message: expect.stringMatching(/no web domains/),
      }),
    );
  });

  it('refuses a domain that is not a lower-case LDH name and names the catalog app it came from', () => {
    const base = enforcementContext(makeBan(), catalog);
    const tiktok = base.identifiers.find((identifier) => identifier.kind === 'domain');
    if (!tiktok) throw new Error('the catalog gives TikTok no domain');
    const bad = 'evil.example\naddress=/#/';
    const context = {
      ...base,
      identifiers: [...base.identifiers, { ...tiktok, value: bad }],
      domains: [...base.domains, bad],
    };
    let error: unknown;
    try {
      dnsBlocklist(context, 'dnsmasq');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AppbanError);
    expect((error as AppbanError).code).toBe('CATALOG_INVALID');
    expect((error as AppbanError).message).toContain('catalog entry for tiktok');
    expect((error as AppbanError).message).toContain(JSON.stringify(bad));
  });

  it('refuses a ban id that cannot name a file', () => {
    const context = enforcementContext(makeBan({ id: '../etc/passwd' }), catalog);
    expect(() => dnsBlocklist(context, 'hosts')).toThrow(
      expect.objectContaining({ code: 'BAN_INVALID_VALUE' }),
    );
  });

  it('returns the domains sorted and without repeats', () => {
    const base = enforcementContext(makeBan(), catalog);
    const list = dnsBlocklist({ ...base, domains: ['tiktok.com', 'musical.ly', 'tiktok.com'] }, 'hosts');
    expect(list.domains).toEqual(['musical.ly', 'tiktok.com']);
  });
});
