import { stat } from 'node:fs/promises';
import { AppbanError } from '../../lib/errors.js';

/**
 * Plists are parsed as a whole DOM, so their size is capped before parsing; a macOS
 * InstalledApplicationList with system apps is well under 10 MiB.
 */
export const MAX_PLIST_BYTES = 64 * 1024 * 1024;

/** Reads a whole input, refusing it once it passes `maxBytes`. */
export async function readBounded(
  stream: NodeJS.ReadableStream,
  file: string,
  maxBytes: number,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stream) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk as Uint8Array);
    total += bytes.length;
    if (total > maxBytes) {
      throw new AppbanError(
        'INPUT_TOO_LARGE',
        `the file is larger than ${Math.floor(maxBytes / 1048576)} MiB`,
        {
          location: { file },
        },
      );
    }
    chunks.push(bytes);
  }
  return Buffer.concat(chunks, total);
}

/**
 * When the file was last written, as ISO 8601 UTC; undefined when the path is not a readable file
 * (an HTTP upload, say).
 */
export async function fileModifiedAt(path: string): Promise<string | undefined> {
  try {
    const info = await stat(path);
    return info.isFile() ? info.mtime.toISOString() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The observation time for records that carry none of their own: the file's modification time
 * (exports and MDM responses are written when taken), or, for input that is not a file on disk
 * (an HTTP upload), the moment of import, which for a push is when the data arrived.
 */
export async function observedAtFallback(path: string): Promise<string> {
  return (await fileModifiedAt(path)) ?? new Date().toISOString();
}
