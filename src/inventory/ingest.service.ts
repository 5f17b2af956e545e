import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { PassThrough } from 'node:stream';
import { AppbanError, isAppbanError } from '../lib/errors.js';
import { findSource, sniffSource } from './registry.js';
import type { InventorySnapshot, InventorySource } from './snapshot.types.js';

export interface FileIngestResult {
  path: string;
  format?: string;
  /** Whether the format was recognised from the content (`--format auto`). */
  sniffed: boolean;
  ok: boolean;
  snapshots: number;
  devices: number;
  error?: { code: string; message: string; line?: number; path?: string };
}

/**
 * Where a file's snapshots go. `commit` runs only after the whole file parsed; on any failure
 * `rollback` runs instead, so a file imports completely or not at all.
 */
export interface SnapshotSink {
  begin(file: string, format: string): Promise<void>;
  add(snapshot: InventorySnapshot): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

export interface IngestOptions {
  format: string;
  sourceLabel?: string;
  onProgress?: (file: string, bytesRead: number, totalBytes: number) => void;
}

const HEAD_BYTES = 64 * 1024;

export async function chooseSource(
  path: string,
  format: string,
): Promise<{ source: InventorySource; sniffed: boolean }> {
  if (format !== 'auto') return { source: findSource(format), sniffed: false };
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEAD_BYTES, 0);
    const source = sniffSource(buffer.subarray(0, bytesRead).toString('utf8'), basename(path));
    if (!source) {
      throw new AppbanError('UNKNOWN_FORMAT', `cannot tell the inventory format of ${path}; give --format`, {
        location: { file: path },
      });
    }
    return { source, sniffed: true };
  } finally {
    await handle.close();
  }
}

/** Imports each file on its own: one file's failure never stops the others. */
export async function ingestFiles(
  paths: string[],
  sink: SnapshotSink,
  options: IngestOptions,
): Promise<FileIngestResult[]> {
  const results: FileIngestResult[] = [];
  for (const path of paths) results.push(await ingestFile(path, sink, options));
  return results;
}

async function ingestFile(
  path: string,
  sink: SnapshotSink,
  options: IngestOptions,
): Promise<FileIngestResult> {
  const result: FileIngestResult = { path, sniffed: false, ok: false, snapshots: 0, devices: 0 };
  let begun = false;
  try {
    const info = await stat(path).catch((cause: unknown) => {
      throw new AppbanError('FILE_NOT_FOUND', `cannot read ${path}`, { cause, location: { file: path } });
    });
    if (!info.isFile())
      throw new AppbanError('FILE_NOT_FOUND', `${path} is not a file`, { location: { file: path } });
    const { source, sniffed } = await chooseSource(path, options.format);
    result.format = source.name;
    result.sniffed = sniffed;
    const devices = new Set<string>();
    await sink.begin(path, source.name);
    begun = true;
    const open = () => {
      const counter = new PassThrough();
      let read = 0;
      const stream = createReadStream(path);
      stream.on('data', (chunk) => {
        read += chunk.length;
        options.onProgress?.(path, read, info.size);
      });
      stream.on('error', (error) => counter.destroy(error));
      return stream.pipe(counter);
    };
    const parseOptions = options.sourceLabel === undefined ? {} : { sourceLabel: options.sourceLabel };
    for await (const snapshot of source.parse({ path, open }, parseOptions)) {
      await sink.add(snapshot);
      result.snapshots++;
      devices.add(snapshot.device.sourceDeviceId);
    }
    await sink.commit();
    result.devices = devices.size;
    result.ok = true;
  } catch (error) {
    if (begun) await sink.rollback();
    result.snapshots = 0;
    const appban = isAppbanError(error)
      ? error
      : new AppbanError('PARSE_ERROR', `${path}: ${(error as Error)?.message ?? String(error)}`, {
          cause: error,
        });
    result.error = {
      code: appban.code,
      message: appban.message,
      ...(appban.location?.line !== undefined ? { line: appban.location.line } : {}),
      ...(appban.location?.path !== undefined ? { path: appban.location.path } : {}),
    };
  }
  return result;
}
