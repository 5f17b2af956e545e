import { jsonParser, type Token } from 'stream-json/parser.js';
import { jsonVerifier } from 'stream-json/utils/verifier.js';
import { AppbanError } from '../../lib/errors.js';

/**
 * Streams a JSON inventory export without holding it whole: the elements of a top-level array, and
 * of the arrays under chosen top-level keys (`devices`, `value`, `results`...), arrive one by one
 * as `item` events; everything else is assembled into the `document` event that closes each
 * top-level value. Syntax errors carry the exact line and column (from stream-json's verifier,
 * which runs over the same text) and the JSON path reached; the AMAPI, Intune, Jamf, Santa and
 * MDM-webhook readers share it.
 */
export type JsonEvent =
  | {
      type: 'item';
      document: number;
      /** The top-level key whose array holds the element; null for a top-level array. */
      key: string | null;
      index: number;
      path: string;
      value: unknown;
    }
  | {
      type: 'document';
      document: number;
      path: string;
      /** An object without its streamed arrays, a scalar, or `[]` for a top-level array. */
      value: unknown;
      /** Streamed keys that were present as arrays. */
      streamed: ReadonlySet<string>;
    };

export interface JsonReadOptions {
  /** Path shown in errors. */
  file: string;
  /** Top-level keys whose array elements arrive one at a time. */
  streamKeys?: readonly string[];
  /** Several top-level values one after another (JSON Lines, concatenated JSON). */
  multipleDocuments?: boolean;
}

const NONE = Symbol.for('object-stream.none');
const MANY = Symbol.for('object-stream.many');
/** Deeper than any inventory export; the limit keeps hostile nesting from exhausting memory. */
const MAX_DEPTH = 256;

type Role = 'top-object' | 'stream-array' | 'build';

interface ObjectFrame {
  kind: 'object';
  role: Role;
  value: Record<string, unknown>;
  key: string | undefined;
  path: string;
}

interface ArrayFrame {
  kind: 'array';
  role: Role;
  value: unknown[];
  index: number;
  /** The top-level key this array is streamed under, for `stream-array` frames. */
  streamKey: string | null;
  path: string;
}

type Frame = ObjectFrame | ArrayFrame;

export async function* readJsonEvents(
  stream: NodeJS.ReadableStream,
  options: JsonReadOptions,
): AsyncGenerator<JsonEvent> {
  const tokens = new JsonTokenWalker(options);
  const jsonStreaming = options.multipleDocuments === true;
  const parse = jsonParser({ packValues: true, streamValues: false, jsonStreaming }) as unknown as (
    chunk: string | symbol,
  ) => unknown;
  const verify = jsonVerifier({ jsonStreaming }) as unknown as (chunk: string | symbol) => unknown;
  const decoder = new TextDecoder('utf-8', { fatal: true });

  const feed = (text: string | symbol): JsonEvent[] => {
    try {
      verify(text);
    } catch (error) {
      const { line, pos, offset } = error as { line?: number; pos?: number; offset?: number };
      if (typeof text === 'string' && offset !== undefined) {
        // Parse the valid part of the chunk so that the path names where the error is.
        try {
          tokens.consume(parse(text.slice(0, Math.max(0, offset - tokens.charsFed))));
        } catch {}
      }
      const detail =
        text === NONE ? 'the file ends before the JSON value is complete' : (error as Error).message;
      throw syntaxError(options.file, tokens.currentPath(), line, pos, detail);
    }
    try {
      const events = tokens.consume(parse(text));
      if (typeof text === 'string') tokens.charsFed += text.length;
      return events;
    } catch (error) {
      if (error instanceof AppbanError) throw error;
      throw syntaxError(options.file, tokens.currentPath(), undefined, undefined, (error as Error).message);
    }
  };

  let first = true;
  for await (const chunk of stream) {
    let text: string;
    try {
      text = typeof chunk === 'string' ? chunk : decoder.decode(chunk as Uint8Array, { stream: true });
    } catch {
      throw syntaxError(
        options.file,
        tokens.currentPath(),
        undefined,
        undefined,
        'the file is not valid UTF-8',
      );
    }
    if (first && text.length > 0) {
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      first = false;
    }
    if (text.length > 0) yield* feed(text);
  }
  let rest: string;
  try {
    rest = decoder.decode();
  } catch {
    throw syntaxError(
      options.file,
      tokens.currentPath(),
      undefined,
      undefined,
      'the file is not valid UTF-8',
    );
  }
  if (rest.length > 0) yield* feed(rest);
  yield* feed(NONE);
  if (tokens.documents === 0) {
    throw new AppbanError('PARSE_ERROR', 'the file holds no JSON value', {
      location: { file: options.file, line: 1 },
    });
  }
}

