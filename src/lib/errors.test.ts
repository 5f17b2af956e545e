import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AppbanError, ERROR_CATALOGUE } from './errors.js';
import { packageRoot } from './paths.js';

describe('error catalogue', () => {
  it('documents every code in docs/errors.md, and nothing that is not a code', () => {
    const doc = readFileSync(join(packageRoot(), 'docs', 'errors.md'), 'utf8');
    const documented = [...doc.matchAll(/^\| `([A-Z_]+)` \|/gm)].map((m) => m[1]);
    expect(documented.sort()).toEqual(Object.keys(ERROR_CATALOGUE).sort());
  });

  it('formats errors as file:line:col: error CODE: message', () => {
    const error = new AppbanError('BAN_PERIOD_TOO_SHORT', 'too short', {
      location: { file: 'bans/x.yaml', line: 12, column: 5 },
    });
    expect(error.format()).toBe('bans/x.yaml:12:5: error BAN_PERIOD_TOO_SHORT: too short');
    expect(
      new AppbanError('PARSE_ERROR', 'bad', { location: { file: 'a.json', path: '$.hosts[2]' } }).format(),
    ).toBe('a.json:$.hosts[2]: error PARSE_ERROR: bad');
    expect(new AppbanError('USAGE', 'no').format()).toBe('error USAGE: no');
  });
});
