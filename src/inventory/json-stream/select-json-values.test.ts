import { describe, expect, it } from 'vitest';
import { textInput } from '../../../test/inventory-osquery/support.js';
import { AppbanError } from '../../lib/errors.js';
import { formatJsonPath } from './json-path.js';
import type { JsonDecide } from './json-selector.js';
import { selectJsonValues } from './select-json-values.js';

/** Selects `$.items[*]` and `$.single`, skipping everything else. */
const decide: JsonDecide = (path, type) => {
  if (path.length === 0) return type === 'object' ? 'descend' : 'assemble';
  if (path.length === 1 && path[0] === 'items') return type === 'array' ? 'descend' : 'assemble';
  if (path.length === 1 && path[0] === 'single') return 'assemble';
  return path.length === 2 && path[0] === 'items' ? 'assemble' : 'skip';
};

async function select(text: string, chunkBytes = 0) {
  const out: { path: string; value: unknown }[] = [];
  for await (const { path, value } of selectJsonValues(
    textInput(text, 'x.json', chunkBytes).open(),
    decide,
    'x.json',
  )) {
    out.push({ path: formatJsonPath(path), value: JSON.parse(JSON.stringify(value)) });
  }
  return out;
}

describe('selectJsonValues', () => {
  const document = {
    skipped: { deep: [[[{ a: 1 }]]], text: 'x' },
    items: [
      { name: 'é ü 漢字 😀', n: -1.5e3, flags: [true, false, null], nested: { list: [1, [2, [3]]] } },
      'plain',
      42,
      { 'odd key': 1 },
    ],
    single: { ok: true },
  };
  // A literal `__proto__` member cannot be written in an object literal, so it is spliced in.
  const text = JSON.stringify(document).replace(
    '{"odd key":1}',
    '{"__proto__":"stays a member","odd key":1}',
  );

  it('assembles the selected values, equal to JSON.parse, whatever the chunking', async () => {
    const expected = [
      { path: '$.items[0]', value: document.items[0] },
      { path: '$.items[1]', value: 'plain' },
      { path: '$.items[2]', value: 42 },
      { path: '$.items[3]', value: JSON.parse('{"__proto__":"stays a member","odd key":1}') },
      { path: '$.single', value: { ok: true } },
    ];
    const raw = `\uFEFF${text}`;
    for (const chunk of [0, 1, 2, 3, 5, 255, 257]) {
      expect(await select(raw, chunk)).toEqual(expected);
    }
  });

  it('keeps __proto__ an own member rather than a prototype', async () => {
    const [item] = await select('{"items":[{"__proto__":{"polluted":true}}]}');
    const value = item?.value as Record<string, unknown>;
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reports truncation and syntax errors as PARSE_ERROR with the path reached', async () => {
    // Truncation is found after the last token, so its path is exact. A syntax error is found in
    // the slice of a few hundred characters being read, so its path is where that slice began.
    const padding = Array.from({ length: 40 }, (_, i) => `"padding item ${i} ${'x'.repeat(20)}"`).join(',');
    const cases: [string, string | RegExp, RegExp][] = [
      ['{"items":[{"a":1},{"b":', '$.items[1].b', /ends before the JSON value is complete/],
      ['{"items":[1,2', '$.items[1]', /ends before/],
      ['nul', '$', /ends before/],
      [`{"items":[${padding},1,,2]}`, /^\$\.items\[(3[3-9]|40)\]$/, /expected a value/],
      [`{"items":[${padding}],"single":{"a" 1}}`, /^\$\.items\[(3[3-9]|40)\]$|^\$\.single/, /expected ':'/],
      ['{"items":[]} x', '$', /unexpected characters/],
    ];
    for (const [input, path, message] of cases) {
      const error = await select(input).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AppbanError);
      expect((error as AppbanError).code).toBe('PARSE_ERROR');
      expect((error as AppbanError).location?.file).toBe('x.json');
      if (typeof path === 'string') expect((error as AppbanError).location?.path).toBe(path);
      else expect((error as AppbanError).location?.path).toMatch(path);
      expect((error as AppbanError).message).toMatch(message);
    }
  });

  it('lets errors of the input stream through unchanged', async () => {
    const failing = new (await import('node:stream')).Readable({
      read() {
        this.destroy(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' }));
      },
    });
    await expect(async () => {
      for await (const _ of selectJsonValues(failing, decide, 'x.json')) {
        // nothing to read
      }
    }).rejects.toThrow('EIO: i/o error');
  });
});
