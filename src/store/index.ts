/** The store's public surface: open, migrate, and the repositories (all take an executor first). */
export * from './app-identity.repository.js';
export * from './audit.repository.js';
export * from './ban-revision.diff.js';
export * from './ban-revision.repository.js';
export * from './baseline.query.js';
export * from './bulk-load.js';
export * from './device.repository.js';
export * from './dialect.js';
export * from './exception.repository.js';
export type * from './executor.js';
export * from './finding.repository.js';
export * from './migrate.js';
export * from './schema.js';
export * from './snapshot.repository.js';
export * from './store.js';
