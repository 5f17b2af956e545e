import { StringDecoder } from 'node:string_decoder';
import { AppbanError } from '../../lib/errors.js';

export interface CsvRecord {
  fields: string[];
  /** The line the record starts on (a quoted field may span lines). */
  line: number;
}

const QUOTE = 34;
const COMMA = 44;
const CR = 13;
const LF = 10;
/** A field this long is an unclosed quote swallowing the file, not data. */
const MAX_FIELD_CHARS = 1 << 20;

/**
 * Streams RFC 4180 records: comma-separated, fields optionally in double quotes with `""` for a
 * quote, CRLF or LF line ends (a lone CR too), quoted fields may hold line breaks. Blank lines
 * are skipped. A stray quote or an unclosed quoted field is PARSE_ERROR with its line.
 */
export async function* readCsvRecords(input: NodeJS.ReadableStream, file: string): AsyncGenerator<CsvRecord> {
  const tokenizer = new CsvTokenizer(file);
  const decoder = new StringDecoder('utf8');
  let first = true;
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    let text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (first && text !== '') {
      text = text.replace(/^\uFEFF/, '');
      first = false;
    }
    yield* tokenizer.push(text);
  }
  yield* tokenizer.push(decoder.end());
  const last = tokenizer.finish();
  if (last) yield last;
}

class CsvTokenizer {
  private fields: string[] = [];
  private field = '';
  private state: 'start' | 'unquoted' | 'quoted' | 'closing' = 'start';
  private line = 1;
  private recordLine = 1;
  private quoteLine = 1;
  private quotedInRecord = false;
  private skipLf = false;

  constructor(private readonly file: string) {}

  *push(text: string): Generator<CsvRecord> {
    const n = text.length;
    let i = 0;
    while (i < n) {
      if (this.state === 'quoted') {
        const quote = text.indexOf('"', i);
        const end = quote === -1 ? n : quote;
        this.append(text, i, end, true);
        if (quote === -1) return;
        this.state = 'closing';
        i = quote + 1;
        continue;
      }
      const c = text.charCodeAt(i);
      if (this.skipLf) {
        this.skipLf = false;
        if (c === LF) {
          i++;
          continue;
        }
      }
      if (this.state === 'closing') {
        if (c === QUOTE) {
          this.field += '"';
          this.state = 'quoted';
          i++;
          continue;
        }
        if (c !== COMMA && c !== LF && c !== CR) {
          throw this.error('unexpected character after the closing quote of a field', this.line);
        }
      }
      if (c === COMMA) {
        this.endField();
        i++;
      } else if (c === LF || c === CR) {
        const record = this.endRecord();
        if (c === CR) this.skipLf = true;
        if (record) yield record;
        i++;
      } else if (c === QUOTE) {
        if (this.state !== 'start') {
          throw this.error(
            'a quote inside an unquoted field; quote the whole field and double the quote',
            this.line,
          );
        }
        this.state = 'quoted';
        this.quotedInRecord = true;
        this.quoteLine = this.line;
        i++;
      } else {
        let j = i + 1;
        while (j < n) {
          const d = text.charCodeAt(j);
          if (d === COMMA || d === LF || d === CR || d === QUOTE) break;
          j++;
        }
        this.append(text, i, j, false);
        this.state = 'unquoted';
        i = j;
      }
    }
  }

  finish(): CsvRecord | undefined {
    if (this.state === 'quoted') {
      throw this.error(`the quoted field opened on line ${this.quoteLine} is never closed`, this.quoteLine);
    }
    if (this.state === 'start' && this.fields.length === 0 && !this.quotedInRecord) return undefined;
    return this.endRecord();
  }

  private append(text: string, from: number, to: number, quoted: boolean) {
    if (to <= from) return;
    const part = text.slice(from, to);
    if (quoted) for (let at = part.indexOf('\n'); at !== -1; at = part.indexOf('\n', at + 1)) this.line++;
    this.field += part;
    if (this.field.length > MAX_FIELD_CHARS) {
      const line = quoted ? this.quoteLine : this.line;
      throw this.error('a field is longer than 1 MiB (an unclosed quote?)', line);
    }
  }

  private endField() {
    this.fields.push(this.field);
    this.field = '';
    this.state = 'start';
  }

  private endRecord(): CsvRecord | undefined {
    this.fields.push(this.field);
    const blank = this.fields.length === 1 && this.fields[0] === '' && !this.quotedInRecord;
    const record = { fields: this.fields, line: this.recordLine };
    this.fields = [];
    this.field = '';
    this.state = 'start';
    this.quotedInRecord = false;
    this.line++;
    this.recordLine = this.line;
    return blank ? undefined : record;
  }

  private error(message: string, line: number): AppbanError {
    return new AppbanError('PARSE_ERROR', message, { location: { file: this.file, line } });
  }
}
