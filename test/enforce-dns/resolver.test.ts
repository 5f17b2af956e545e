import { promises as dns } from 'node:dns';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/catalog.loader.js';
import { dnsmasqTarget } from '../../src/enforce/dns/dnsmasq.target.js';
import { rpzTarget, rpzZoneName } from '../../src/enforce/dns/rpz.target.js';
import { unboundTarget } from '../../src/enforce/dns/unbound.target.js';
import { enforcementContext } from '../../src/enforce/enforce.context.js';
import { makeBan } from '../support/bans.js';
import { type Daemon, freePort, maySkipWithout, startDaemon, waitUntil, writeArtifact } from './tools.js';

/**
 * Real resolvers on a loopback port, answering from the generated files. There is no internet, so
 * each resolver is also given local answers (example.org, and www.tiktok.com in the Unbound
 * control): any difference between a blocked and an unblocked run comes from the blocklist.
 */
const context = enforcementContext(makeBan(), loadCatalog());
const work = mkdtempSync(join(tmpdir(), 'appban-dns-resolver-'));
const EXAMPLE_ORG = '192.0.2.1';
const LOCAL_TIKTOK = '192.0.2.2';
const daemons: Daemon[] = [];

afterEach(async () => {
  await Promise.all(daemons.splice(0).map((daemon) => daemon.stop()));
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

function resolverAt(port: number): dns.Resolver {
  const resolver = new dns.Resolver({ timeout: 1_000, tries: 2 });
  resolver.setServers([`127.0.0.1:${port}`]);
  return resolver;
}

/** The error code for a failed lookup, or the addresses for a successful one. */
async function lookup(resolver: dns.Resolver, name: string): Promise<string | string[]> {
  try {
    return await resolver.resolve4(name);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code ?? String(error);
  }
}

async function expectEveryDomainNxdomain(resolver: dns.Resolver): Promise<void> {
  for (const domain of context.domains) {
    for (const name of [domain, `www.${domain}`, `deep.sub.${domain}`]) {
      expect.soft(await lookup(resolver, name), name).toBe('ENOTFOUND');
    }
  }
}

function zoneFile(name: string, records: string[]): string {
  const path = join(work, `${name}.zone`);
  writeFileSync(
    path,
    [
      '$TTL 60',
      '@ IN SOA localhost. hostmaster.localhost. 1 3600 600 86400 60',
      '@ IN NS localhost.',
      ...records,
      '',
    ].join('\n'),
  );
  return path;
}

/** An unprivileged Unbound in the foreground: no chroot, no user switch, no remote control. */
async function startUnbound(
  label: string,
  modules: string,
  extra: { server?: string[]; clauses?: string[] },
) {
  const port = await freePort();
  const conf = join(work, `unbound-${label}.conf`);
  const localZone = (name: string, file: string) => [
    'auth-zone:',
    `  name: "${name}."`,
    `  zonefile: "${file}"`,
    '  for-upstream: yes',
    '  for-downstream: no',
    '  fallback-enabled: no',
  ];
  writeFileSync(
    conf,
    [
      'server:',
      '  interface: 127.0.0.1',
      `  port: ${port}`,
      '  do-daemonize: no',
      '  username: ""',
      '  chroot: ""',
      `  directory: "${work}"`,
      `  pidfile: "${join(work, `unbound-${label}.pid`)}"`,
      '  use-syslog: no',
      '  logfile: ""',
      '  do-ip6: no',
      '  num-threads: 1',
      '  access-control: 127.0.0.0/8 allow',
      `  module-config: "${modules}"`,
      ...(extra.server ?? []),
      ...(extra.clauses ?? []),
      ...localZone('example.org', zoneFile('example.org', [`@ IN A ${EXAMPLE_ORG}`])),
      ...localZone('tiktok.com', zoneFile('tiktok.com', [`www IN A ${LOCAL_TIKTOK}`])),
      'remote-control:',
      '  control-enable: no',
      '',
    ].join('\n'),
  );
  const daemon = startDaemon('unbound', ['-d', '-c', conf]);
  daemons.push(daemon);
  const resolver = resolverAt(port);
  await waitUntil(daemon, () => resolver.resolve4('example.org'));
  return resolver;
}

describe.skipIf(maySkipWithout('unbound'))('Unbound answering with the generated files', () => {
  it('control: without a blocklist, www.tiktok.com resolves to its local answer', async () => {
    const resolver = await startUnbound('control', 'iterator', {});
    expect(await lookup(resolver, 'www.tiktok.com')).toEqual([LOCAL_TIKTOK]);
    expect(await lookup(resolver, 'example.org')).toEqual([EXAMPLE_ORG]);
  });

  it('the unbound include answers NXDOMAIN for every banned domain and its subdomains', async () => {
    const include = writeArtifact(work, unboundTarget.generate(context));
    const resolver = await startUnbound('include', 'iterator', { server: [`  include: "${include}"`] });
    expect(await lookup(resolver, 'www.tiktok.com')).toBe('ENOTFOUND');
    expect(await lookup(resolver, 'example.org')).toEqual([EXAMPLE_ORG]);
    await expectEveryDomainNxdomain(resolver);
  });

  it('the rpz zone answers NXDOMAIN for every banned domain and its subdomains', async () => {
    const zone = writeArtifact(work, rpzTarget.generate(context));
    const resolver = await startUnbound('rpz', 'respip iterator', {
      clauses: ['rpz:', `  name: "${rpzZoneName(context.ban.id)}."`, `  zonefile: "${zone}"`],
    });
    expect(await lookup(resolver, 'www.tiktok.com')).toBe('ENOTFOUND');
    expect(await lookup(resolver, 'example.org')).toEqual([EXAMPLE_ORG]);
    await expectEveryDomainNxdomain(resolver);
  });
});

describe.skipIf(maySkipWithout('dnsmasq'))('dnsmasq answering with the generated file', () => {
  async function startDnsmasq(label: string, confFile: string) {
    const port = await freePort();
    const daemon = startDaemon('dnsmasq', [
      '--keep-in-foreground',
      `--port=${port}`,
      '--listen-address=127.0.0.1',
      '--bind-interfaces',
      '--no-resolv',
      '--no-hosts',
      '--log-facility=-',
      `--pid-file=${join(work, `dnsmasq-${label}.pid`)}`,
      `--conf-file=${confFile}`,
      `--address=/example.org/${EXAMPLE_ORG}`,
    ]);
    daemons.push(daemon);
    const resolver = resolverAt(port);
    await waitUntil(daemon, () => resolver.resolve4('example.org'));
    return resolver;
  }

  it('control: without the blocklist, dnsmasq has no upstream and refuses rather than denying', async () => {
    const resolver = await startDnsmasq('control', '/dev/null');
    expect(await lookup(resolver, 'www.tiktok.com')).toBe('EREFUSED');
    expect(await lookup(resolver, 'example.org')).toEqual([EXAMPLE_ORG]);
  });

  it('answers NXDOMAIN for every banned domain and its subdomains', async () => {
    const resolver = await startDnsmasq('blocked', writeArtifact(work, dnsmasqTarget.generate(context)));
    expect(await lookup(resolver, 'www.tiktok.com')).toBe('ENOTFOUND');
    expect(await lookup(resolver, 'example.org')).toEqual([EXAMPLE_ORG]);
    await expectEveryDomainNxdomain(resolver);
  });
});
