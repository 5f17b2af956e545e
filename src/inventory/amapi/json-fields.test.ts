import { describe, expect, it } from 'vitest';
import { FieldReader, toIsoInstant, uniqueApps } from './json-fields.js';

describe('toIsoInstant', () => {
  it('reads RFC 3339 with any zone, Jamf zone-less times as UTC, and bare dates', () => {
    expect(toIsoInstant('2023-03-20T08:01:02.345678Z')).toBe('2023-03-20T08:01:02.345Z');
    expect(toIsoInstant('2023-03-20T10:01:02+02:00')).toBe('2023-03-20T08:01:02.000Z');
    expect(toIsoInstant('2023-03-20T10:01:02+0200')).toBe('2023-03-20T08:01:02.000Z');
    expect(toIsoInstant('2018-10-31T18:04:13')).toBe('2018-10-31T18:04:13.000Z');
    expect(toIsoInstant('2018-10-31')).toBe('2018-10-31T00:00:00.000Z');
  });

  it('refuses what is not a real instant', () => {
    for (const text of ['yesterday', '2023-02-30T00:00:00Z', '2023-03-20T25:00:00Z', '1710061200', '']) {
      expect(toIsoInstant(text), text).toBeUndefined();
    }
  });
});

describe('FieldReader', () => {
  const reader = new FieldReader('f.json', '$.devices[0]', {
    name: ' x ',
    count: '12',
    flag: true,
    empty: '',
    nested: { 'odd key': 1 },
    list: [{ a: 1 }, 2],
  });

  it('reads present values and treats empty ones as absent', () => {
    expect(reader.string('name')).toBe('x');
    expect(reader.string('empty')).toBeUndefined();
    expect(reader.number('count')).toBe(12);
    expect(reader.boolean('flag')).toBe(true);
    expect(reader.object('nested')?.path).toBe('$.devices[0].nested');
  });

  it('names the JSON path of a wrong type', () => {
    expect(() => reader.string('flag')).toThrow(
      expect.objectContaining({ location: { file: 'f.json', path: '$.devices[0].flag' } }),
    );
    expect(() => reader.objects('list', 'an item')).toThrow(
      expect.objectContaining({ location: { file: 'f.json', path: '$.devices[0].list[1]' } }),
    );
    expect(() => reader.object('nested')?.string('odd key')).not.toThrow();
    expect(() => new FieldReader('f.json', '$', { 'odd key': [] }).string('odd key')).toThrow(
      expect.objectContaining({ location: { file: 'f.json', path: '$["odd key"]' } }),
    );
  });
});

describe('uniqueApps', () => {
  it('keeps the first entry per kind and value', () => {
    expect(
      uniqueApps([
        { kind: 'package', value: 'a', name: 'first' },
        { kind: 'package', value: 'a', name: 'second' },
        { kind: 'display-name', value: 'a' },
      ]),
    ).toEqual([
      { kind: 'package', value: 'a', name: 'first' },
      { kind: 'display-name', value: 'a' },
    ]);
  });
});
