/**
 * Load on the check-in endpoint: 100-app inventories posted by a fleet of devices through a real
 * `appban serve` child process on loopback, with a probe that measures how soon a violation carried
 * by a check-in can be read back through the API.
 *
 *   npx tsx bench/server/checkin-load.ts [--duration=20] [--connections=16] [--pool=5000] [--repeat=0.3]
 *     [--warmup=3] [--rate-share=0.5] [--pg | --db=sqlite,postgres] [--pg-url=postgres://…]
 *     [--profile=<dir>] [--out=<file>]
 *
 * Each database gets a fresh store (a temporary SQLite file; with `--pg`, also a PostgreSQL database
 * created from APPBAN_TEST_PG_URL and dropped at the end), the Belgian federal TikTok ban and two
 * tokens made with the CLI. Three measured phases run one after the other on the same server, with
 * the same connections and duration:
 *
 *  - check-in with 100 apps, closed loop (each connection sends its next request when the last is
 *    answered): the sustained rate. Devices come from a pool, checking in for the first time or again
 *    with changes (versions bumped, an app swapped, TikTok installed or removed);
 *  - baseline: the same check-in with `apps: []`, closed loop, from a separate pool. It goes through
 *    the same HTTP, auth, schema, device resolution, transaction, audit event and finding write; only
 *    the app work is missing, so the gap between the two is what the inventory costs. (`GET /health`
 *    would only show Fastify's floor, which says nothing about ingest.)
 *  - check-in with 100 apps, paced at `--rate-share` of the rate the first phase sustained: a
 *    loaded server that is not saturated, as a fleet sized for its server would be.
 *
 * During every phase, every 500 ms a probe posts a violating check-in for a fresh device and polls
 * `GET /api/v1/devices/:id` with an admin token until the TikTok finding shows (`violating`, or
 * `overdue` since this ban's deadline is P0D). In a closed loop the queue is as long as there are
 * connections, so the delay there is about connections / rate and is reported, not asserted; in the
 * paced phase the delay from sending the check-in to reading the finding must stay under 1 s. Any
 * non-2xx answer, connection error or failed probe also makes the script exit 1.
 *
 * `--profile=<dir>` runs the server child with `--cpu-prof` and writes its profile there.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { sql } from 'kysely';
import { openStore } from '../../src/store/store.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const BAN = 'be-federal-tiktok-2023';
const TIKTOK = 'com.zhiliaoapp.musically';
const APPS_PER_DEVICE = 100;
const APP_UNIVERSE = 5000;
const VISIBLE_WITHIN_MS = 1000;

interface Options {
  duration: number;
  warmup: number;
  connections: number;
  pool: number;
  repeat: number;
  probeEveryMs: number;
  rateShare: number;
  databases: Database['kind'][];
  pgUrl: string;
  profileDir: string | undefined;
  out: string | undefined;
}

function parseArgs(argv: readonly string[]): Options {
  const get = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const num = (name: string, fallback: number) => {
    const value = Number(get(name) ?? fallback);
    if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a non-negative number`);
    return value;
  };
  return {
    duration: num('duration', 20),
    warmup: num('warmup', 3),
    connections: num('connections', 16),
    pool: num('pool', 5000),
    repeat: num('repeat', 0.3),
    probeEveryMs: num('probe-every', 500),
    rateShare: num('rate-share', 0.5),
    databases: argv.includes('--pg')
      ? ['sqlite', 'postgres']
      : ((get('db') ?? 'sqlite').split(',').filter(Boolean) as Database['kind'][]),
    pgUrl: get('pg-url') ?? process.env.APPBAN_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    profileDir: get('profile'),
    out: get('out'),
  };
}

// ---------------------------------------------------------------------------------------------
// The fleet: who checks in next, and with what.

interface App {
  kind: 'package';
  value: string;
  name: string;
  version: string;
}

/** Devices of one phase: new ones until the pool is used up, and some already seen coming back. */
class DevicePool {
  private readonly visits: number[] = [];
  constructor(
    private readonly prefix: string,
    private readonly size: number,
    private readonly repeatShare: number,
    private readonly withApps: boolean,
  ) {}

