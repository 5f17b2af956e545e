/**
 * Dense integer ids for strings, so that a fleet's app identities, groups and holders are stored
 * as int arrays and compared as ints. Ids count from 0 in order of first appearance.
 */
export class Interner {
  private readonly ids = new Map<string, number>();
  private readonly keys: string[] = [];

  intern(key: string): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.keys.length;
      this.ids.set(key, id);
      this.keys.push(key);
    }
    return id;
  }

  find(key: string): number | undefined {
    return this.ids.get(key);
  }

  key(id: number): string {
    const key = this.keys[id];
    if (key === undefined) throw new RangeError(`no interned key has id ${id}`);
    return key;
  }

  get size(): number {
    return this.keys.length;
  }
}

/** The key of an app identity: kind and value, case folded (inventories disagree on case). */
export function appKey(kind: string, value: string): string {
  return `${kind}\u0000${value.trim().toLowerCase()}`;
}

export function splitAppKey(key: string): { kind: string; value: string } {
  const at = key.indexOf('\u0000');
  return { kind: key.slice(0, at), value: key.slice(at + 1) };
}
