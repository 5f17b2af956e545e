import type { InventorySnapshot } from '../inventory/snapshot.types.js';
import type { BulkDevice } from '../store/bulk-load.js';
import type { AppUniverse } from './apps.js';
import type { DemoDevice } from './fleet.generator.js';

/** A demo device as the store's bulk loader takes it; `storeIds` maps universe ids to stored ids. */
export function toBulkDevice(device: DemoDevice, storeIds: ArrayLike<number>): BulkDevice {
  const cache = new Map<Uint32Array, Int32Array>();
  return {
    name: device.name,
    holder: device.holder,
    group: device.group,
    ownership: device.ownership,
    platform: device.platform,
    serial: device.serial,
    snapshots: device.snapshots.map((snapshot) => {
      let ids = cache.get(snapshot.apps);
      if (!ids) {
        ids = new Int32Array(snapshot.apps.length);
        for (let k = 0; k < ids.length; k++) ids[k] = storeIds[snapshot.apps[k] as number] as number;
        cache.set(snapshot.apps, ids);
      }
      return { observedAt: snapshot.observedAt, coverage: snapshot.coverage, appIdentityIds: ids };
    }),
  };
}

/** A demo device's inventories as an inventory source would produce them. */
export function toInventorySnapshots(device: DemoDevice, universe: AppUniverse): InventorySnapshot[] {
  return device.snapshots.map((snapshot) => ({
    source: device.source,
    observedAt: new Date(snapshot.observedAt).toISOString(),
    coverage: snapshot.coverage,
    device: {
      sourceDeviceId: `${device.source}-${device.serial}`,
      name: device.name,
      holder: device.holder,
      serial: device.serial,
      platform: device.platform,
      ownership: device.ownership,
      group: device.group,
    },
    apps: Array.from(snapshot.apps, (id) => {
      const identity = universe.identity(id);
      return {
        kind: identity.kind as InventorySnapshot['apps'][number]['kind'],
        value: identity.value,
        name: identity.name,
      };
    }),
  }));
}
