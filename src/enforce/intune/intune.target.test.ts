import { describe, expect, it } from 'vitest';
import { makeBan } from '../../../test/support/bans.js';
import type { BannedIdentifier } from '../../bans/ban.resolve.js';
import type { Ban, BanException } from '../../bans/ban.types.js';
import { loadCatalog } from '../../catalog/catalog.loader.js';
import { AppbanError } from '../../lib/errors.js';
import { enforcementContext } from '../enforce.context.js';
import type { EnforcementContext } from '../target.types.js';
import type { IntuneRequestsFile } from './graph.types.js';
import { intuneTarget } from './intune.target.js';

const catalog = loadCatalog();

const exception: BanException = {
  id: 'ccb-research-lab',
  subjects: { group: 'federal/ccb/research' },
  reason: 'security-research',
  approvedBy: 'CCB director',
  expires: '2023-12-31',
};

function generate(overrides: Partial<Ban> = {}) {
  return intuneTarget.generate(enforcementContext(makeBan(overrides), catalog));
}

function fileOf(output: ReturnType<typeof generate>): IntuneRequestsFile {
  const [artifact] = output.artifacts;
  if (!artifact) throw new Error('no artifact');
  return JSON.parse(artifact.content) as IntuneRequestsFile;
}

function requestById(file: IntuneRequestsFile, id: string) {
  const request = file.requests.find((candidate) => candidate.id === id);
  if (!request) throw new Error(`no request ${id}`);
  return request.body as unknown as Record<string, unknown>;
}

function appIds(list: unknown): string[] {
  return (list as { appId: string }[]).map((item) => item.appId);
}

function tiktok(platform: string, kind: string, keep: (confidence: string) => boolean): string[] {
  return (catalog.apps.get('tiktok')?.identifiers ?? [])
    .filter((id) => id.platform === platform && id.kind === kind && keep(id.confidence))
    .map((id) => id.value)
    .sort();
}

