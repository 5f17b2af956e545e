import { AppbanError } from '../lib/errors.js';

/** Parses a JSON text column; a malformed value is a damaged database, reported without its content. */
export function parseJsonColumn<T>(text: string, table: string, column: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new AppbanError('DATABASE', `The database holds malformed JSON in ${table}.${column}.`, {
      cause: error,
    });
  }
}
