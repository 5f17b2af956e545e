import type { Command } from 'commander';
import { loadCatalog } from '../../catalog/catalog.loader.js';
import { isPublisher, lookup, suggestId } from '../../catalog/catalog.lookup.js';
import type { AppIdentifier, Catalog, CatalogApp, Publisher } from '../../catalog/catalog.types.js';
import { AppbanError } from '../../lib/errors.js';
import { EXIT, type GlobalOptions, type Io, printJson } from '../output.js';

export function registerCatalog(program: Command, io: Io, done: (code: number) => void): void {
  const catalog = program.command('catalog').description('the apps and publishers a ban can target');
  catalog
    .command('list')
    .description('every app and publisher with its identifier counts')
    .action((_options: unknown, command: Command) => {
      const { json } = command.optsWithGlobals<GlobalOptions>();
      const data = loadCatalog();
      if (json) {
        printJson(io, {
          apps: [...data.apps.values()].map(presentApp),
          publishers: [...data.publishers.values()].map((p) => presentPublisher(p)),
        });
      } else {
        io.stdout(
          table(
            ['id', 'name', 'publisher', 'identifiers', 'unconfirmed'],
            [...data.apps.values()].map((a) => [
              a.id,
              a.name,
              a.publisher,
              String(a.identifiers.length),
              String(a.identifiers.filter((i) => i.confidence === 'unconfirmed').length),
            ]),
          ),
        );
        io.stdout(`\npublishers: ${[...data.publishers.keys()].join(', ')}\n`);
      }
      done(EXIT.ok);
    });
  catalog
    .command('show')
    .description('one app or publisher with every identifier, its source and confidence')
    .argument('<app-or-publisher>', 'catalog id, name or alias')
    .action((query: string, _options: unknown, command: Command) => {
      const { json } = command.optsWithGlobals<GlobalOptions>();
      const data = loadCatalog();
      const entry = lookup(data, query);
      if (!entry) {
        const hint = suggestId(data, query);
        throw new AppbanError(
          'UNKNOWN_APP_OR_PUBLISHER',
          `the catalog has no app or publisher ${query}${hint ? `; did you mean ${hint}?` : ''}`,
        );
      }
      if (json) printJson(io, isPublisher(entry) ? presentPublisher(entry, data) : presentApp(entry));
      else io.stdout(describe(entry, data));
      done(EXIT.ok);
    });
}

function presentIdentifier(i: AppIdentifier) {
  return {
    platform: i.platform,
    kind: i.kind,
    value: i.value,
    source: i.source,
    confidence: i.confidence,
    ...(i.note ? { note: i.note } : {}),
  };
}

export function presentApp(app: CatalogApp) {
  return {
    id: app.id,
    name: app.name,
    publisher: app.publisher,
    aliases: app.aliases,
    identifiers: app.identifiers.map(presentIdentifier),
  };
}

function presentPublisher(publisher: Publisher, catalog?: Catalog) {
  return {
    id: publisher.id,
    name: publisher.name,
    aliases: publisher.aliases,
    country: publisher.country,
    source: publisher.source,
    apps: catalog
      ? publisher.apps
          .map((id) => catalog.apps.get(id))
          .filter((a) => a !== undefined)
          .map(presentApp)
      : publisher.apps,
    identifiers: publisher.identifiers.map(presentIdentifier),
  };
}

function describe(entry: CatalogApp | Publisher, catalog: Catalog): string {
  const lines = [`${entry.name} (${entry.id})`];
  if (entry.aliases.length) lines.push(`aliases: ${entry.aliases.join(', ')}`);
  if (isPublisher(entry)) {
    lines.push(`country: ${entry.country}`, `apps: ${entry.apps.join(', ')}`);
  } else {
    lines.push(`publisher: ${catalog.publishers.get(entry.publisher)?.name ?? entry.publisher}`);
  }
  lines.push('');
  const rows = entry.identifiers.map((i) => [i.platform, i.kind, i.value, i.confidence, i.source]);
  return `${lines.join('\n')}${table(['platform', 'kind', 'value', 'confidence', 'source'], rows)}`;
}

/** A plain aligned text table; the last column is left unpadded so long sources wrap naturally. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}
