import type { SnapshotSink } from '../inventory/ingest.service.js';
import type { InventorySnapshot } from '../inventory/snapshot.types.js';
import type { ComplianceService, IngestResult } from './compliance.service.js';

/**
 * Stores each file's snapshots in one transaction once the whole file has parsed, so a file that
 * fails half-way leaves nothing behind. The file's snapshots are held in memory until then.
 * `results` receives each committed file's summary.
 */
export function complianceSink(
  compliance: ComplianceService,
  options: { sourceLabel?: string | undefined; actor?: string; results?: IngestResult[] } = {},
): SnapshotSink {
  let pending: InventorySnapshot[] = [];
  let file = '';
  let format = '';
  return {
    async begin(path, name) {
      pending = [];
      file = path;
      format = name;
    },
    async add(snapshot) {
      pending.push(snapshot);
    },
    async commit() {
      const result = await compliance.ingest(pending, {
        file,
        format,
        ...(options.sourceLabel === undefined ? {} : { sourceLabel: options.sourceLabel }),
        ...(options.actor === undefined ? {} : { actor: options.actor }),
      });
      options.results?.push(result);
      pending = [];
    },
    async rollback() {
      pending = [];
    },
  };
}
