import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { AppbanError } from '../lib/errors.js';
import { dataDir } from '../lib/paths.js';
import {
  type AppIdentifier,
  type Catalog,
  type CatalogApp,
  CONFIDENCES,
  IDENTIFIER_KINDS,
  PLATFORMS,
  type Publisher,
} from './catalog.types.js';

const identifierEntry = z
  .strictObject({
    platform: z.enum([...PLATFORMS, 'any']),
    kind: z.enum(IDENTIFIER_KINDS),
    value: z.string().min(1).optional(),
    values: z.array(z.string().min(1)).min(1).optional(),
    source: z.string().min(1),
    confidence: z.enum(CONFIDENCES),
    note: z.string().optional(),
  })
  .refine((entry) => (entry.value === undefined) !== (entry.values === undefined), {
    message: 'give exactly one of value or values',
  });

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes');

const catalogFile = z.strictObject({
  publisher: z.strictObject({
    id: slug,
    name: z.string().min(1),
    aliases: z.array(z.string()).default([]),
    country: z.string().regex(/^[A-Z]{2}$/),
    parent: slug.optional(),
    source: z.string().min(1),
    identifiers: z.array(identifierEntry).default([]),
  }),
  apps: z.array(
    z.strictObject({
      id: slug,
      name: z.string().min(1),
      aliases: z.array(z.string()).default([]),
      description: z.string().optional(),
      identifiers: z.array(identifierEntry).min(1),
    }),
  ),
});

type IdentifierEntry = z.infer<typeof identifierEntry>;

function expand(entries: IdentifierEntry[]): AppIdentifier[] {
  return entries.flatMap((entry) =>
    (entry.values ?? [entry.value ?? '']).map((value) => {
      const identifier: AppIdentifier = {
        platform: entry.platform,
        kind: entry.kind,
        value,
        source: entry.source,
        confidence: entry.confidence,
      };
      if (entry.note !== undefined) identifier.note = entry.note;
      return identifier;
    }),
  );
}

/** Builds a catalog from parsed catalog files; each file holds one publisher and its apps. */
export function buildCatalog(files: { name: string; content: unknown }[]): Catalog {
  const apps = new Map<string, CatalogApp>();
  const publishers = new Map<string, Publisher>();
  for (const file of files) {
    const parsed = catalogFile.safeParse(file.content);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AppbanError(
        'CATALOG_INVALID',
        `${file.name}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
      );
    }
    const { publisher, apps: fileApps } = parsed.data;
    if (publishers.has(publisher.id)) {
      throw new AppbanError('CATALOG_INVALID', `${file.name}: publisher ${publisher.id} is defined twice`);
    }
    const entry: Publisher = {
      id: publisher.id,
      name: publisher.name,
      aliases: publisher.aliases,
      country: publisher.country,
      source: publisher.source,
      identifiers: expand(publisher.identifiers),
      apps: fileApps.map((app) => app.id),
    };
    if (publisher.parent !== undefined) entry.parent = publisher.parent;
    publishers.set(publisher.id, entry);
    for (const app of fileApps) {
      if (apps.has(app.id) || publishers.has(app.id) || app.id === publisher.id) {
        throw new AppbanError('CATALOG_INVALID', `${file.name}: id ${app.id} is used twice in the catalog`);
      }
      const catalogApp: CatalogApp = {
        id: app.id,
        name: app.name,
        publisher: publisher.id,
        aliases: app.aliases,
        identifiers: expand(app.identifiers),
      };
      if (app.description !== undefined) catalogApp.description = app.description;
      apps.set(app.id, catalogApp);
    }
  }
  return { apps, publishers };
}

let cached: Catalog | undefined;

/** The catalog shipped in `data/catalog/`, read once per process. */
export function loadCatalog(dir = join(dataDir(), 'catalog')): Catalog {
  if (cached && dir === join(dataDir(), 'catalog')) return cached;
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.yaml'))
    .sort()
    .map((name) => ({ name, content: parse(readFileSync(join(dir, name), 'utf8')) as unknown }));
  const catalog = buildCatalog(files);
  if (dir === join(dataDir(), 'catalog')) cached = catalog;
  return catalog;
}
