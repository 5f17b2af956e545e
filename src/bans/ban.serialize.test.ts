import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../catalog/catalog.loader.js';
import { loadBanFile, loadBanText } from './ban.loader.js';
import { banToYaml } from './ban.serialize.js';

const catalog = loadCatalog();

describe('banToYaml', () => {
  const examples = readdirSync('examples').filter((f) => f.endsWith('.yaml'));

  it('has examples to round-trip', () => {
    expect(examples.length).toBeGreaterThanOrEqual(3);
  });

  for (const name of examples) {
    it(`writes ${name} back as a ban file that loads to the same ban`, async () => {
      const loaded = await loadBanFile(join('examples', name), catalog);
      expect(loaded.ban).toBeDefined();
      const again = loadBanText(banToYaml(loaded.ban as never), name, catalog);
      expect(again.problems.filter((p) => p.severity === 'error')).toEqual([]);
      expect(again.ban).toEqual(loaded.ban);
    });
  }
});
