import { type Document, isMap, isPair, isScalar, isSeq, type LineCounter, type Node, type Pair } from 'yaml';

export type FieldPath = readonly (string | number)[];

export interface Position {
  line: number;
  column: number;
}

/** `exceptions[0].expires` from `['exceptions', 0, 'expires']`. */
export function formatPath(path: FieldPath): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out;
}

/**
 * Finds where a field lives in the YAML source. `at: 'key'` points at the key (for unknown
 * fields), `at: 'value'` at the value. A path that does not exist points at the deepest ancestor
 * that does, so "missing field" errors land on the mapping that should hold it.
 */
export function locate(
  doc: Document,
  counter: LineCounter,
  path: FieldPath,
  at: 'key' | 'value' = 'value',
): Position {
  let node: unknown = doc.contents;
  let pair: Pair | undefined;
  let best: { offset: number } | undefined = startOf(node);
  for (const part of path) {
    pair = undefined;
    if (isMap(node)) {
      const found = node.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === part);
      if (!found) break;
      pair = found;
      node = found.value;
      best = startOf(node) ?? startOf(found.key) ?? best;
    } else if (isSeq(node) && typeof part === 'number') {
      const item = node.items[part];
      if (item === undefined) break;
      node = item;
      best = startOf(node) ?? best;
    } else {
      break;
    }
  }
  if (at === 'key' && pair) best = startOf(pair.key) ?? best;
  const offset = best?.offset ?? 0;
  const { line, col } = counter.linePos(offset);
  return { line, column: col };
}

function startOf(node: unknown): { offset: number } | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? { offset: range[0] } : undefined;
}
