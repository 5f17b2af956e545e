import { ownershipCode, ownershipName, platformCode, platformName } from './codes.js';
import type { DeviceEvidence } from './evaluate.js';
import { normalizeGroup } from './groups.js';
import { Interner } from './interner.js';

/** One device's newest evidence, as the fleet takes it. App ids come from `fleet.apps`. */
export interface FleetRecord {
  /** The device's id in the store. */
  key: number;
  name?: string | undefined;
  serial?: string | undefined;
  holder?: string | undefined;
  group?: string | undefined;
  ownership: string;
  platform: string;
  observedAt: number;
  fullAt: number;
  snapshotId: number | null;
  apps: ArrayLike<number>;
}

export interface FleetCapacity {
  devices?: number;
  /** Total app ids over all devices. */
  apps?: number;
}

function grown<T extends Float64Array | Int32Array | Uint32Array | Uint8Array>(array: T, size: number): T {
  const next = new (array.constructor as new (n: number) => T)(size);
  next.set(array);
  return next;
}

/**
 * The fleet in columns: one typed array per device fact, device facts interned (groups, holders,
 * ownership and platform codes), and every device's app ids in one Uint32Array addressed by
 * start and length. At ~100 apps a device, a million devices take about 0.5 GB.
 *
 * Replacing a device's apps reuses its slot when they fit and appends otherwise; the abandoned
 * slot is reclaimed by `compact()`.
 */
export class Fleet {
  readonly apps: Interner;
  readonly groups: Interner;
  readonly holders: Interner;
  size = 0;
  key: Float64Array;
  group: Int32Array;
  holder: Int32Array;
  ownership: Uint8Array;
  platform: Uint8Array;
  observedAt: Float64Array;
  fullAt: Float64Array;
  snapshotId: Float64Array;
  appStart: Uint32Array;
  appLength: Uint32Array;
  appCapacity: Uint32Array;
  appData: Uint32Array;
  appUsed = 0;
  names: (string | undefined)[] = [];
  serials: (string | undefined)[] = [];
  private readonly byKey = new Map<number, number>();
  private tokenIndex: Map<string, number[]> | undefined;

  constructor(
    capacity: FleetCapacity = {},
    interners?: { apps?: Interner; groups?: Interner; holders?: Interner },
  ) {
    const devices = Math.max(16, capacity.devices ?? 1024);
    this.apps = interners?.apps ?? new Interner();
    this.groups = interners?.groups ?? new Interner();
    this.holders = interners?.holders ?? new Interner();
    this.key = new Float64Array(devices);
    this.group = new Int32Array(devices);
    this.holder = new Int32Array(devices);
    this.ownership = new Uint8Array(devices);
    this.platform = new Uint8Array(devices);
    this.observedAt = new Float64Array(devices);
    this.fullAt = new Float64Array(devices);
    this.snapshotId = new Float64Array(devices);
    this.appStart = new Uint32Array(devices);
    this.appLength = new Uint32Array(devices);
    this.appCapacity = new Uint32Array(devices);
    this.appData = new Uint32Array(Math.max(1024, capacity.apps ?? devices * 100));
  }

  indexOf(key: number): number | undefined {
    return this.byKey.get(key);
  }

  private reserveDevices(count: number): void {
    if (count <= this.key.length) return;
    const size = Math.max(count, Math.ceil(this.key.length * 1.5));
    this.key = grown(this.key, size);
    this.group = grown(this.group, size);
    this.holder = grown(this.holder, size);
    this.ownership = grown(this.ownership, size);
    this.platform = grown(this.platform, size);
    this.observedAt = grown(this.observedAt, size);
    this.fullAt = grown(this.fullAt, size);
    this.snapshotId = grown(this.snapshotId, size);
    this.appStart = grown(this.appStart, size);
    this.appLength = grown(this.appLength, size);
    this.appCapacity = grown(this.appCapacity, size);
  }

  private reserveApps(count: number): void {
    if (count <= this.appData.length) return;
    if (count > 0xffff_ffff)
      throw new RangeError('the fleet holds more app ids than a Uint32 offset can address');
    this.appData = grown(
      this.appData,
      Math.min(0xffff_ffff, Math.max(count, Math.ceil(this.appData.length * 1.5))),
    );
  }

