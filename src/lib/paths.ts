import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The package root, wherever appban is installed or run from. */
export function packageRoot(): string {
  return root;
}

/** The shipped data: catalog and precedents. */
export function dataDir(): string {
  return join(root, 'data');
}