/** Folds stream-json tokens into values and events, keeping the JSON path for error messages. */
class JsonTokenWalker {
  documents = 0;
  charsFed = 0;
  private readonly stack: Frame[] = [];
  private readonly streamKeys: ReadonlySet<string>;
  private streamed = new Set<string>();
  private pending: JsonEvent[] = [];

  constructor(private readonly options: JsonReadOptions) {
    this.streamKeys = new Set(options.streamKeys ?? []);
  }

  consume(result: unknown): JsonEvent[] {
    this.pending = [];
    if (result === NONE || result === undefined) return this.pending;
    const list =
      typeof result === 'object' && result !== null && (result as Record<symbol, unknown>)[MANY] === 1
        ? (result as { values: Token[] }).values
        : [result as Token];
    for (const token of list) this.token(token);
    return this.pending;
  }

  currentPath(): string {
    const top = this.stack.at(-1);
    if (!top) return this.documentPrefix(this.documents);
    if (top.kind === 'object') return top.key === undefined ? top.path : childPath(top.path, top.key);
    return `${top.path}[${top.index}]`;
  }

  private documentPrefix(document: number): string {
    return document === 0 ? '$' : `(document ${document + 1}) $`;
  }

  private token(token: Token): void {
    switch (token.name) {
      case 'startObject':
        this.open('object');
        return;
      case 'startArray':
        this.open('array');
        return;
      case 'endObject':
      case 'endArray':
        this.close();
        return;
      case 'keyValue': {
        const top = this.stack.at(-1);
        if (top?.kind === 'object') top.key = token.value;
        return;
      }
      case 'stringValue':
        this.deliver(token.value);
        return;
      case 'numberValue':
        this.deliver(Number(token.value));
        return;
      case 'nullValue':
        this.deliver(null);
        return;
      case 'trueValue':
        this.deliver(true);
        return;
      case 'falseValue':
        this.deliver(false);
        return;
      default:
        return;
    }
  }

  private open(kind: 'object' | 'array'): void {
    if (this.stack.length >= MAX_DEPTH) {
      throw new AppbanError('PARSE_ERROR', `values are nested more than ${MAX_DEPTH} deep`, {
        location: { file: this.options.file, path: this.currentPath() },
      });
    }
    const parent = this.stack.at(-1);
    const path = parent ? this.currentPath() : this.documentPrefix(this.documents);
    let role: Role = 'build';
    let streamKey: string | null = null;
    if (!parent) {
      role = kind === 'object' ? 'top-object' : 'stream-array';
      this.streamed = new Set();
    } else if (parent.role === 'top-object' && kind === 'array' && parent.kind === 'object') {
      const key = parent.key ?? '';
      if (this.streamKeys.has(key)) {
        role = 'stream-array';
        streamKey = key;
        this.streamed.add(key);
      }
    }
    if (kind === 'object') {
      this.stack.push({ kind, role, value: {}, key: undefined, path });
    } else {
      this.stack.push({ kind, role, value: [], index: 0, streamKey, path });
    }
  }

  private close(): void {
    const frame = this.stack.pop();
    if (!frame) return;
    const parent = this.stack.at(-1);
    if (frame.role === 'stream-array' && parent) {
      // A streamed array leaves nothing in its parent object; its elements went out as items.
      if (parent.kind === 'object') parent.key = undefined;
      return;
    }
    this.deliver(frame.value, frame);
  }

  /** Hands a finished value to whatever holds it. */
  private deliver(value: unknown, finished?: Frame): void {
    const parent = this.stack.at(-1);
    if (!parent) {
      const document = this.documents;
      this.documents += 1;
      const path = this.documentPrefix(document);
      const top = finished?.role === 'stream-array' ? [] : value;
      this.pending.push({ type: 'document', document, path, value: top, streamed: this.streamed });
      return;
    }
    if (parent.kind === 'object') {
      setOwn(parent.value, parent.key ?? '', value);
      parent.key = undefined;
      return;
    }
    if (parent.role === 'stream-array') {
      const index = parent.index;
      this.pending.push({
        type: 'item',
        document: this.documents,
        key: parent.streamKey,
        index,
        path: `${parent.path}[${index}]`,
        value,
      });
    } else {
      parent.value.push(value);
    }
    parent.index += 1;
  }
}

/** Like `JSON.parse`, a `__proto__` key becomes an own property, never the prototype. */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}

export function childPath(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function syntaxError(
  file: string,
  path: string,
  line: number | undefined,
  column: number | undefined,
  detail: string,
): AppbanError {
  const reason = detail
    .replace(/^ERROR at \d+ \(\d+, \d+\): /, '')
    .replace(/^(?:Parser|Verifier) (?:cannot parse input: |has )?/, '');
  const location =
    line === undefined
      ? { file, path }
      : column === undefined
        ? { file, line, path }
        : { file, line, column, path };
  return new AppbanError('PARSE_ERROR', `malformed JSON at ${path}: ${reason.slice(0, 200)}`, { location });
}
