export const OWNERSHIPS = ['owned', 'paid', 'byod', 'unknown'] as const;
export const PLATFORMS = ['ios', 'android', 'macos', 'windows', 'linux', 'chromeos'] as const;

export const OWNERSHIP_LABELS: Record<string, string> = {
  owned: 'Owned',
  paid: 'Paid for',
  byod: 'Personal (enrolled)',
  unknown: 'Unknown',
};

export const PLATFORM_LABELS: Record<string, string> = {
  ios: 'iOS / iPadOS',
  android: 'Android',
  macos: 'macOS',
  windows: 'Windows',
  linux: 'Linux',
  chromeos: 'ChromeOS',
};
