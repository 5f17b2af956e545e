import type { Command } from 'commander';
import { complianceSink } from '../../compliance/store-sink.js';
import { type FileIngestResult, ingestFiles, type SnapshotSink } from '../../inventory/ingest.service.js';
import { expandInputs } from '../../inventory/inputs.js';
import type { InventorySnapshot } from '../../inventory/snapshot.types.js';
import { type Progress, progressBar } from '../../lib/progress.js';
import { databaseUrl, openContext } from '../context.js';
import { EXIT, type GlobalOptions, type Io, printJson } from '../output.js';

interface IngestCliOptions {
  format: string;
  source?: string;
  dryRun?: boolean;
}

export function registerIngest(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('ingest')
    .description('import inventory exports; each file imports completely or not at all')
    .argument('<files...>', 'inventory files or folders of them')
    .option(
      '--format <format>',
      'auto, or a source name (osquery, fleet, apple-mdm, amapi, jamf, intune, santa, csv)',
      'auto',
    )
    .option('--source <label>', 'a label for where the files came from, e.g. fleet-eu')
    .option('--dry-run', 'parse and print the normalized snapshots without storing them')
    .action(async (inputs: string[], options: IngestCliOptions, command: Command) => {
      const files = await expandInputs(inputs);
      const dryRun = Boolean(options.dryRun);
      const printed: { path: string; snapshots: InventorySnapshot[] }[] = [];
      const globals = command.optsWithGlobals<GlobalOptions>();
      const json = Boolean(globals.json);
      const context = dryRun ? undefined : await openContext(databaseUrl(globals));
      const sink = context
        ? complianceSink(context.compliance, { sourceLabel: options.source })
        : collectingSink(printed);
      try {
        let bar: Progress | undefined;
        let barFile = '';
        const results = await ingestFiles(files, sink, {
          format: options.format,
          ...(options.source !== undefined ? { sourceLabel: options.source } : {}),
          onProgress: (file, read, total) => {
            if (file !== barFile) {
              bar?.finish();
              barFile = file;
              bar = progressBar(file, total, { enabled: io.isTTY && !json, write: io.stderr });
            }
            bar?.update(read);
          },
        });
        bar?.finish();
        if (json) {
          printJson(io, {
            dryRun,
            files: results.map((r) => ({
              ...r,
              ...(dryRun && r.ok
                ? { snapshotList: printed.find((p) => p.path === r.path)?.snapshots ?? [] }
                : {}),
            })),
          });
        } else {
          printSummary(io, results, dryRun);
        }
        done(results.every((r) => r.ok) ? EXIT.ok : EXIT.error);
      } finally {
        await context?.close();
      }
    });
}

function printSummary(io: Io, results: FileIngestResult[], dryRun: boolean): void {
  for (const r of results) {
    if (r.ok) {
      io.stdout(
        `${r.path}: ${r.format}${r.sniffed ? ' (recognised)' : ''}: ${r.snapshots} snapshots of ${r.devices} devices ${dryRun ? 'parsed (dry run, nothing stored)' : 'imported'}\n`,
      );
    } else {
      const where =
        r.error?.line !== undefined ? `:${r.error.line}` : r.error?.path ? `:${r.error.path}` : '';
      io.stderr(
        `${r.path}${where}: error ${r.error?.code}: ${r.error?.message} (nothing imported from this file)\n`,
      );
    }
  }
  const failed = results.filter((r) => !r.ok).length;
  io.stdout(
    `${results.length - failed} of ${results.length} files ${dryRun ? 'parsed' : 'imported'}${
      failed
        ? `; failed: ${results
            .filter((r) => !r.ok)
            .map((r) => r.path)
            .join(', ')}`
        : ''
    }\n`,
  );
}

function collectingSink(out: { path: string; snapshots: InventorySnapshot[] }[]): SnapshotSink {
  let current: InventorySnapshot[] = [];
  let path = '';
  return {
    async begin(file) {
      path = file;
      current = [];
    },
    async add(snapshot) {
      current.push(snapshot);
    },
    async commit() {
      out.push({ path, snapshots: current });
    },
    async rollback() {
      current = [];
    },
  };
}
