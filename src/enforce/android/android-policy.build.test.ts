import type { androidmanagement_v1 } from '@googleapis/androidmanagement';
import { describe, expect, it } from 'vitest';
import { banPolicy, mergeBanIntoPolicy, updateMaskFor } from './android-policy.build.js';

type Policy = androidmanagement_v1.Schema$Policy;

describe('banPolicy', () => {
  it('blocks each package once, in code-point order', () => {
    const policy = banPolicy(
      ['com.zhiliaoapp.musically', 'com.ss.android.ugc.trill', 'com.zhiliaoapp.musically'],
      {
        personalProfile: false,
      },
    );
    expect(policy.applications).toEqual([
      { packageName: 'com.ss.android.ugc.trill', installType: 'BLOCKED' },
      { packageName: 'com.zhiliaoapp.musically', installType: 'BLOCKED' },
    ]);
    expect(policy.personalUsagePolicies).toBeUndefined();
    expect(policy.statusReportingSettings).toEqual({ applicationReportsEnabled: true });
    expect(policy.playStoreMode).toBeUndefined();
  });

  it('blocks the same packages in the personal profile when asked', () => {
    const policy = banPolicy(['b.app', 'a.app'], { personalProfile: true });
    expect(policy.personalUsagePolicies).toEqual({
      personalApplications: [
        { packageName: 'a.app', installType: 'BLOCKED' },
        { packageName: 'b.app', installType: 'BLOCKED' },
      ],
    });
  });
});

describe('updateMaskFor', () => {
  it('names exactly the fields the body sets', () => {
    expect(updateMaskFor(banPolicy(['a.app'], { personalProfile: true }))).toBe(
      'applications,personalUsagePolicies.personalApplications,statusReportingSettings.applicationReportsEnabled',
    );
    expect(updateMaskFor(banPolicy(['a.app'], { personalProfile: false }))).toBe(
      'applications,statusReportingSettings.applicationReportsEnabled',
    );
  });
});

describe('mergeBanIntoPolicy', () => {
  const existing: Policy = {
    name: 'enterprises/LC0123/policies/federal',
    version: '7',
    playStoreMode: 'WHITELIST',
    cameraDisabled: true,
    applications: [
      { packageName: 'com.microsoft.teams', installType: 'FORCE_INSTALLED' },
      { packageName: 'com.zhiliaoapp.musically', installType: 'AVAILABLE', managedConfiguration: { a: 1 } },
    ],
    personalUsagePolicies: {
      personalPlayStoreMode: 'BLOCKLIST',
      personalApplications: [{ packageName: 'com.example.game', installType: 'BLOCKED' }],
    },
    statusReportingSettings: { hardwareStatusEnabled: true, applicationReportsEnabled: false },
  };
  const ban = banPolicy(['com.zhiliaoapp.musically', 'com.ss.android.ugc.trill'], { personalProfile: true });

  it('keeps every other app and setting and replaces the banned packages with BLOCKED entries', () => {
    const merged = mergeBanIntoPolicy(existing, ban);
    expect(merged.applications).toEqual([
      { packageName: 'com.microsoft.teams', installType: 'FORCE_INSTALLED' },
      { packageName: 'com.ss.android.ugc.trill', installType: 'BLOCKED' },
      { packageName: 'com.zhiliaoapp.musically', installType: 'BLOCKED' },
    ]);
    expect(merged.personalUsagePolicies).toEqual({
      personalPlayStoreMode: 'BLOCKLIST',
      personalApplications: [
        { packageName: 'com.example.game', installType: 'BLOCKED' },
        { packageName: 'com.ss.android.ugc.trill', installType: 'BLOCKED' },
        { packageName: 'com.zhiliaoapp.musically', installType: 'BLOCKED' },
      ],
    });
    expect(merged.statusReportingSettings).toEqual({
      hardwareStatusEnabled: true,
      applicationReportsEnabled: true,
    });
    expect(merged.playStoreMode).toBe('WHITELIST');
    expect(merged.cameraDisabled).toBe(true);
    expect(merged.name).toBe(existing.name);
  });

  it('does not change its input and is idempotent', () => {
    const before = structuredClone(existing);
    const once = mergeBanIntoPolicy(existing, ban);
    expect(existing).toEqual(before);
    expect(mergeBanIntoPolicy(once, ban)).toEqual(once);
  });

  it('leaves the personal profile alone when the ban does not set it', () => {
    const merged = mergeBanIntoPolicy(
      existing,
      banPolicy(['com.zhiliaoapp.musically'], { personalProfile: false }),
    );
    expect(merged.personalUsagePolicies).toEqual(existing.personalUsagePolicies);
  });

  it('works on a policy with no lists yet', () => {
    expect(mergeBanIntoPolicy({}, ban)).toEqual(ban);
  });
});
