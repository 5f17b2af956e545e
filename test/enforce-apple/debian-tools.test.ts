import { afterEach, describe, expect, it } from 'vitest';
import { debianTool } from './debian-tools.js';

describe('debianTool', () => {
  const ci = process.env.CI;
  afterEach(() => {
    if (ci === undefined) delete process.env.CI;
    else process.env.CI = ci;
  });

  it('fails, rather than skips, when a consumer program is missing in CI', () => {
    process.env.CI = 'true';
    expect(() => debianTool('appban-no-such-program', 'no-such-package')).toThrowError(
      /apt-get install no-such-package/,
    );
  });

  it('reports a missing program outside CI so the test can skip', () => {
    delete process.env.CI;
    expect(debianTool('appban-no-such-program', 'no-such-package').available).toBe(false);
  });

  it('finds a program on the PATH and runs it', () => {
    const shell = debianTool('sh', 'dash');
    expect(shell.available).toBe(true);
    expect(shell.run(['-c', 'echo ok'])).toBe('ok\n');
    expect(() => shell.run(['-c', 'echo bad >&2; exit 3'])).toThrowError(/exited 3: bad/);
  });
});
