import type { InventorySnapshot, ObservedApp, ObservedDevice } from '../../src/inventory/snapshot.types.js';

/** A snapshot for store tests; override what the test is about. */
export function makeSnapshot(
  overrides: Partial<Omit<InventorySnapshot, 'device'>> & { device?: Partial<ObservedDevice> } = {},
): InventorySnapshot {
  const { device, ...rest } = overrides;
  return {
    source: 'osquery',
    observedAt: '2023-04-01T08:00:00Z',
    coverage: 'full',
    apps: [app('bundle-id', 'com.apple.mobilesafari', 'Safari', '17.0')],
    ...rest,
    device: {
      sourceDeviceId: 'host-1',
      name: 'MBP-001',
      holder: 'alice@example.gov',
      platform: 'macos',
      ownership: 'owned',
      group: 'federal/finance',
      ...device,
    },
  };
}

export function app(kind: ObservedApp['kind'], value: string, name?: string, version?: string): ObservedApp {
  return {
    kind,
    value,
    ...(name === undefined ? {} : { name }),
    ...(version === undefined ? {} : { version }),
  };
}

export const TIKTOK_IOS = app('bundle-id', 'com.zhiliaoapp.musically', 'TikTok', '33.1.0');
export const TIKTOK_ANDROID = app('package', 'com.zhiliaoapp.musically', 'TikTok', '33.1.0');
