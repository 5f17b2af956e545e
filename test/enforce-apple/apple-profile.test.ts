import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { parse as parsePlist } from 'plist';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { shortRevision } from '../../src/bans/ban.revision.js';
import { loadCatalog } from '../../src/catalog/catalog.loader.js';
import {
  appleProfileTarget,
  DENY_LIST_LIMIT,
  denyListUrls,
} from '../../src/enforce/apple/apple-profile.target.js';
import { AppbanError } from '../../src/lib/errors.js';
import { makeBan } from '../support/bans.js';
import { sample, samplesAvailable } from '../support/samples.js';
import { plistutil, xmllint } from './debian-tools.js';
import {
  artifact,
  asDict,
  asStrings,
  type Dict,
  generate,
  parseProfile,
  payloadOfType,
  payloads,
  payloadUuids,
  plistutilRoundTrip,
  UUID,
} from './profile-reading.js';
import { signedProfileContent } from './signed-profile.js';

const RESTRICTIONS = 'com.apple.applicationaccess';
const WEB_FILTER = 'com.apple.webcontent-filter';

const profileXml = (ban = makeBan()) => artifact(generate(appleProfileTarget, ban), '.mobileconfig');

describe('apple-profile: the profile itself', () => {
  it('is a Configuration profile of version 1 with unique, well-formed PayloadUUIDs', () => {
    const profile = parseProfile(profileXml());
    expect(profile.PayloadType).toBe('Configuration');
    expect(profile.PayloadVersion).toBe(1);
    for (const payload of payloads(profile)) expect(payload.PayloadVersion).toBe(1);
    const uuids = payloadUuids(profile);
    expect(uuids).toHaveLength(3);
    for (const uuid of uuids) expect(uuid).toMatch(UUID);
    expect(new Set(uuids).size).toBe(uuids.length);
    const identifiers = payloads(profile).map((payload) => payload.PayloadIdentifier);
    expect(new Set(identifiers).size).toBe(identifiers.length);
  });

  it('blocks every confident iOS bundle ID of TikTok and names the ban in what the user sees', () => {
    const profile = parseProfile(profileXml());
    const restrictions = asDict(payloadOfType(profile, RESTRICTIONS));
    const blocked = asStrings(restrictions.blockedAppBundleIDs);
    expect(blocked).toContain('com.zhiliaoapp.musically');
    expect(blocked).toContain('com.ss.iphone.ugc.Ame');
    // TikTok Lite's bundle ID is unconfirmed in the catalog: enforced only on opt-in.
    expect(blocked).not.toContain('com.ss.iphone.ugc.tiktok.lite');
    expect(asStrings(restrictions.blacklistedAppBundleIDs)).toEqual(blocked);
    const ban = makeBan();
    for (const text of [String(profile.PayloadDisplayName), String(profile.PayloadDescription)]) {
      expect(text).toContain(ban.id);
      expect(text).toContain(`revision ${shortRevision(ban)}`);
    }
    expect(profile.PayloadDisplayName).toContain(ban.title);
    expect(profile.PayloadDescription).toMatch(/supervised/);
    expect(profile.PayloadDescription).toMatch(/iOS or iPadOS 15/);
  });

  it('opts in to unconfirmed bundle IDs only when the ban target says so', () => {
    const ban = makeBan({ targets: [{ app: 'tiktok', includeUnconfirmed: true }] });
    const blocked = asStrings(
      asDict(payloadOfType(parseProfile(profileXml(ban)), RESTRICTIONS)).blockedAppBundleIDs,
    );
    expect(blocked).toContain('com.ss.iphone.ugc.tiktok.lite');
  });

  it('denies the web domains with the built-in filter when network is true, and has no filter otherwise', () => {
    const filter = asDict(payloadOfType(parseProfile(profileXml()), WEB_FILTER));
    expect(filter.FilterType).toBe('BuiltIn');
    expect(filter).not.toHaveProperty('AutoFilterEnabled');
    const urls = asStrings(filter.DenyListURLs);
    expect(urls).toContain('tiktok.com');
    expect(urls).toContain('www.tiktok.com');
    expect(urls).toContain('tiktokv.com');
    expect(urls.length).toBeLessThanOrEqual(DENY_LIST_LIMIT);

    const quiet = parseProfile(profileXml(makeBan({ network: false })));
    expect(payloadOfType(quiet, WEB_FILTER)).toBeUndefined();
    expect(payloads(quiet)).toHaveLength(1);
    expect(quiet.PayloadDescription).not.toMatch(/web domains/);
  });

  it('keeps the deny list within Apple’s limit, dropping www hosts first', () => {
    const many = Array.from({ length: 600 }, (_, i) => `d${i}.example`);
    const capped = denyListUrls(many);
    expect(capped.urls).toHaveLength(DENY_LIST_LIMIT);
    expect(capped.urls.some((url) => url.startsWith('www.'))).toBe(false);
    expect(capped.dropped).toHaveLength(100);
    expect(denyListUrls(many.slice(0, 250)).urls).toHaveLength(500);
    expect(denyListUrls(many.slice(0, 251)).urls).toHaveLength(251);
  });

  it('writes byte-identical output for the same ban, and new UUIDs under the same identifier for a new revision', () => {
    const first = profileXml();
    expect(profileXml()).toBe(first);
    const revised = parseProfile(profileXml(makeBan({ title: 'TikTok on federal devices, revised' })));
    const original = parseProfile(first);
    const before = payloadUuids(original);
    for (const uuid of payloadUuids(revised)) expect(before).not.toContain(uuid);
    expect(revised.PayloadIdentifier).toBe(original.PayloadIdentifier);
    expect(payloads(revised).map((p) => p.PayloadIdentifier)).toEqual(
      payloads(original).map((p) => p.PayloadIdentifier),
    );
  });

  it('gives different bans different identifiers', () => {
    const other = parseProfile(profileXml(makeBan({ id: 'us-omb-m-23-13' })));
    expect(other.PayloadIdentifier).not.toBe(parseProfile(profileXml()).PayloadIdentifier);
  });

  it('carries any title safely: markup is escaped and characters XML cannot hold are replaced', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
        fc.constantFrom('&', '<', '>', '"', "'", ']]>', '\u0000', '\u0007', '\uD800', '\uFFFE', '\u{1F600}'),
        (text, tricky) => {
          const title = `${text}${tricky}`;
          const profile = parseProfile(profileXml(makeBan({ title })));
          const shown = String(profile.PayloadDisplayName);
          expect(shown).toContain('(ban be-federal-tiktok-2023, revision');
          if (tricky === '&' || tricky === '<' || tricky === ']]>') expect(shown).toContain(tricky);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('lists the exceptions and how they travel as MDM scoping', () => {
    const output = generate(
      appleProfileTarget,
      makeBan({
        exceptions: [
          {
            id: 'ccb-research-lab',
            subjects: { group: 'federal/ccb/research' },
            reason: 'security-research',
            approvedBy: 'CCB director',
            expires: '2023-12-31',
          },
        ],
      }),
    );
    expect(output.exceptions.join('\n')).toMatch(/exclusion group/);
    expect(output.exceptions.join('\n')).toMatch(
      /ccb-research-lab.*until 2023-12-31.*federal\/ccb\/research/,
    );
    expect(output.limitations.join('\n')).toMatch(/does not uninstall/);
    expect(output.limitations.join('\n')).toMatch(/User Enrollment/);
    expect(output.limitations.join('\n')).toMatch(/RemoveApplication removes only/);
  });
});

describe('apple-profile: when there is nothing to block', () => {
  it('refuses a ban with no iOS bundle ID and no domains, naming what is missing', () => {
    const ban = makeBan({ targets: [{ app: 'lemon8', includeUnconfirmed: false }], network: false });
    expect(() => generate(appleProfileTarget, ban)).toThrowError(AppbanError);
    try {
      generate(appleProfileTarget, ban);
    } catch (error) {
      expect((error as AppbanError).code).toBe('TARGET_NOT_APPLICABLE');
      expect((error as AppbanError).message).toMatch(/Lemon8 \(only app-store-id 1498607143\)/);
      expect((error as AppbanError).message).toMatch(/network: false/);
    }
  });

  it('writes a web-filter-only profile when the app has domains but no iOS bundle ID', () => {
    const catalog = loadCatalog();
    const ban = makeBan({
      targets: [
        { app: 'capcut', includeUnconfirmed: false },
        { app: 'lemon8', includeUnconfirmed: false },
      ],
    });
    const output = generate(appleProfileTarget, ban, catalog);
    const profile = parseProfile(artifact(output, '.mobileconfig'));
    expect(asStrings(asDict(payloadOfType(profile, RESTRICTIONS)).blockedAppBundleIDs)).toEqual([
      'com.lemon.lvoverseas',
    ]);
    expect(output.notes.join('\n')).toMatch(/No iOS bundle ID at the ban's confidence for Lemon8/);
  });

  it('writes a web-filter-only profile when the ban keeps domains but no iOS identifier', () => {
    const ban = makeBan({ targets: [{ app: 'tiktok', platforms: ['android'], includeUnconfirmed: false }] });
    const profile = parseProfile(profileXml(ban));
    expect(payloads(profile).map((payload) => payload.PayloadType)).toEqual([WEB_FILTER]);
    expect(profile.PayloadDescription).not.toMatch(/Hides|bundle ID/);
    expect(profile.PayloadDescription).toMatch(/Denies 24 web domains/);
  });

  it('refuses a ban scoped away from iOS', () => {
    const base = makeBan();
    const ban = makeBan({ scope: { ...base.scope, platforms: ['android', 'windows'] } });
    expect(() => generate(appleProfileTarget, ban)).toThrowError(/not ios/);
  });
});

describe.skipIf(!plistutil.available || !xmllint.available)(
  'apple-profile: read by libplist and libxml2',
  () => {
    it('survives an XML to binary to XML round trip through plistutil unchanged', () => {
      const xml = profileXml();
      const { binaryMagic, backToXml } = plistutilRoundTrip(xml);
      expect(binaryMagic).toBe('bplist00');
      expect(parsePlist(backToXml)).toEqual(parsePlist(xml));
    });

    it('round-trips a title with markup and control characters', () => {
      const xml = profileXml(makeBan({ title: 'R&D <lab> "ban" \u0007 \uD800 done' }));
      const back = parseProfile(plistutilRoundTrip(xml).backToXml);
      // Control characters and unpaired surrogates are not text a title needs: they fold into spaces.
      expect(back.PayloadDisplayName).toBe(
        `R&D <lab> "ban" done (ban be-federal-tiktok-2023, revision ${shortRevision(makeBan({ title: 'R&D <lab> "ban" \u0007 \uD800 done' }))})`,
      );
    });

    it('is well-formed XML for xmllint', () => {
      const result = xmllint.spawn(['--noout', '--nonet', '-'], profileXml());
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
    });

    it('would be caught by the same check if it were broken', () => {
      const broken = profileXml().replace('</dict>\n</plist>', '</plist>');
      expect(xmllint.spawn(['--noout', '--nonet', '-'], broken).status).not.toBe(0);
    });
  },
);

describe.skipIf(!samplesAvailable)('apple-profile: against Apple’s schema and a real TikTok profile', () => {
  const schemaKeys = (file: string) => {
    const doc = parseYaml(readFileSync(sample('apple-device-management', file), 'utf8')) as {
      payload: { payloadtype: string };
      payloadkeys: {
        key: string;
        type: string;
        rangelist?: string[];
        supportedOS?: Record<string, Record<string, unknown>>;
      }[];
    };
    return {
      type: doc.payload.payloadtype,
      keys: new Map(doc.payloadkeys.map((entry) => [entry.key, entry])),
    };
  };
  const ownKeys = (payload: Dict) => Object.keys(payload).filter((key) => !key.startsWith('Payload'));

  it('uses only keys Apple’s schema defines, with the schema’s types and values', () => {
    const profile = parseProfile(profileXml());
    for (const file of [
      'mdm_profiles_com.apple.applicationaccess.yaml',
      'mdm_profiles_com.apple.webcontent-filter.yaml',
    ]) {
      const schema = schemaKeys(file);
      const payload = asDict(payloadOfType(profile, schema.type));
      for (const key of ownKeys(payload)) {
        const entry = schema.keys.get(key);
        expect(entry, `${schema.type} key ${key}`).toBeDefined();
        if (entry?.type === '<array>') expect(Array.isArray(payload[key])).toBe(true);
        if (entry?.type === '<string>') expect(typeof payload[key]).toBe('string');
        if (entry?.rangelist) expect(entry.rangelist).toContain(payload[key]);
      }
    }
  });

  it('says what the schema says about blockedAppBundleIDs: iOS 15, supervised, not for user enrollment', () => {
    const entry = schemaKeys('mdm_profiles_com.apple.applicationaccess.yaml').keys.get('blockedAppBundleIDs');
    const ios = entry?.supportedOS?.iOS;
    expect(ios?.introduced).toBe('15.0');
    expect(ios?.supervised).toBe(true);
    expect((ios?.userenrollment as { mode?: string } | undefined)?.mode).toBe('forbidden');
    const output = generate(appleProfileTarget, makeBan());
    expect(output.requires.join('\n')).toMatch(/iOS or iPadOS 15 or later/);
    expect(output.limitations.join('\n')).toMatch(/Supervised devices only/);
  });

  it('has the structure of the Texas A&M TikTok profile: same payload types and blocking keys', () => {
    const tamu = parseProfile(
      signedProfileContent(
        readFileSync(
          sample('enforcement-tamu', 'apple_mobile-devices_Global_-_Block_TikTok_V2.mobileconfig'),
        ),
      ),
    );
    const ours = parseProfile(profileXml());
    expect(ours.PayloadType).toBe(tamu.PayloadType);
    expect(ours.PayloadVersion).toBe(tamu.PayloadVersion);
    for (const key of Object.keys(ours)) expect(Object.keys(tamu), `top-level key ${key}`).toContain(key);
    const types = (profile: Dict) =>
      payloads(profile)
        .map((payload) => String(payload.PayloadType))
        .sort();
    expect(types(ours)).toEqual(types(tamu));
    for (const type of types(tamu)) {
      const theirs = asDict(payloadOfType(tamu, type));
      const mine = asDict(payloadOfType(ours, type));
      expect(ownKeys(mine).sort(), type).toEqual(ownKeys(theirs).sort());
    }

    const theirBlocked = asStrings(asDict(payloadOfType(tamu, RESTRICTIONS)).blockedAppBundleIDs);
    const ourBlocked = asStrings(asDict(payloadOfType(ours, RESTRICTIONS)).blockedAppBundleIDs);
    for (const id of theirBlocked) expect(ourBlocked).toContain(id);

    // Every host TAMU denies under a domain our catalog gives TikTok is denied by ours too.
    const tiktokDomains = new Set(
      loadCatalog()
        .apps.get('tiktok')
        ?.identifiers.filter((identifier) => identifier.kind === 'domain')
        .map((identifier) => identifier.value),
    );
    const ourUrls = asStrings(asDict(payloadOfType(ours, WEB_FILTER)).DenyListURLs);
    const theirUrls = asStrings(asDict(payloadOfType(tamu, WEB_FILTER)).DenyListURLs);
    const shared = theirUrls.filter((url) => tiktokDomains.has(url.replace(/^www\./, '')));
    expect(shared.length).toBeGreaterThanOrEqual(8);
    for (const url of shared) expect(ourUrls).toContain(url);
  });
});
