import { describe, expect, it } from 'vitest';
import { makeBan } from '../../../test/support/bans.js';
import type { Ban } from '../../bans/ban.types.js';
import { loadCatalog } from '../../catalog/catalog.loader.js';
import { AppbanError } from '../../lib/errors.js';
import { enforcementContext } from '../enforce.context.js';
import { androidPolicyTarget } from './android-policy.target.js';

const catalog = loadCatalog();

function generate(overrides: Partial<Ban> = {}) {
  return androidPolicyTarget.generate(enforcementContext(makeBan(overrides), catalog));
}

function policyOf(overrides: Partial<Ban> = {}) {
  const [artifact] = generate(overrides).artifacts;
  if (!artifact) throw new Error('no artifact');
  return JSON.parse(artifact.content) as {
    applications: { packageName: string; installType: string }[];
    personalUsagePolicies?: { personalApplications: { packageName: string; installType: string }[] };
    statusReportingSettings: { applicationReportsEnabled: boolean };
    playStoreMode?: string;
  };
}

const tiktokPackages = (confidences: (c: string) => boolean) =>
  (catalog.apps.get('tiktok')?.identifiers ?? [])
    .filter((id) => id.platform === 'android' && id.kind === 'package' && confidences(id.confidence))
    .map((id) => id.value);

describe('android-policy target', () => {
  it('blocks every confirmed TikTok package in the work side and the personal profile', () => {
    const policy = policyOf();
    const confirmed = tiktokPackages((c) => c !== 'unconfirmed');
    expect(confirmed.length).toBeGreaterThanOrEqual(3);
    expect(policy.applications.map((a) => a.packageName).sort()).toEqual([...confirmed].sort());
    expect(policy.applications.every((a) => a.installType === 'BLOCKED')).toBe(true);
    expect(policy.personalUsagePolicies?.personalApplications).toEqual(policy.applications);
    expect(policy.statusReportingSettings.applicationReportsEnabled).toBe(true);
    expect(policy).not.toHaveProperty('playStoreMode');
  });

  it('leaves unconfirmed packages out unless the target opts in', () => {
    const unconfirmed = tiktokPackages((c) => c === 'unconfirmed');
    expect(unconfirmed).toContain('com.ss.android.ugc.tiktok.lite');
    const strict = policyOf().applications.map((a) => a.packageName);
    for (const value of unconfirmed) expect(strict).not.toContain(value);
    const output = generate();
    expect(output.notes.join('\n')).toContain('com.ss.android.ugc.tiktok.lite');

    const optedIn = policyOf({ targets: [{ app: 'tiktok', includeUnconfirmed: true }] }).applications.map(
      (a) => a.packageName,
    );
    expect(optedIn.sort()).toEqual(tiktokPackages(() => true).sort());
  });

  it('writes byte-identical pretty JSON with a trailing newline for the same ban', () => {
    const first = generate().artifacts[0]?.content;
    const second = androidPolicyTarget.generate(enforcementContext(makeBan(), catalog)).artifacts[0]?.content;
    expect(first).toBe(second);
    expect(first?.endsWith('}\n')).toBe(true);
    expect(first).toContain('\n  "applications": [\n');
  });

  it('gives the exact PATCH request line with the update mask of the fields it sets', () => {
    expect(generate().deployTo).toBe(
      'PATCH https://androidmanagement.googleapis.com/v1/enterprises/{enterpriseId}/policies/{policyId}?updateMask=applications,personalUsagePolicies.personalApplications,statusReportingSettings.applicationReportsEnabled',
    );
  });

  it('does not touch personal profiles when only personal (BYOD) devices are in scope', () => {
    const scope = {
      ownership: ['byod' as const],
      groups: { include: [], exclude: [] },
      platforms: 'all' as const,
    };
    expect(policyOf({ scope }).personalUsagePolicies).toBeUndefined();
    expect(generate({ scope }).deployTo).toMatch(
      /updateMask=applications,statusReportingSettings\.applicationReportsEnabled$/,
    );
  });

  it('names the ban and revision in the notes and the file name', () => {
    const context = enforcementContext(makeBan(), catalog);
    const output = androidPolicyTarget.generate(context);
    expect(output.artifacts[0]?.fileName).toBe('android/be-federal-tiktok-2023.policy.json');
    expect(output.notes[0]).toContain(context.revision);
    expect(output.artifacts[0]?.description).toContain(context.revision);
  });

  it('tells how each exception travels', () => {
    const output = generate({
      exceptions: [
        {
          id: 'ccb-research-lab',
          subjects: { group: 'federal/ccb/research' },
          reason: 'security-research',
          approvedBy: 'CCB director',
          expires: '2023-12-31',
        },
      ],
    });
    expect(output.exceptions).toHaveLength(1);
    expect(output.exceptions[0]).toContain('ccb-research-lab');
    expect(output.exceptions[0]).toContain('federal/ccb/research');
    expect(output.exceptions[0]).toContain('updateMask=policyName');
  });

  it('is not applicable when the ban has no Android package', () => {
    const attempts: Partial<Ban>[] = [
      { targets: [{ app: 'tiktok', platforms: ['ios'], includeUnconfirmed: false }] },
      {
        scope: { ownership: ['owned'], groups: { include: [], exclude: [] }, platforms: ['ios', 'windows'] },
      },
    ];
    for (const overrides of attempts) {
      const error = (() => {
        try {
          generate(overrides);
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(AppbanError);
      expect((error as AppbanError).code).toBe('TARGET_NOT_APPLICABLE');
    }
  });

  it('blocks every app of a publisher ban', () => {
    const policy = policyOf({ targets: [{ publisher: 'bytedance', includeUnconfirmed: false }] });
    const names = policy.applications.map((a) => a.packageName);
    for (const expected of [
      'com.zhiliaoapp.musically',
      'com.ss.android.ugc.aweme',
      'com.lemon.lvoverseas',
      'com.bd.nproject',
    ]) {
      expect(names).toContain(expected);
    }
  });
});