  get devicesSeen(): number {
    return this.visits.length;
  }

  nextBody(): string {
    const seen = this.visits.length;
    const again = seen > 0 && (seen >= this.size || Math.random() < this.repeatShare);
    const index = again ? Math.floor(Math.random() * seen) : seen;
    const visit = again ? (this.visits[index] as number) + 1 : 0;
    this.visits[index] = visit;
    return JSON.stringify(checkinBody(`${this.prefix}-${index}`, index, visit, this.withApps));
  }
}

function checkinBody(id: string, index: number, visit: number, withApps: boolean, tiktok?: boolean) {
  return {
    device: {
      id,
      serial: `SN-${id}`,
      platform: 'android',
      ownership: 'owned',
      group: `federal/finance/${index % 20}`,
      name: `phone-${id}`,
    },
    apps: withApps ? inventory(index, visit, tiktok ?? (index % 20 === 0 && visit % 3 !== 2)) : [],
  };
}

/** 100 distinct apps per device; each later visit bumps a version and swaps one app for another. */
function inventory(index: number, visit: number, tiktok: boolean): App[] {
  const apps: App[] = [];
  for (let slot = 0; slot < APPS_PER_DEVICE; slot++) {
    // 101 is prime to the universe size, so the 100 slots of a device never collide.
    const k = (index * 37 + slot * 101) % APP_UNIVERSE;
    const swapped = visit > 0 && slot === (visit * 7) % APPS_PER_DEVICE;
    const value = swapped ? `com.example.extra${visit % 50}` : `com.example.app${k}`;
    apps.push({
      kind: 'package',
      value,
      name: swapped ? `Extra ${visit % 50}` : `App ${k}`,
      version: slot === visit % APPS_PER_DEVICE ? `2.${visit}.0` : `1.0.${slot}`,
    });
  }
  if (tiktok)
    apps[APPS_PER_DEVICE - 1] = { kind: 'package', value: TIKTOK, name: 'TikTok', version: '30.1.2' };
  return apps;
}

// ---------------------------------------------------------------------------------------------
// Databases, CLI and server.

interface Database {
  kind: 'sqlite' | 'postgres';
  url: string;
  drop(): Promise<void>;
}

