import { type Expression, type ExpressionBuilder, type SqlBool, sql } from 'kysely';
import type { Database } from '../schema.js';

/** The devices in `group` or below it (`federal` matches `federal/finance`); `group` is normalised. */
export function inGroup(eb: ExpressionBuilder<Database, 'devices'>, group: string): Expression<SqlBool> {
  return eb.or([
    eb('devices.group_path', '=', group),
    eb(eb.fn('substr', ['devices.group_path', eb.lit(1), eb.lit(group.length + 1)]), '=', `${group}/`),
  ]);
}

/** Case-insensitive substring of the device's name, holder or serial. */
export function matchesSearch(
  eb: ExpressionBuilder<Database, 'devices'>,
  search: string,
): Expression<SqlBool> {
  const needle = `%${search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
  return eb.or(
    (['devices.name', 'devices.holder', 'devices.serial'] as const).map(
      (column) => sql<boolean>`lower(${eb.ref(column)}) like ${needle} escape '\\'`,
    ),
  );
}
