import type { Migration, MigrationProvider } from 'kysely';
import * as initial from './2026_11_29_0001_initial.js';
import * as access from './2026_11_30_0002_access_and_notifications.js';

/**
 * Every migration, by name, in a static table rather than a directory scan, so the same list runs
 * under tsx, from a bundle and in tests. Names sort in the order they must run; never rename one.
 */
export const MIGRATIONS: Readonly<Record<string, Migration>> = {
  '2026_11_29_0001_initial': initial,
  '2026_11_30_0002_access_and_notifications': access,
};

export const staticMigrationProvider: MigrationProvider = {
  getMigrations: async () => ({ ...MIGRATIONS }),
};
