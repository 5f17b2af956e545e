import { afterEach, describe, expect, it, vi } from 'vitest';
import { maySkipWithout, tool } from './tools.js';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('tool gating', () => {
  it('lets a suite skip for a missing tool only outside CI', () => {
    vi.stubEnv('CI', '');
    expect(maySkipWithout('appban-no-such-tool')).toBe(true);
    vi.stubEnv('CI', 'true');
    expect(maySkipWithout('appban-no-such-tool')).toBe(false);
  });

  it('fails a test that needs a missing tool, naming the Debian package', () => {
    expect(() => tool('appban-no-such-tool')).toThrow(
      /appban-no-such-tool is not installed: apt-get install/,
    );
  });
});
