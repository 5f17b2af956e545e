import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AppbanError } from '../../lib/errors.js';
import { type JsonEvent, type JsonReadOptions, readJsonEvents } from './json-records.js';

function streamOf(text: string | Buffer, chunkSize = 3): Readable {
  const bytes = typeof text === 'string' ? Buffer.from(text) : text;
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
  return Readable.from(chunks);
}

async function events(text: string | Buffer, options: Partial<JsonReadOptions> = {}): Promise<JsonEvent[]> {
  const out: JsonEvent[] = [];
  for await (const event of readJsonEvents(streamOf(text), { file: 'f.json', ...options })) out.push(event);
  return out;
}

async function failure(text: string | Buffer, options: Partial<JsonReadOptions> = {}): Promise<AppbanError> {
  try {
    await events(text, options);
  } catch (error) {
    expect(error).toBeInstanceOf(AppbanError);
    return error as AppbanError;
  }
  throw new Error('expected a PARSE_ERROR');
}

describe('readJsonEvents', () => {
  it('streams the elements of chosen top-level arrays and assembles the rest', async () => {
    const text = '{"devices":[{"name":"a"},{"name":"b","x":[1,{"y":null}]}],"nextPageToken":"t","n":-1.5e1}';
    const result = await events(text, { streamKeys: ['devices'] });
    expect(result).toEqual([
      { type: 'item', document: 0, key: 'devices', index: 0, path: '$.devices[0]', value: { name: 'a' } },
      {
        type: 'item',
        document: 0,
        key: 'devices',
        index: 1,
        path: '$.devices[1]',
        value: { name: 'b', x: [1, { y: null }] },
      },
      {
        type: 'document',
        document: 0,
        path: '$',
        value: { nextPageToken: 't', n: -15 },
        streamed: new Set(['devices']),
      },
    ]);
  });

  it('streams the elements of a top-level array', async () => {
    const result = await events('[true,"x",{"a":[]}]');
    expect(result.map((event) => (event.type === 'item' ? [event.path, event.value] : event.value))).toEqual([
      ['$[0]', true],
      ['$[1]', 'x'],
      ['$[2]', { a: [] }],
      [],
    ]);
  });

  it('assembles an array under a key that is not streamed', async () => {
    const result = await events('{"applicationReports":[{"packageName":"p"}]}', { streamKeys: ['devices'] });
    expect(result).toEqual([
      {
        type: 'document',
        document: 0,
        path: '$',
        value: { applicationReports: [{ packageName: 'p' }] },
        streamed: new Set(),
      },
    ]);
  });

  it('reads several documents, one per line, and numbers them in paths', async () => {
    const result = await events('{"a":1}\n{"events":[{"b":2}]}\n', {
      multipleDocuments: true,
      streamKeys: ['events'],
    });
    expect(result.map((event) => event.path)).toEqual(['$', '(document 2) $.events[0]', '(document 2) $']);
  });

  it('keeps a __proto__ key as data, as JSON.parse does', async () => {
    const [event] = await events('{"__proto__":{"polluted":true}}');
    const value = event?.value as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.hasOwn(value, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('reports truncated input with the JSON path reached', async () => {
    const error = await failure(
      '{"devices":[{"name":"a"},{"name":"b","applicationReports":[{"packageName":"x"',
      {
        streamKeys: ['devices'],
      },
    );
    expect(error.code).toBe('PARSE_ERROR');
    expect(error.location?.file).toBe('f.json');
    expect(error.location?.path).toMatch(/^\$\.devices\[1\]\.applicationReports\[0\]/);
    expect(error.message).toContain('ends before the JSON value is complete');
  });

  it('reports a syntax error with line, column and path', async () => {
    const error = await failure('{\n  "value": [\n    {"id": "1"},\n    {"id": 2,, }\n  ]\n}', {
      streamKeys: ['value'],
    });
    expect(error.location).toEqual({ file: 'f.json', line: 4, column: 14, path: '$.value[1]' });
  });

  it('refuses trailing garbage after a single document', async () => {
    const error = await failure('{"a":1} {"b":2}');
    expect(error.location?.line).toBe(1);
  });

  it('refuses empty input, invalid UTF-8 and absurd nesting', async () => {
    expect((await failure('   ')).message).toContain('ends before');
    expect((await failure(Buffer.from([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x3a, 0x31, 0x7d]))).message).toContain(
      'UTF-8',
    );
    expect((await failure(`${'['.repeat(300)}${']'.repeat(300)}`)).message).toContain('nested');
  });

  it('accepts a byte-order mark and multi-byte characters split across chunks', async () => {
    const result = await events(
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"n":"TikTok – 抖音"}')]),
    );
    expect(result[0]?.value).toEqual({ n: 'TikTok – 抖音' });
  });
});
