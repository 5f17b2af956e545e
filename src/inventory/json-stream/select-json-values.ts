import { StringDecoder } from 'node:string_decoder';
import { jsonParser } from 'stream-json/parser.js';
import { AppbanError } from '../../lib/errors.js';
import { formatJsonPath } from './json-path.js';
import { type JsonDecide, JsonSelector, type SelectedJsonValue } from './json-selector.js';

/**
 * The tokenizer drops every token of the text it fails on, so the path reached is that of the
 * failing slice's start. Slices this small keep an error's path within a few hundred characters of the
 * fault (the right host, or an entry or two of its software before the fault); measured, they
 * cost no speed.
 */
const SLICE_CHARS = 256;

/**
 * Streams one JSON document and yields the values at the paths `decide` selects, so a list of a
 * hundred thousand hosts is read with one host in memory. Malformed JSON becomes PARSE_ERROR with
 * the JSON path reached; errors of the input stream itself pass through unchanged.
 */
export async function* selectJsonValues(
  input: NodeJS.ReadableStream,
  decide: JsonDecide,
  file: string,
): AsyncGenerator<SelectedJsonValue> {
  const selector = new JsonSelector(decide);
  // The tokenizer itself (not its stream wrapper): tokens come back synchronously per slice, so
  // everything before a failing slice has been read when the error is reported.
  const tokenize = jsonParser({ packValues: true, streamValues: false });
  const decoder = new StringDecoder('utf8');
  let started = false;
  let sawText = false;

  function* feed(text: string): Generator<SelectedJsonValue> {
    if (!sawText && /\S/.test(text)) sawText = true;
    for (let at = 0; at < text.length; at += SLICE_CHARS) {
      let tokens: ReturnType<typeof tokenize>;
      try {
        tokens = tokenize(text.slice(at, at + SLICE_CHARS));
      } catch (error) {
        const path = formatJsonPath(selector.currentPath());
        throw new AppbanError(
          'PARSE_ERROR',
          `not valid JSON near ${path}: ${describeTokenizerError(error)}`,
          {
            cause: error,
            location: { file, path },
          },
        );
      }
      if (typeof tokens === 'symbol') continue;
      for (const token of tokens.values) {
        const selected = selector.push(token);
        if (selected) yield selected;
      }
    }
  }

  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    let text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
    if (!started && text !== '') {
      text = text.replace(/^\uFEFF/, '');
      started = true;
    }
    yield* feed(text);
  }
  // A final line break ends a number standing last, which the tokenizer holds until it sees one.
  yield* feed(`${decoder.end()}\n`);
  if (selector.isInsideValue() || (sawText && !selector.sawRoot())) {
    const path = formatJsonPath(selector.currentPath());
    throw new AppbanError(
      'PARSE_ERROR',
      `not valid JSON near ${path}: the file ends before the JSON value is complete`,
      {
        location: { file, path },
      },
    );
  }
}

function describeTokenizerError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^Parser cannot parse input: /, '').replace(/^Parser has /, '');
}
