import { listAppIdentities } from '../store/app-identity.repository.js';
import type { Executor } from '../store/executor.js';
import { loadLatestSnapshots } from '../store/snapshot.repository.js';
import { Fleet } from './engine/fleet.js';
import { appKey } from './engine/interner.js';

export interface LoadedFleet {
  fleet: Fleet;
  /** Store identity id → interned id. */
  identityMap: Int32Array;
}

/**
 * Loads the fleet's newest evidence as of `at` into the in-memory engine: each device's newest
 * inventory and, when that one is partial, the newest full one with it. Device facts are the
 * device rows' (the newest known), so this view is for the present; past days are read from the
 * history. Identities are interned in store-id order, so the engine's ids follow the store's.
 */
export async function loadFleet(
  db: Executor,
  options: { at: number; pageSize?: number },
): Promise<LoadedFleet> {
  const fleet = new Fleet({ devices: 1024 });
  let identityMap = new Int32Array(1024).fill(-1);
  let afterId: number | undefined;
  for (;;) {
    const page = await listAppIdentities(db, {
      limit: 20_000,
      ...(afterId === undefined ? {} : { afterId }),
    });
    if (page.length === 0) break;
    for (const identity of page) {
      if (identity.id >= identityMap.length) {
        const grown = new Int32Array(Math.max(identity.id + 1, identityMap.length * 2)).fill(-1);
        grown.set(identityMap);
        identityMap = grown;
      }
      identityMap[identity.id] = fleet.apps.intern(appKey(identity.kind, identity.value));
    }
    afterId = page.at(-1)?.id;
  }
  const map = identityMap;
  const translate = (ids: ArrayLike<number>): Uint32Array => {
    const out = new Uint32Array(ids.length);
    for (let k = 0; k < ids.length; k++) out[k] = map[ids[k] as number] as number;
    return out;
  };

  const partialOnly: number[] = [];
  for await (const page of loadLatestSnapshots(db, { at: options.at, pageSize: options.pageSize ?? 5000 })) {
    page.devices.forEach((device, i) => {
      const snapshot = page.snapshots[i] ?? null;
      const apps = page.appIds.subarray(page.appOffsets[i] as number, page.appOffsets[i + 1] as number);
      const observedAt = snapshot?.observedAt ?? Number.NaN;
      fleet.upsert({
        key: device.id,
        name: device.name ?? undefined,
        serial: device.serial ?? undefined,
        holder: device.holder ?? undefined,
        group: device.group ?? undefined,
        ownership: device.ownership,
        platform: device.platform,
        observedAt,
        fullAt: snapshot?.coverage === 'full' ? observedAt : Number.NaN,
        snapshotId: snapshot?.id ?? null,
        apps: translate(apps),
      });
      if (snapshot?.coverage === 'partial') partialOnly.push(device.id);
    });
  }
  // A partial newest inventory adds to the newest full one; it does not replace it.
  for await (const page of loadLatestSnapshots(db, {
    at: options.at,
    coverage: 'full',
    deviceIds: partialOnly,
  })) {
    page.devices.forEach((device, i) => {
      const snapshot = page.snapshots[i];
      const index = fleet.indexOf(device.id);
      if (!snapshot || index === undefined) return;
      const full = translate(
        page.appIds.subarray(page.appOffsets[i] as number, page.appOffsets[i + 1] as number),
      );
      const partial = fleet.appsOf(index);
      const merged = new Uint32Array(full.length + partial.length);
      merged.set(full);
      merged.set(partial, full.length);
      const evidence = fleet.evidence(index);
      fleet.upsert({
        key: device.id,
        name: evidence.facts.name,
        serial: fleet.serials[index],
        holder: evidence.facts.holder,
        group: evidence.facts.group,
        ownership: evidence.facts.ownership,
        platform: evidence.facts.platform,
        observedAt: evidence.observedAt,
        fullAt: snapshot.observedAt,
        snapshotId: evidence.snapshotId,
        apps: merged,
      });
    });
  }
  return { fleet, identityMap: map };
}
