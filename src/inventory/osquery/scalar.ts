/**
 * osquery logs every column as a string, or as a number with `--logger_numerics`; inventories
 * written by hand may hold either. Anything else (objects, booleans, null) counts as absent.
 */
export function scalarText(value: unknown): string | undefined {
  if (typeof value === 'string') {
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
