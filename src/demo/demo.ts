import type { Ban } from '../bans/ban.types.js';
import type { Catalog } from '../catalog/catalog.types.js';
import type { ComplianceService } from '../compliance/compliance.service.js';
import type { ComplianceReport } from '../compliance/report/report.types.js';
import { DAY_MS } from '../lib/dates.js';
import { bulkInsertAppIdentities, bulkLoadDevices } from '../store/bulk-load.js';
import { createException } from '../store/exception.repository.js';
import type { Store } from '../store/store.js';
import { AppUniverse } from './apps.js';
import { toBulkDevice } from './demo.adapters.js';
import { FleetGenerator } from './fleet.generator.js';

export interface DemoOptions {
  /** The bans to apply (the CLI passes the example ban files). */
  bans: readonly Ban[];
  /** Default 10,000. */
  devices?: number;
  /**
   * Months of weekly inventories up to `now` (default 2). Every inventory stores every app, so
   * 10,000 devices take about 0.9 million app rows a week.
   */
  months?: number;
  seed?: number;
  /** Distinct made-up apps (default 40,000). */
  distinctApps?: number;
  now: number;
  onProgress?: (message: string) => void;
}

export interface DemoSummary {
  devices: number;
  snapshots: number;
  snapshotApps: number;
  identities: number;
  bans: string[];
  exceptions: string[];
  historyChanges: number;
  report: ComplianceReport;
}

/**
 * Fills a store with the bans given and a simulated fleet with months of history (see
 * FleetGenerator), adds two exceptions through the store as a team would, and derives every
 * finding and its history. Meant for an empty store.
 */
export async function runDemo(
  store: Store,
  service: ComplianceService,
  catalog: Catalog,
  options: DemoOptions,
): Promise<DemoSummary> {
  const say = options.onProgress ?? (() => {});
  const { now } = options;
  const months = options.months ?? 2;
  const from = now - Math.round(months * 30.44) * DAY_MS;
  for (const ban of options.bans) await service.applyBan(ban, { appliedBy: 'appban demo', at: from });

  const universe = new AppUniverse(options.distinctApps ?? 40_000, catalog);
  const earliestStart = Math.min(...options.bans.map((b) => Date.parse(`${b.period.start}T00:00:00Z`)), now);
  const generator = new FleetGenerator(universe, {
    seed: options.seed ?? 2023,
    devices: options.devices ?? 10_000,
    from,
    to: now,
    cadenceDays: 7,
    banStart: earliestStart,
  });
  say(`generating ${generator.shape.devices} devices with ${months} months of inventories`);
  const devices = [...generator.devices()];
  const used = new Set<number>();
  for (const device of devices)
    for (const snapshot of device.snapshots) for (const id of snapshot.apps) used.add(id);
  const universeIds = [...used].sort((a, b) => a - b);
  const storedIds = await bulkInsertAppIdentities(
    store,
    universeIds.map((id) => {
      const { kind, value } = universe.identity(id);
      return { kind, value };
    }),
  );
  const storeIdOf = new Int32Array(universe.identityCount).fill(-1);
  universeIds.forEach((id, k) => {
    storeIdOf[id] = storedIds[k] as number;
  });
  say(`storing inventories (${universeIds.length} distinct app identities)`);
  const loaded = await bulkLoadDevices(
    store,
    devices.map((d) => toBulkDevice(d, storeIdOf)),
    { source: 'demo', importedAt: now, onProgress: (n) => say(`stored ${n} devices`) },
  );

  // Exceptions as a team would record them: the CCB research lab, and one investigator's phone.
  const exceptions: string[] = [];
  const investigator = devices.find((d) =>
    d.story.banned.some((b) => b.app === 'tiktok' && b.until === Infinity),
  );
  for (const ban of options.bans) {
    const lab = `demo-ccb-research-${ban.id}`;
    await createException(store.db, {
      id: lab,
      banId: ban.id,
      subjects: { group: 'federal/ccb/research' },
      reason: 'security-research',
      approvedBy: 'CCB director (demo)',
      startsAt: from,
      expiresAt: now + 90 * DAY_MS,
      createdAt: from,
    });
    exceptions.push(lab);
    if (investigator) {
      const id = `demo-investigation-${ban.id}`;
      await createException(store.db, {
        id,
        banId: ban.id,
        subjects: { devices: [investigator.serial.toLowerCase()] },
        reason: 'law-enforcement',
        approvedBy: 'Federal prosecutor (demo)',
        startsAt: now - 20 * DAY_MS,
        expiresAt: now + 40 * DAY_MS,
        createdAt: now - 20 * DAY_MS,
      });
      exceptions.push(id);
    }
  }
  say('evaluating the fleet and deriving its history');
  const derived = await service.reevaluate();
  return {
    devices: loaded.devices,
    snapshots: loaded.snapshots,
    snapshotApps: loaded.apps,
    identities: universeIds.length,
    bans: options.bans.map((b) => b.id),
    exceptions,
    historyChanges: derived.changes,
    report: await service.report({ at: now }),
  };
}
