import type { Ban } from '../../src/bans/ban.types.js';

/** A valid ban modelled on Belgium 2023, for tests that need one; override what the test is about. */
export function makeBan(overrides: Partial<Ban> = {}): Ban {
  return {
    id: 'be-federal-tiktok-2023',
    title: 'TikTok on federal government devices',
    jurisdiction: 'BE',
    authority: 'Prime Minister, on advice of the National Security Council',
    basis: { summary: 'Data collection risks', references: [] },
    targets: [{ app: 'tiktok', includeUnconfirmed: false }],
    scope: { ownership: ['owned', 'paid'], groups: { include: ['federal'], exclude: [] }, platforms: 'all' },
    period: { start: '2023-03-10', minimum: 'P6M', review: '2023-09-10' },
    removal: { deadline: 'P30D' },
    network: true,
    exceptions: [],
    ...overrides,
  };
}
