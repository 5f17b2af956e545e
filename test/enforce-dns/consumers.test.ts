import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/catalog.loader.js';
import { dnsmasqTarget } from '../../src/enforce/dns/dnsmasq.target.js';
import { rpzSerial, rpzTarget, rpzZoneName } from '../../src/enforce/dns/rpz.target.js';
import { unboundTarget } from '../../src/enforce/dns/unbound.target.js';
import { enforcementContext } from '../../src/enforce/enforce.context.js';
import { makeBan } from '../support/bans.js';
import { maySkipWithout, run, writeArtifact } from './tools.js';

/** The widest DNS ban the catalog allows: every ByteDance domain, publisher infrastructure included. */
const context = enforcementContext(
  makeBan({ targets: [{ publisher: 'bytedance', includeUnconfirmed: true }] }),
  loadCatalog(),
);
const work = mkdtempSync(join(tmpdir(), 'appban-dns-consumers-'));

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe.skipIf(maySkipWithout('named-checkzone', 'named-checkconf'))('rpz zone read by BIND tools', () => {
  const zonePath = writeArtifact(work, rpzTarget.generate(context));
  const zone = rpzZoneName(context.ban.id);

  it('is accepted by named-checkzone with strict name checks', () => {
    const result = run('named-checkzone', ['-k', 'fail', '-i', 'full', zone, zonePath]);
    expect(result.output).toContain(`loaded serial ${rpzSerial(context.revision)}`);
    expect(result.output).toMatch(/^OK$/m);
    expect(result.status).toBe(0);
  });

  it('loads as a response-policy zone in the named.conf the deployment notes describe', () => {
    const conf = join(work, 'named.conf');
    writeFileSync(
      conf,
      [
        `options { directory "${work}"; response-policy { zone "${zone}"; }; };`,
        `zone "${zone}" { type primary; file "${zonePath}"; };`,
        '',
      ].join('\n'),
    );
    const result = run('named-checkconf', ['-z', conf]);
    expect(result.output).toContain(`zone ${zone}/IN: loaded serial ${rpzSerial(context.revision)}`);
    expect(result.status).toBe(0);
  });

  it('named-checkzone rejects a broken zone (the check can fail)', () => {
    const broken = join(work, 'broken.rpz.zone');
    writeFileSync(broken, `${rpzTarget.generate(context).artifacts[0]?.content}tiktok.com CNAME\n`);
    const result = run('named-checkzone', ['-k', 'fail', zone, broken]);
    expect(result.output).toMatch(/unexpected end of input/);
    expect(result.status).not.toBe(0);
  });
});

describe.skipIf(maySkipWithout('unbound-checkconf'))('unbound include read by unbound-checkconf', () => {
  const includePath = writeArtifact(work, unboundTarget.generate(context));
  const baseConfig = ['  username: ""', '  chroot: ""', `  directory: "${work}"`, '  pidfile: ""'];

  it('is accepted when included inside server:', () => {
    const conf = join(work, 'unbound-inside.conf');
    writeFileSync(conf, ['server:', ...baseConfig, `  include: "${includePath}"`, ''].join('\n'));
    const result = run('unbound-checkconf', [conf]);
    expect(result.output).toContain('no errors');
    expect(result.status).toBe(0);
  });

  it('is rejected outside a server: clause, as its header warns', () => {
    const conf = join(work, 'unbound-outside.conf');
    writeFileSync(conf, [`include: "${includePath}"`, 'server:', ...baseConfig, ''].join('\n'));
    const result = run('unbound-checkconf', [conf]);
    expect(result.output).toMatch(/syntax error/);
    expect(result.status).not.toBe(0);
  });
});

describe.skipIf(maySkipWithout('dnsmasq'))('dnsmasq configuration read by dnsmasq --test', () => {
  it('passes the syntax check as the whole configuration', () => {
    const confPath = writeArtifact(work, dnsmasqTarget.generate(context));
    const result = run('dnsmasq', ['--test', `--conf-file=${confPath}`]);
    expect(result.output).toMatch(/syntax check OK/);
    expect(result.status).toBe(0);
  });

  it('fails the syntax check for a broken line (the check can fail)', () => {
    const broken = join(work, 'broken.dnsmasq.conf');
    writeFileSync(
      broken,
      `${dnsmasqTarget.generate(context).artifacts[0]?.content}address=/tiktok.com/not-an-address\n`,
    );
    const result = run('dnsmasq', ['--test', `--conf-file=${broken}`]);
    expect(result.output).toMatch(/Bad address/);
    expect(result.status).not.toBe(0);
  });
});
