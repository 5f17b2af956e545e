import { loadCatalog } from '../catalog/catalog.loader.js';
import type { Catalog } from '../catalog/catalog.types.js';
import { type ComplianceService, createComplianceService } from '../compliance/compliance.service.js';
import { migrateToLatest } from '../store/migrate.js';
import { DEFAULT_DATABASE_URL, openStore, type Store } from '../store/store.js';
import type { GlobalOptions } from './output.js';

/** What every store-backed command needs; the CLI, the server and the tests assemble the same graph. */
export interface AppContext {
  store: Store;
  catalog: Catalog;
  compliance: ComplianceService;
  close(): Promise<void>;
}

export function databaseUrl(options: GlobalOptions): string {
  return options.db ?? process.env.APPBAN_DB ?? DEFAULT_DATABASE_URL;
}

/** Opens the store, brings its schema up to date and wires the services over it. */
export async function openContext(url: string, options: { now?: () => number } = {}): Promise<AppContext> {
  const store = await openStore(url);
  try {
    await migrateToLatest(store.db);
  } catch (error) {
    await store.close();
    throw error;
  }
  const catalog = loadCatalog();
  const compliance = createComplianceService({
    db: store.db,
    catalog,
    ...(options.now ? { now: options.now } : {}),
  });
  return { store, catalog, compliance, close: () => store.close() };
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