  /** Adds a device or replaces its evidence; returns its index. */
  upsert(record: FleetRecord): number {
    let i = this.byKey.get(record.key);
    if (i === undefined) {
      i = this.size++;
      this.reserveDevices(this.size);
      this.byKey.set(record.key, i);
      this.key[i] = record.key;
      this.appCapacity[i] = 0;
      this.appLength[i] = 0;
    }
    this.tokenIndex = undefined;
    this.group[i] = record.group === undefined ? -1 : this.groups.intern(normalizeGroup(record.group));
    this.holder[i] = record.holder === undefined ? -1 : this.holders.intern(record.holder);
    this.ownership[i] = ownershipCode(record.ownership);
    this.platform[i] = platformCode(record.platform);
    this.observedAt[i] = record.observedAt;
    this.fullAt[i] = record.fullAt;
    this.snapshotId[i] = record.snapshotId ?? Number.NaN;
    this.names[i] = record.name;
    this.serials[i] = record.serial;
    this.setApps(i, record.apps);
    return i;
  }

  private setApps(i: number, apps: ArrayLike<number>): void {
    const n = apps.length;
    if (n > (this.appCapacity[i] as number)) {
      this.reserveApps(this.appUsed + n);
      this.appStart[i] = this.appUsed;
      this.appCapacity[i] = n;
      this.appUsed += n;
    }
    const start = this.appStart[i] as number;
    for (let k = 0; k < n; k++) this.appData[start + k] = apps[k] as number;
    this.appLength[i] = n;
  }

  appsOf(i: number): Uint32Array {
    const start = this.appStart[i] as number;
    return this.appData.subarray(start, start + (this.appLength[i] as number));
  }

  groupOf(i: number): string | undefined {
    const g = this.group[i] as number;
    return g < 0 ? undefined : this.groups.key(g);
  }

  holderOf(i: number): string | undefined {
    const h = this.holder[i] as number;
    return h < 0 ? undefined : this.holders.key(h);
  }

  /** What an exception's `devices` list can name: the store id, the name and the serial, lower-cased. */
  tokensOf(i: number): string[] {
    const tokens = [String(this.key[i])];
    const name = this.names[i];
    const serial = this.serials[i];
    if (name !== undefined) tokens.push(name.toLowerCase());
    if (serial !== undefined) tokens.push(serial.toLowerCase());
    return tokens;
  }

  /** Device indexes an exception token names; the index is built on first use after a change. */
  devicesNamed(token: string): readonly number[] {
    if (!this.tokenIndex) {
      const index = new Map<string, number[]>();
      for (let i = 0; i < this.size; i++) {
        for (const t of this.tokensOf(i)) {
          const list = index.get(t);
          if (list) list.push(i);
          else index.set(t, [i]);
        }
      }
      this.tokenIndex = index;
    }
    return this.tokenIndex.get(token) ?? [];
  }

  evidence(i: number): DeviceEvidence {
    return {
      tokens: this.tokensOf(i),
      facts: {
        group: this.groupOf(i),
        holder: this.holderOf(i),
        name: this.names[i],
        ownership: ownershipName(this.ownership[i] as number),
        platform: platformName(this.platform[i] as number),
      },
      observedAt: this.observedAt[i] as number,
      fullAt: this.fullAt[i] as number,
      apps: this.appsOf(i),
      snapshotId: Number.isNaN(this.snapshotId[i]) ? null : (this.snapshotId[i] as number),
    };
  }

  /** Packs every device's apps again, dropping slots abandoned by replacements. */
  compact(): void {
    const data = new Uint32Array(Math.max(1024, this.liveApps()));
    let used = 0;
    for (let i = 0; i < this.size; i++) {
      const n = this.appLength[i] as number;
      data.set(this.appsOf(i), used);
      this.appStart[i] = used;
      this.appCapacity[i] = n;
      used += n;
    }
    this.appData = data;
    this.appUsed = used;
  }

  liveApps(): number {
    let total = 0;
    for (let i = 0; i < this.size; i++) total += this.appLength[i] as number;
    return total;
  }
}
