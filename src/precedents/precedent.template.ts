import { Document, isMap, isSeq, type YAMLMap } from 'yaml';
import type { Catalog } from '../catalog/catalog.types.js';
import { addDuration, formatCalendarDate, parseCalendarDate, parseDuration } from '../lib/dates.js';
import type { Precedent } from './precedent.loader.js';

/**
 * A ban file modelled on a precedent, with comments that say where each value came from and what
 * to change. The result always passes `appban validate`; a test holds every precedent to that.
 */
export function banFileFromPrecedent(
  precedent: Precedent,
  catalog: Catalog,
  options: { start?: string } = {},
): string {
  const t = precedent.template;
  const start = options.start ?? precedent.announced;
  const startMs = parseCalendarDate(start) ?? parseCalendarDate(precedent.announced) ?? 0;
  const plus = (duration: string) => {
    const parsed = parseDuration(duration);
    return parsed ? formatCalendarDate(addDuration(startMs, parsed)) : start;
  };

  const targets: Record<string, string | boolean>[] = t.publisher
    ? [{ publisher: t.publisher }]
    : precedent.apps.map((app) => ({
        app,
        ...(unconfirmedOnly(catalog, app) ? { include_unconfirmed: true } : {}),
      }));
  if (t.include_successors) targets.push({ app: 'tiktok-family', include_unconfirmed: true });

  const period: Record<string, string> = { start };
  if (t.minimum) period.minimum = t.minimum;
  if (t.review) period.review = plus(t.review);

  const ban = {
    id: `${precedent.id}-ban`,
    title: t.title,
    jurisdiction: precedent.jurisdiction,
    authority: t.authority,
    basis: { summary: t.summary, instrument: precedent.instrument, references: [] as string[] },
    precedent: precedent.id,
    targets,
    scope: {
      ownership: t.ownership,
      groups: { include: [] as string[], exclude: [] as string[] },
      platforms: 'all',
    },
    period,
    removal: { deadline: t.deadline },
    network: t.network,
    exceptions: t.exceptions.map((e) => ({
      id: e.id,
      devices: { group: `exceptions/${e.id}` },
      reason: e.reason,
      approved_by: 'REPLACE: who approves (e.g. the agency head or designee)',
      expires: plus(e.expires_after),
    })),
  };

  const doc = new Document(ban);
  doc.commentBefore = [
    ` Ban file modelled on precedent ${precedent.id}: ${precedent.body}.`,
    ` Announced ${precedent.announced} by ${precedent.announced_by}.`,
    ` Scope then: ${precedent.device_scope}`,
    ` Deadline then: ${precedent.deadline}`,
    ` Duration then: ${precedent.duration}`,
    ` Exceptions then: ${precedent.exceptions}`,
    ` Sources: ${precedent.sources.join('; ')}`,
    ' Review every value for your organisation, then run `appban validate` and `appban apply`.',
  ].join('\n');
  const root = doc.contents;
  if (isMap(root)) {
    comment(
      root,
      'scope',
      ' owned: bought by the organisation; paid: paid for by it; byod: enrolled personal devices',
    );
    comment(root, 'removal', ' ISO 8601 duration after the start (or after a device enters scope)');
    comment(root, 'network', " true: also block the apps' domains on resolvers you run");
    const scope = root.get('scope') as YAMLMap | undefined;
    for (const key of ['groups', 'ownership']) {
      const node = scope?.get(key);
      if (isMap(node) || isSeq(node)) node.flow = true;
    }
    const exceptions = root.get('exceptions');
    if (isSeq(exceptions) && exceptions.items.length > 0) {
      comment(
        root,
        'exceptions',
        ' Replace each devices.group and approved_by with your own; exceptions must expire',
      );
    }
  }
  return doc.toString({ lineWidth: 100 });
}

function comment(map: YAMLMap, key: string, text: string): void {
  const pair = map.items.find((item) => (item.key as { value?: unknown } | null)?.value === key);
  const keyNode = pair?.key as { commentBefore?: string } | undefined;
  if (keyNode) keyNode.commentBefore = text;
}

/** An app whose device identifiers are all unconfirmed (Xiaohongshu today) is enforced only on opt-in. */
function unconfirmedOnly(catalog: Catalog, appId: string): boolean {
  const deviceIds = catalog.apps
    .get(appId)
    ?.identifiers.filter((i) => i.kind !== 'display-name' && i.kind !== 'domain');
  return (
    deviceIds !== undefined && deviceIds.length > 0 && deviceIds.every((i) => i.confidence === 'unconfirmed')
  );
}
