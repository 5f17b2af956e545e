import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Files named on the command line, with folders expanded to the files in them (sorted, not hidden). */
export async function expandInputs(inputs: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const input of inputs) {
    const info = await stat(input).catch(() => undefined);
    if (info?.isDirectory()) {
      const names = (await readdir(input)).filter((n) => !n.startsWith('.')).sort();
      for (const name of names) {
        const child = await stat(join(input, name)).catch(() => undefined);
        if (child?.isFile()) files.push(join(input, name));
      }
    } else {
      files.push(input);
    }
  }
  return files;
}
