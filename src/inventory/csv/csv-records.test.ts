import { describe, expect, it } from 'vitest';
import { textInput } from '../../../test/inventory-osquery/support.js';
import { AppbanError } from '../../lib/errors.js';
import { type CsvRecord, readCsvRecords } from './csv-records.js';

async function records(text: string, chunkBytes = 0): Promise<CsvRecord[]> {
  const out: CsvRecord[] = [];
  for await (const record of readCsvRecords(textInput(text, 'x.csv', chunkBytes).open(), 'x.csv'))
    out.push(record);
  return out;
}

async function failure(text: string): Promise<AppbanError> {
  const error = await records(text).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppbanError);
  return error as AppbanError;
}

describe('readCsvRecords (RFC 4180)', () => {
  it('reads quoted fields with commas, doubled quotes and line breaks, and counts lines', async () => {
    const text = '\uFEFFa,b,c\r\n"x, y","say ""hi""","two\r\nlines"\r\n\r\nplain,,""\n last,row,"end"';
    const expected = [
      { fields: ['a', 'b', 'c'], line: 1 },
      { fields: ['x, y', 'say "hi"', 'two\r\nlines'], line: 2 },
      { fields: ['plain', '', ''], line: 5 },
      { fields: [' last', 'row', 'end'], line: 6 },
    ];
    for (const chunk of [0, 1, 2, 3, 7]) expect(await records(text, chunk)).toEqual(expected);
  });

  it('treats a trailing comma as an empty last field and a final newline as nothing', async () => {
    expect(await records('a,b\n1,\n')).toEqual([
      { fields: ['a', 'b'], line: 1 },
      { fields: ['1', ''], line: 2 },
    ]);
    expect(await records('a\r\rb\r')).toEqual([
      { fields: ['a'], line: 1 },
      { fields: ['b'], line: 3 },
    ]);
    expect(await records('')).toEqual([]);
    expect(await records('""')).toEqual([{ fields: [''], line: 1 }]);
  });

  it('rejects stray and unclosed quotes with the line', async () => {
    expect((await failure('a,b\nx,y"z\n')).location).toEqual({ file: 'x.csv', line: 2 });
    const unclosed = await failure('a,b\n1,2\n"open,3\n4,5\n');
    expect(unclosed.location).toEqual({ file: 'x.csv', line: 3 });
    expect(unclosed.message).toMatch(/opened on line 3 is never closed/);
    expect((await failure('a,b\n"x"y,2\n')).message).toMatch(/after the closing quote/);
  });
});