function sqliteDatabase(): Database {
  const dir = mkdtempSync(join(tmpdir(), 'appban-load-'));
  return {
    kind: 'sqlite',
    url: `sqlite:${join(dir, 'appban.db')}`,
    drop: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function postgresDatabase(baseUrl: string): Promise<Database> {
  const name = `appban_load_${process.pid}_${Date.now().toString(36)}`;
  const admin = await openStore(baseUrl, { poolSize: 1 });
  try {
    await sql`create database ${sql.id(name)}`.execute(admin.db);
  } finally {
    await admin.close();
  }
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    kind: 'postgres',
    url: url.toString(),
    drop: async () => {
      const cleanup = await openStore(baseUrl, { poolSize: 1 });
      try {
        await sql`drop database if exists ${sql.id(name)} with (force)`.execute(cleanup.db);
      } finally {
        await cleanup.close();
      }
    },
  };
}

function cli(args: readonly string[]): string {
  return execFileSync(process.execPath, [join(root, 'bin', 'appban.js'), ...args], {
    cwd: root,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
}

function createToken(url: string, role: 'ingest' | 'admin'): string {
  const answer = JSON.parse(
    cli(['tokens', 'create', '--name', `load-${role}`, '--role', role, '--json', '--db', url]),
  ) as { token?: unknown };
  if (typeof answer.token !== 'string') throw new Error(`tokens create --role ${role} gave no token`);
  return answer.token;
}

interface Server {
  base: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

async function startServer(url: string, profileDir: string | undefined): Promise<Server> {
  const args = [
    ...(profileDir ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []),
    join(root, 'bin', 'appban.js'),
    'serve',
    '--port',
    '0',
    '--host',
    '127.0.0.1',
    '--db',
    url,
    '--ingest-rate-limit',
    '0',
    '--no-notify',
  ];
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const base = await new Promise<string>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`the server did not start in 30 s:\n${text}`)), 30_000);
    child.stdout?.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const match = /appban is serving .* at (http:\/\/\S+?)\/?\s/.exec(text);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1].replace('//localhost:', '//127.0.0.1:'));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the server exited with ${code} before listening:\n${text}`));
    });
  });
  return {
    base,
    child,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Load and probe.

interface PhaseResult {
  label: string;
  /** Requests per second offered; undefined: as fast as the connections go (closed loop). */
  offered: number | undefined;
  bodyBytes: number;
  requests: number;
  rateMean: number;
  rateP50: number;
  latency: { p50: number; p90: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  timeouts: number;
  devicesSeen: number;
  probe: ProbeSummary;
}

async function runLoad(
  base: string,
  token: string,
  pool: DevicePool,
  seconds: number,
  connections: number,
  overallRate?: number,
): Promise<autocannon.Result> {
  return autocannon({
    url: base,
    connections,
    duration: seconds,
    ...(overallRate === undefined ? {} : { overallRate }),
    requests: [
      {
        method: 'POST',
        path: '/api/v1/checkin',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        setupRequest: (request) => ({ ...request, body: pool.nextBody() }),
      },
    ],
  });
}

interface ProbeSummary {
  samples: number;
  p50: number;
  max: number;
  /** Of that delay: the check-in's own answer (p50 / max). */
  checkinP50: number;
  checkinMax: number;
  failures: string[];
}

const quantile = (values: readonly number[], q: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.round((sorted.length - 1) * q)] ?? Number.NaN;
};

/** Every `everyMs` until stopped: a violating check-in for a new device, then reads until it shows. */
function startProbe(base: string, ingest: string, admin: string, everyMs: number, prefix: string) {
  const delays: number[] = [];
  const answered: number[] = [];
  const failures: string[] = [];
  const running: Promise<void>[] = [];
  let n = 0;
  const one = async (id: string) => {
    const sent = performance.now();
    try {
      const answer = await fetch(`${base}/api/v1/checkin`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ingest}`, 'content-type': 'application/json' },
        body: JSON.stringify(checkinBody(id, 0, 0, true, true)),
      });
      if (!answer.ok) throw new Error(`check-in answered ${answer.status}: ${await answer.text()}`);
      const { deviceId } = (await answer.json()) as { deviceId: number };
      answered.push(performance.now() - sent);
      while (performance.now() - sent < 10_000) {
        const read = await fetch(`${base}/api/v1/devices/${deviceId}`, {
          headers: { authorization: `Bearer ${admin}` },
        });
        if (!read.ok) throw new Error(`GET /devices/${deviceId} answered ${read.status}`);
        const detail = (await read.json()) as { findings: { banId: string; state: string }[] };
        const shown = detail.findings.some(
          (f) => f.banId === BAN && (f.state === 'violating' || f.state === 'overdue'),
        );
        if (shown) {
          delays.push(performance.now() - sent);
          return;
        }
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      throw new Error('the finding did not show within 10 s');
    } catch (error) {
      failures.push(`${id}: ${(error as Error).message}`);
    }
  };
  const timer = setInterval(() => running.push(one(`${prefix}-${n++}`)), everyMs);
  return async (): Promise<ProbeSummary> => {
    clearInterval(timer);
    await Promise.all(running);
    return {
      samples: delays.length,
      p50: quantile(delays, 0.5),
      max: quantile(delays, 1),
      checkinP50: quantile(answered, 0.5),
      checkinMax: quantile(answered, 1),
      failures,
    };
  };
}

