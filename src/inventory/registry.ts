import { AppbanError } from '../lib/errors.js';
import { amapiSource } from './amapi/amapi.source.js';
import { appleMdmSource } from './apple-mdm/apple-mdm.source.js';
import { csvSource } from './csv/csv.source.js';
import { fleetSource } from './fleet/fleet.source.js';
import { intuneSource } from './intune/intune.source.js';
import { jamfSource } from './jamf/jamf.source.js';
import { osquerySource } from './osquery/osquery.source.js';
import { santaSource } from './santa/santa.source.js';
import type { InventorySource } from './snapshot.types.js';

/** Every inventory source. A new source is one line here. */
export const SOURCES: readonly InventorySource[] = [
  osquerySource,
  fleetSource,
  appleMdmSource,
  amapiSource,
  jamfSource,
  intuneSource,
  santaSource,
  csvSource,
];

export function findSource(name: string): InventorySource {
  const source = SOURCES.find((s) => s.name === name);
  if (!source) {
    throw new AppbanError(
      'UNKNOWN_FORMAT',
      `no inventory format ${name}; choose auto or one of: ${SOURCES.map((s) => s.name).join(', ')}`,
    );
  }
  return source;
}

/** Picks the source most sure of the file; below this score nothing is sure enough. */
export const SNIFF_THRESHOLD = 0.5;

export function sniffSource(head: string, fileName: string): InventorySource | undefined {
  let best: { source: InventorySource; score: number } | undefined;
  for (const source of SOURCES) {
    const score = source.sniff(head, fileName);
    if (score >= SNIFF_THRESHOLD && (!best || score > best.score)) best = { source, score };
  }
  return best?.source;
}