describe('intune target', () => {
  it('lists every confirmed TikTok bundle ID and package in each request that blocks apps', () => {
    const file = fileOf(generate());
    const bundles = tiktok('ios', 'bundle-id', (c) => c !== 'unconfirmed');
    const packages = tiktok('android', 'package', (c) => c !== 'unconfirmed');
    expect(bundles).toEqual(['com.ss.iphone.ugc.Ame', 'com.zhiliaoapp.musically']);

    const restrictions = requestById(file, 'ios-restrictions');
    expect(restrictions['@odata.type']).toBe('#microsoft.graph.iosGeneralDeviceConfiguration');
    expect(appIds(restrictions.appsVisibilityList)).toEqual(bundles);
    expect(restrictions.appsVisibilityListType).toBe('appsNotInListCompliant');
    expect(appIds(restrictions.compliantAppsList)).toEqual(bundles);
    expect(restrictions.compliantAppListType).toBe('appsNotInListCompliant');
    expect(appIds(requestById(file, 'ios-compliance').restrictedApps)).toEqual(bundles);

    expect(appIds(requestById(file, 'android-personal-profile').personalProfilePersonalApplications)).toEqual(
      packages,
    );
    expect(requestById(file, 'android-personal-profile').personalProfilePlayStoreMode).toBe('blockedApps');
    expect(appIds(requestById(file, 'android-admin-compliance').restrictedApps)).toEqual(packages);
    for (const value of packages)
      expect(file.requests.map((r) => r.id)).toContain(`managed-play-uninstall-${value}`);
  });

  it('adds unconfirmed identifiers only when the target opts in', () => {
    const strict = generate();
    const strictText = strict.artifacts[0]?.content ?? '';
    for (const value of [
      ...tiktok('ios', 'bundle-id', (c) => c === 'unconfirmed'),
      ...tiktok('android', 'package', (c) => c === 'unconfirmed'),
    ]) {
      expect(strictText).not.toContain(value);
      expect(strict.notes.join('\n')).toContain(value);
    }
    const optedIn = fileOf(generate({ targets: [{ app: 'tiktok', includeUnconfirmed: true }] }));
    expect(appIds(requestById(optedIn, 'ios-compliance').restrictedApps)).toEqual(
      tiktok('ios', 'bundle-id', () => true),
    );
    expect(appIds(requestById(optedIn, 'android-admin-compliance').restrictedApps)).toEqual(
      tiktok('android', 'package', () => true),
    );
  });

  it('is byte-identical for the same ban', () => {
    const ban = makeBan({ exceptions: [exception] });
    const first = intuneTarget.generate(enforcementContext(ban, catalog)).artifacts[0]?.content;
    const second = intuneTarget.generate(enforcementContext(structuredClone(ban), catalog)).artifacts[0]
      ?.content;
    expect(first).toBe(second);
    expect(first?.endsWith('}\n')).toBe(true);
  });

  it('names the ban id, title and revision in every created object', () => {
    const context = enforcementContext(makeBan(), catalog);
    const file = fileOf(intuneTarget.generate(context));
    expect(file.ban).toEqual({
      id: 'be-federal-tiktok-2023',
      title: 'TikTok on federal government devices',
      revision: context.revision,
    });
    const created = file.requests.filter((request) => '@odata.type' in request.body);
    expect(created.length).toBe(4);
    for (const request of created) {
      const body = request.body as unknown as { displayName: string; description: string };
      for (const text of [body.displayName, body.description]) {
        expect(text).toContain('be-federal-tiktok-2023');
        expect(text).toContain(context.revision);
        expect(text).toContain('TikTok on federal government devices');
      }
    }
  });

  it('carries exceptions and scope exclusions as exclusion group targets, described as placeholders', () => {
    const output = generate({
      exceptions: [exception],
      scope: {
        ownership: ['owned', 'paid'],
        groups: { include: ['federal'], exclude: ['federal/defence'] },
        platforms: 'all',
      },
    });
    const file = fileOf(output);
    const assign = requestById(file, 'ios-restrictions-assign') as {
      assignments: { target: Record<string, string> }[];
    };
    expect(assign.assignments.map((a) => a.target)).toEqual([
      { '@odata.type': '#microsoft.graph.groupAssignmentTarget', groupId: '{{group:scope:federal}}' },
      {
        '@odata.type': '#microsoft.graph.exclusionGroupAssignmentTarget',
        groupId: '{{group:exclude:federal/defence}}',
      },
      {
        '@odata.type': '#microsoft.graph.exclusionGroupAssignmentTarget',
        groupId: '{{group:exception:ccb-research-lab}}',
      },
    ]);
    const assignRequests = file.requests.filter((request) => request.url.endsWith('/assign'));
    expect(assignRequests.length).toBe(file.requests.length - 4);
    for (const request of assignRequests) {
      const body = request.body as unknown as Record<string, { target: { groupId?: string } }[]>;
      const targets = (body.assignments ?? body.mobileAppAssignments ?? []).map((a) => a.target.groupId);
      expect(targets, request.id).toEqual([
        '{{group:scope:federal}}',
        '{{group:exclude:federal/defence}}',
        '{{group:exception:ccb-research-lab}}',
      ]);
    }
    expect(output.exceptions).toHaveLength(1);
    expect(output.exceptions[0]).toContain('{{group:exception:ccb-research-lab}}');
    expect(output.exceptions[0]).toContain('2023-12-31');
    expect(file.placeholders['{{group:exception:ccb-research-lab}}']).toContain('federal/ccb/research');
  });

  it('assigns to all devices when the ban names no scope group', () => {
    const file = fileOf(
      generate({ scope: { ownership: ['owned'], groups: { include: [], exclude: [] }, platforms: 'all' } }),
    );
    const assign = requestById(file, 'ios-compliance-assign') as {
      assignments: { target: Record<string, string> }[];
    };
    expect(assign.assignments).toEqual([
      { target: { '@odata.type': '#microsoft.graph.allDevicesAssignmentTarget' } },
    ]);
  });

  it('describes every placeholder it uses and uses every placeholder it describes', () => {
    const file = fileOf(generate({ exceptions: [exception] }));
    const used = new Set(JSON.stringify(file.requests).match(/\{\{[^}]+\}\}/g));
    expect([...used].sort()).toEqual(Object.keys(file.placeholders).sort());
  });

  it('sends each request after the ones whose ids it needs, with unique ids', () => {
    const file = fileOf(generate());
    const ids = file.requests.map((request) => request.id);
    expect(new Set(ids).size).toBe(ids.length);
    file.requests.forEach((request, index) => {
      for (const [, needed] of request.url.matchAll(/\{\{id:([^}]+)\}\}/g)) {
        const position = ids.indexOf(needed ?? '');
        expect(position).toBeGreaterThanOrEqual(0);
        expect(position).toBeLessThan(index);
      }
    });
  });

  it('sends beta-only fields to the beta endpoint and nothing else there', () => {
    const file = fileOf(generate());
    const betaOnly = [
      'restrictedApps',
      'personalProfilePlayStoreMode',
      'personalProfilePersonalApplications',
    ];
    for (const request of file.requests) {
      const usesBeta = betaOnly.some((field) => field in request.body);
      if (usesBeta) expect(request.url.startsWith('https://graph.microsoft.com/beta/')).toBe(true);
      if (request.url.includes('/beta/') && !request.url.endsWith('/assign')) expect(usesBeta).toBe(true);
    }
  });

  it('turns the removal deadline into the compliance grace period, capped at 8760 hours', () => {
    const grace = (deadline: string) => {
      const file = fileOf(generate({ removal: { deadline } }));
      const body = requestById(file, 'ios-compliance') as {
        scheduledActionsForRule: {
          scheduledActionConfigurations: { actionType: string; gracePeriodHours: number }[];
        }[];
      };
      const action = body.scheduledActionsForRule[0]?.scheduledActionConfigurations[0];
      expect(action?.actionType).toBe('block');
      return action?.gracePeriodHours;
    };
    expect(grace('P30D')).toBe(720);
    expect(grace('P0D')).toBe(0);
    expect(grace('PT12H')).toBe(12);
    expect(grace('P2Y')).toBe(8760);
  });

  it('skips the personal-profile profile when no company-owned device is in scope', () => {
    const file = fileOf(
      generate({ scope: { ownership: ['byod'], groups: { include: [], exclude: [] }, platforms: 'all' } }),
    );
    expect(file.requests.map((r) => r.id)).not.toContain('android-personal-profile');
  });

  it('keeps to the platforms in scope', () => {
    const iosOnly = fileOf(
      generate({ scope: { ownership: ['owned'], groups: { include: [], exclude: [] }, platforms: ['ios'] } }),
    );
    expect(iosOnly.requests.some((r) => r.id.startsWith('android') || r.id.startsWith('managed-play'))).toBe(
      false,
    );
    const androidOnly = fileOf(
      generate({ targets: [{ app: 'tiktok', platforms: ['android'], includeUnconfirmed: false }] }),
    );
    expect(androidOnly.requests.some((r) => r.id.startsWith('ios'))).toBe(false);
  });

  it('splits restricted apps into policies of at most 100', () => {
    const identifiers: BannedIdentifier[] = Array.from({ length: 150 }, (_, index) => ({
      platform: 'ios',
      kind: 'bundle-id',
      value: `com.example.app${String(index).padStart(3, '0')}`,
      source: 'test',
      confidence: 'high',
      appId: 'example',
      appName: 'Example',
      publisher: 'bytedance',
    }));
    const ban = makeBan();
    const context: EnforcementContext = { ban, revision: 'abc123', catalog, identifiers, domains: [] };
    const file = fileOf(intuneTarget.generate(context));
    const parts = file.requests.filter(
      (r) => r.id.startsWith('ios-compliance-') && !r.id.endsWith('-assign'),
    );
    expect(parts.map((r) => r.id)).toEqual(['ios-compliance-1', 'ios-compliance-2']);
    const lists = parts.map((r) => appIds((r.body as unknown as { restrictedApps: unknown }).restrictedApps));
    expect(lists.map((list) => list.length)).toEqual([100, 50]);
    expect(lists.flat()).toEqual(identifiers.map((id) => id.value));
    expect(file.requests.map((r) => r.id)).toContain('ios-compliance-2-assign');
  });

  it('is not applicable when the ban has no iOS or Android identifier', () => {
    try {
      generate({ targets: [{ app: 'tiktok', platforms: ['windows'], includeUnconfirmed: false }] });
      expect.unreachable('should have thrown');
    } catch (error) {
      expect(error).toBeInstanceOf(AppbanError);
      expect((error as AppbanError).code).toBe('TARGET_NOT_APPLICABLE');
    }
  });
});
