import { rowsPerInsert } from './dialect.js';
import type { Executor } from './executor.js';

/** An app as inventories name it: `(bundle-id, com.zhiliaoapp.musically)`. */
export interface AppIdentity {
  kind: string;
  value: string;
}

export interface StoredAppIdentity extends AppIdentity {
  id: number;
}

/** The key of an identity in the maps these functions return. */
export function identityKey(kind: string, value: string): string {
  return `${kind}\u0000${value}`;
}

const LOOKUP_CHUNK = 1000;

/**
 * The ids of identities already stored, keyed by `identityKey`. Identities never stored are absent:
 * nothing is inserted, so this is safe outside a transaction.
 */
export async function findAppIdentityIds(
  db: Executor,
  identities: readonly AppIdentity[],
): Promise<Map<string, number>> {
  const found = new Map<string, number>();
  // One `kind = ? and value in (…)` per kind: an index range both databases plan well, where a
  // list of (kind, value) tuples makes PostgreSQL try each pair in turn.
  const byKind = new Map<string, string[]>();
  for (const { kind, value } of dedupe(identities)) {
    const values = byKind.get(kind) ?? [];
    values.push(value);
    byKind.set(kind, values);
  }
  for (const [kind, values] of byKind) {
    for (let i = 0; i < values.length; i += LOOKUP_CHUNK) {
      const rows = await db
        .selectFrom('app_identities')
        .select(['id', 'value'])
        .where('kind', '=', kind)
        .where('value', 'in', values.slice(i, i + LOOKUP_CHUNK))
        .execute();
      for (const row of rows) found.set(identityKey(kind, row.value), row.id);
    }
  }
  return found;
}

/**
 * The id of every identity, inserting those not yet stored. Call it inside the transaction that
 * stores the snapshots referring to the ids: a rolled-back insert leaves no id behind to cache.
 */
export async function internAppIdentities(
  trx: Executor,
  identities: readonly AppIdentity[],
): Promise<Map<string, number>> {
  const ids = await findAppIdentityIds(trx, identities);
  // Sorted, so that concurrent writers interning overlapping sets take the unique-index locks in one
  // order and cannot deadlock each other.
  const missing = dedupe(identities)
    .filter((identity) => !ids.has(identityKey(identity.kind, identity.value)))
    .sort((a, b) => compare(a.kind, b.kind) || compare(a.value, b.value));
  const chunkSize = rowsPerInsert(trx, 2);
  for (let i = 0; i < missing.length; i += chunkSize) {
    const rows = await trx
      .insertInto('app_identities')
      .values(missing.slice(i, i + chunkSize).map(({ kind, value }) => ({ kind, value })))
      // A concurrent writer may have interned the same identity since the lookup.
      .onConflict((oc) => oc.columns(['kind', 'value']).doNothing())
      .returning(['id', 'kind', 'value'])
      .execute();
    for (const row of rows) ids.set(identityKey(row.kind, row.value), row.id);
  }
  const stillMissing = missing.filter((identity) => !ids.has(identityKey(identity.kind, identity.value)));
  if (stillMissing.length > 0) {
    for (const [key, id] of await findAppIdentityIds(trx, stillMissing)) ids.set(key, id);
  }
  return ids;
}

/** Identities in id order, a page at a time: how the compliance engine builds its index. */
export async function listAppIdentities(
  db: Executor,
  options: { afterId?: number; limit?: number } = {},
): Promise<StoredAppIdentity[]> {
  let query = db
    .selectFrom('app_identities')
    .select(['id', 'kind', 'value'])
    .orderBy('id')
    .limit(options.limit ?? 10_000);
  if (options.afterId !== undefined) query = query.where('id', '>', options.afterId);
  return query.execute();
}

function dedupe(identities: readonly AppIdentity[]): AppIdentity[] {
  const seen = new Map<string, AppIdentity>();
  for (const identity of identities) {
    const key = identityKey(identity.kind, identity.value);
    if (!seen.has(key)) seen.set(key, identity);
  }
  return [...seen.values()];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
