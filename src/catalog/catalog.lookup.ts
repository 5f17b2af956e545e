import type { Catalog, CatalogApp, Publisher } from './catalog.types.js';

const norm = (text: string) => text.trim().toLowerCase();

/** Finds an app or publisher by id, name or alias, ignoring case. */
export function lookup(catalog: Catalog, query: string): CatalogApp | Publisher | undefined {
  const q = norm(query);
  const direct = catalog.apps.get(q) ?? catalog.publishers.get(q);
  if (direct) return direct;
  const named = (entry: CatalogApp | Publisher) =>
    norm(entry.name) === q || entry.aliases.some((alias) => norm(alias) === q);
  return [...catalog.apps.values()].find(named) ?? [...catalog.publishers.values()].find(named);
}

export function isPublisher(entry: CatalogApp | Publisher): entry is Publisher {
  return 'country' in entry;
}

/** The catalog id closest to what was typed, for "did you mean" hints; undefined if nothing is close. */
export function suggestId(
  catalog: Catalog,
  query: string,
  among: 'apps' | 'publishers' | 'all' = 'all',
): string | undefined {
  const q = norm(query);
  const entries: (CatalogApp | Publisher)[] = [];
  if (among !== 'publishers') entries.push(...catalog.apps.values());
  if (among !== 'apps') entries.push(...catalog.publishers.values());
  let best: { id: string; distance: number } | undefined;
  for (const entry of entries) {
    for (const name of [entry.id, entry.name, ...entry.aliases]) {
      const distance = editDistance(q, norm(name));
      if (!best || distance < best.distance) best = { id: entry.id, distance };
    }
  }
  if (!best) return undefined;
  return best.distance <= Math.max(2, Math.floor(q.length / 3)) ? best.id : undefined;
}

/** Levenshtein distance with a single rolling row. */
export function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j] ?? 0;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row[j] = Math.min(above + 1, (row[j - 1] ?? 0) + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return row[b.length] ?? 0;
}
