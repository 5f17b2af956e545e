import { AppbanError } from '../../lib/errors.js';
import type { ObservedApp } from '../snapshot.types.js';
import { childPath } from './json-records.js';

/**
 * Small readers for untyped JSON records shared by the AMAPI, Intune, Jamf and Santa sources.
 * Absent, null and empty values read as undefined; a present value of the wrong type is an error
 * that names its JSON path, never its content (inventories carry tokens such as Jamf's
 * `unlockToken`).
 */
export type JsonObject = Record<string, unknown>;

export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class FieldReader {
  constructor(
    readonly file: string,
    readonly path: string,
    readonly record: JsonObject,
  ) {}

  static of(file: string, path: string, value: unknown, what: string): FieldReader {
    if (!isObject(value)) throw jsonError(file, path, `${what} must be a JSON object`);
    return new FieldReader(file, path, value);
  }

  has(key: string): boolean {
    return this.record[key] !== undefined && this.record[key] !== null;
  }

  string(key: string): string | undefined {
    const value = this.record[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
    if (typeof value !== 'string') throw this.wrongType(key, 'a string');
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed;
  }

  requiredString(key: string): string {
    const value = this.string(key);
    if (value === undefined) throw jsonError(this.file, childPath(this.path, key), `"${key}" is required`);
    return value;
  }

  number(key: string): number | undefined {
    const value = this.record[key];
    if (value === undefined || value === null || value === '') return undefined;
    const number = typeof value === 'string' ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isFinite(number)) throw this.wrongType(key, 'a number');
    return number;
  }

  boolean(key: string): boolean | undefined {
    const value = this.record[key];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'boolean') throw this.wrongType(key, 'true or false');
    return value;
  }

  /** An RFC 3339 timestamp, returned as ISO 8601 UTC. */
  instant(key: string): string | undefined {
    const text = this.string(key);
    if (text === undefined) return undefined;
    const iso = toIsoInstant(text);
    if (iso === undefined) throw this.wrongType(key, 'an RFC 3339 timestamp');
    return iso;
  }

  object(key: string): FieldReader | undefined {
    const value = this.record[key];
    if (value === undefined || value === null) return undefined;
    if (!isObject(value)) throw this.wrongType(key, 'an object');
    return new FieldReader(this.file, childPath(this.path, key), value);
  }

  /** The elements of an array field, each with its path. */
  array(key: string): { value: unknown; path: string }[] | undefined {
    const value = this.record[key];
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) throw this.wrongType(key, 'an array');
    const path = childPath(this.path, key);
    return value.map((item, index) => ({ value: item, path: `${path}[${index}]` }));
  }

  objects(key: string, what: string): FieldReader[] | undefined {
    return this.array(key)?.map(({ value, path }) => FieldReader.of(this.file, path, value, what));
  }

  private wrongType(key: string, expected: string): AppbanError {
    return jsonError(this.file, childPath(this.path, key), `"${key}" must be ${expected}`);
  }
}

export function jsonError(file: string, path: string, message: string): AppbanError {
  return new AppbanError('PARSE_ERROR', `${message} (at ${path})`, { location: { file, path } });
}

/**
 * RFC 3339 with a zone, or Jamf's zone-less `YYYY-MM-DDTHH:MM:SS[.fff]` read as UTC, or a bare
 * date; the result is ISO 8601 UTC. Anything else is undefined.
 */
export function toIsoInstant(text: string): string | undefined {
  const match =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i.exec(
      text.trim(),
    );
  if (!match) return undefined;
  const [, year, month, day, hour = '00', minute = '00', second = '00', fraction = '', zone = 'Z'] = match;
  const normalizedZone = zone.toUpperCase() === 'Z' ? 'Z' : zone.replace(/^([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = Date.parse(
    `${year}-${month}-${day}T${hour}:${minute}:${second}${fraction.slice(0, 4)}${normalizedZone}`,
  );
  if (Number.isNaN(ms)) return undefined;
  const calendar = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (
    calendar.getUTCDate() !== Number(day) ||
    Number(hour) > 23 ||
    Number(minute) > 59 ||
    Number(second) > 60
  ) {
    return undefined;
  }
  return new Date(ms).toISOString();
}

/** Keeps the first entry per kind and value; inventories repeat apps (several users, several paths). */
export function uniqueApps(apps: ObservedApp[]): ObservedApp[] {
  const seen = new Set<string>();
  const unique: ObservedApp[] = [];
  for (const app of apps) {
    const key = `${app.kind}\u0000${app.value}`;
    if (seen.has(key)) continue;
    seen.add(key);
    unique.push(app);
  }
  return unique;
}

/** Builds an ObservedApp without undefined optional fields (exactOptionalPropertyTypes). */
export function observedApp(
  kind: ObservedApp['kind'],
  value: string,
  extra: { name?: string | undefined; version?: string | undefined; publisher?: string | undefined } = {},
): ObservedApp {
  const app: ObservedApp = { kind, value };
  if (extra.name !== undefined) app.name = extra.name;
  if (extra.version !== undefined) app.version = extra.version;
  if (extra.publisher !== undefined) app.publisher = extra.publisher;
  return app;
}