async function phase(
  label: string,
  server: Server,
  tokens: { ingest: string; admin: string },
  pool: DevicePool,
  options: Options,
  sampleBody: string,
  offered?: number,
): Promise<PhaseResult> {
  const pace = offered === undefined ? 'as fast as they go' : `${offered} req/s offered`;
  log(`  ${label}: ${options.duration} s, ${options.connections} connections, ${pace}`);
  const stopProbe = startProbe(
    server.base,
    tokens.ingest,
    tokens.admin,
    options.probeEveryMs,
    `probe-${label}`,
  );
  const result = await runLoad(
    server.base,
    tokens.ingest,
    pool,
    options.duration,
    options.connections,
    offered,
  );
  const probe = await stopProbe();
  return {
    label,
    offered,
    bodyBytes: Buffer.byteLength(sampleBody),
    requests: result.requests.total,
    rateMean: result.requests.mean,
    rateP50: result.requests.p50,
    latency: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
    },
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    devicesSeen: pool.devicesSeen,
    probe,
  };
}

// ---------------------------------------------------------------------------------------------
// Totals and report.

type Totals = Record<string, number>;

async function storeTotals(url: string): Promise<Totals> {
  const store = await openStore(url, { poolSize: 1 });
  try {
    const count = async (table: string, where = sql``) => {
      const rows = await sql<{
        n: number | string;
      }>`select count(*) as n from ${sql.table(table)} ${where}`.execute(store.db);
      return Number(rows.rows[0]?.n ?? 0);
    };
    return {
      devices: await count('devices'),
      imports: await count('imports'),
      snapshots: await count('snapshots'),
      'snapshot apps': await count('snapshot_apps'),
      'app identities': await count('app_identities'),
      'findings violating': await count('findings', sql`where ban_id = ${BAN} and state = 'violating'`),
      'findings compliant': await count('findings', sql`where ban_id = ${BAN} and state = 'compliant'`),
      'finding history': await count('finding_history'),
      'audit events': await count('audit_events'),
    };
  } finally {
    await store.close();
  }
}

interface RunResult {
  kind: Database['kind'];
  phases: PhaseResult[];
  totals: Totals;
}

const ms = (value: number) =>
  Number.isNaN(value) ? '–' : `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`;
const int = (value: number) => Math.round(value).toLocaleString('en-US');

