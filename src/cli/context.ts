import { type AuthService, createAuthService } from '../auth/auth.service.js';
import { loadCatalog } from '../catalog/catalog.loader.js';
import type { Catalog } from '../catalog/catalog.types.js';
import { type ComplianceService, createComplianceService } from '../compliance/compliance.service.js';
import { createExceptionsService, type ExceptionsService } from '../compliance/exceptions.service.js';
import { migrateToLatest } from '../store/migrate.js';
import { DEFAULT_DATABASE_URL, openStore, type Store } from '../store/store.js';
import type { GlobalOptions } from './output.js';

/** What every store-backed command needs; the CLI, the server and the tests assemble the same graph. */
export interface AppContext {
  store: Store;
  catalog: Catalog;
  compliance: ComplianceService;
  exceptions: ExceptionsService;
  auth: AuthService;
  now: () => number;
  close(): Promise<void>;
}

export function databaseUrl(options: GlobalOptions): string {
  return options.db ?? process.env.APPBAN_DB ?? DEFAULT_DATABASE_URL;
}

/** Opens the store, brings its schema up to date and wires the services over it. */
export async function openContext(
  url: string,
  options: { now?: () => number; poolSize?: number } = {},
): Promise<AppContext> {
  const store = await openStore(url, options.poolSize === undefined ? {} : { poolSize: options.poolSize });
  try {
    await migrateToLatest(store.db);
  } catch (error) {
    await store.close();
    throw error;
  }
  return contextFromStore(store, options);
}

/** Wires the services over an open, migrated store; closing the context closes the store. */
export function contextFromStore(store: Store, options: { now?: () => number } = {}): AppContext {
  const catalog = loadCatalog();
  const compliance = createComplianceService({
    db: store.db,
    catalog,
    ...(options.now ? { now: options.now } : {}),
  });
  const now = options.now ?? Date.now;
  const exceptions = createExceptionsService({ db: store.db, compliance, now });
  const auth = createAuthService(store.db, now);
  return { store, catalog, compliance, exceptions, auth, now, close: () => store.close() };
}

/** Runs `work` with an open context and always closes it. */
export async function withContext<T>(
  options: GlobalOptions,
  work: (context: AppContext) => Promise<T>,
): Promise<T> {
  const context = await openContext(databaseUrl(options));
  try {
    return await work(context);
  } finally {
    await context.close();
  }
}
