import { canonicalJson } from '../bans/ban.revision.js';
import type { Ban } from '../bans/ban.types.js';

/**
 * Dotted paths of the fields in which two ban documents differ. Objects are compared field by field;
 * arrays as a whole, except arrays of objects with an `id` (exceptions), compared by id.
 */
export function diffBanDocuments(before: Ban, after: Ban): string[] {
  const changes: string[] = [];
  diffValue(before, after, '', changes);
  return changes;
}

function diffValue(a: unknown, b: unknown, path: string, out: string[]): void {
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    for (const key of keys) diffValue(a[key], b[key], path ? `${path}.${key}` : key, out);
    return;
  }
  if (Array.isArray(a) && Array.isArray(b) && isIdList(a) && isIdList(b)) {
    const byId = (list: Array<{ id: string }>) => new Map(list.map((item) => [item.id, item]));
    const left = byId(a);
    const right = byId(b);
    const ids = [...new Set([...left.keys(), ...right.keys()])].sort();
    for (const id of ids) diffValue(left.get(id), right.get(id), `${path}[${id}]`, out);
    return;
  }
  if (canonicalJson(a) !== canonicalJson(b)) out.push(path);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIdList(list: unknown[]): list is Array<{ id: string }> {
  return list.length > 0 && list.every((item) => isPlainObject(item) && typeof item.id === 'string');
}