function markdown(runs: readonly RunResult[], options: Options): string {
  const lines = [
    `| database | load | requests | req/s mean | req/s p50 | latency p50 | p90 | p99 | max | non-2xx | errors | violation visible p50 / max (probes) | of which the check-in's answer p50 / max |`,
    '| --- | --- | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: | --: |',
  ];
  for (const run of runs) {
    for (const p of run.phases) {
      lines.push(
        `| ${run.kind} | ${p.label} (${int(p.bodyBytes)} B body; ${p.offered === undefined ? 'closed loop' : `${p.offered} req/s offered`}) | ${int(p.requests)} | ${p.rateMean.toFixed(1)} | ${int(p.rateP50)} | ${ms(p.latency.p50)} | ${ms(p.latency.p90)} | ${ms(p.latency.p99)} | ${ms(p.latency.max)} | ${p.non2xx} | ${p.errors} | ${ms(p.probe.p50)} / ${ms(p.probe.max)} (${p.probe.samples}${p.probe.failures.length ? `, ${p.probe.failures.length} failed` : ''}) | ${ms(p.probe.checkinP50)} / ${ms(p.probe.checkinMax)} |`,
      );
    }
  }
  lines.push('');
  for (const run of runs) {
    const [load, baseline] = run.phases;
    if (load && baseline) {
      lines.push(
        `- ${run.kind}: 100 apps per check-in run at ${((load.rateMean / baseline.rateMean) * 100).toFixed(0)}% of the empty check-in's rate; ${int(load.devicesSeen)} devices took ${int(load.requests)} check-ins (${int(load.requests - load.devicesSeen)} again, with changes).`,
      );
    }
  }
  lines.push('');
  const keys = Object.keys(runs[0]?.totals ?? {});
  lines.push(`| store afterwards | ${runs.map((r) => r.kind).join(' | ')} |`);
  lines.push(`| --- | ${runs.map(() => '--:').join(' | ')} |`);
  for (const key of keys) lines.push(`| ${key} | ${runs.map((r) => int(r.totals[key] ?? 0)).join(' | ')} |`);
  lines.push('');
  lines.push(
    `Settings: ${options.duration} s per phase after a ${options.warmup} s warm-up, ${options.connections} connections, a pool of ${int(options.pool)} devices, ${Math.round(options.repeat * 100)}% of check-ins from devices already seen, a probe every ${options.probeEveryMs} ms; the paced phase offers ${Math.round(options.rateShare * 100)}% of the closed-loop rate and is the one held to the 1 s visibility limit.`,
  );
  return `${lines.join('\n')}\n`;
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

// ---------------------------------------------------------------------------------------------

async function benchDatabase(database: Database, options: Options): Promise<RunResult> {
  log(`${database.kind}: ${database.url.replace(/\/\/[^@/]*@/, '//…@')}`);
  cli(['apply', join(root, 'examples', `${BAN}.yaml`), '--db', database.url]);
  const tokens = { ingest: createToken(database.url, 'ingest'), admin: createToken(database.url, 'admin') };
  const server = await startServer(database.url, options.profileDir);
  try {
    if (options.warmup > 0) {
      log(`  warm-up: ${options.warmup} s`);
      const warm = new DevicePool('warm', options.pool, options.repeat, true);
      await runLoad(server.base, tokens.ingest, warm, options.warmup, options.connections);
    }
    const sample = (withApps: boolean) => JSON.stringify(checkinBody('load-1', 1, 0, withApps));
    const saturated = [
      await phase(
        'check-in, 100 apps',
        server,
        tokens,
        new DevicePool('load', options.pool, options.repeat, true),
        options,
        sample(true),
      ),
      await phase(
        'baseline: check-in, no apps',
        server,
        tokens,
        new DevicePool('empty', options.pool, options.repeat, false),
        options,
        sample(false),
      ),
    ];
    const offered = Math.max(1, Math.round((saturated[0]?.rateMean ?? 1) * options.rateShare));
    const paced = await phase(
      'check-in, 100 apps, paced',
      server,
      tokens,
      new DevicePool('paced', options.pool, options.repeat, true),
      options,
      sample(true),
      offered,
    );
    const phases = [...saturated, paced];
    await server.stop();
    return { kind: database.kind, phases, totals: await storeTotals(database.url) };
  } finally {
    await server.stop();
  }
}

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  const runs: RunResult[] = [];
  for (const kind of options.databases) {
    const database = kind === 'sqlite' ? sqliteDatabase() : await postgresDatabase(options.pgUrl);
    try {
      runs.push(await benchDatabase(database, options));
    } finally {
      await database.drop();
    }
  }
  const text = markdown(runs, options);
  process.stdout.write(`\n${text}`);
  if (options.out) writeFileSync(options.out, text);

  const problems: string[] = [];
  for (const run of runs) {
    for (const p of run.phases) {
      const where = `${run.kind}, ${p.label}`;
      if (p.non2xx > 0) problems.push(`${where}: ${p.non2xx} answers were not 2xx`);
      if (p.errors > 0) problems.push(`${where}: ${p.errors} connection errors (${p.timeouts} timeouts)`);
      for (const failure of p.probe.failures) problems.push(`${where}: probe ${failure}`);
      if (p.probe.samples === 0) problems.push(`${where}: no probe completed`);
      if (p.offered !== undefined && !(p.probe.max < VISIBLE_WITHIN_MS)) {
        problems.push(
          `${where}: a violation took ${ms(p.probe.max)} to show (limit ${VISIBLE_WITHIN_MS} ms)`,
        );
      }
    }
  }
  for (const problem of problems) log(`FAIL ${problem}`);
  return problems.length === 0 ? 0 : 1;
}

process.exitCode = await main();
