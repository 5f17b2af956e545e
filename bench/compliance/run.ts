import { execSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { loadBanFile } from '../../src/bans/ban.loader.js';
import type { Ban } from '../../src/bans/ban.types.js';
import { loadCatalog } from '../../src/catalog/catalog.loader.js';
import { fullEvaluationSql } from '../../src/compliance/baseline/full-evaluation.sql.js';
import { createComplianceService } from '../../src/compliance/compliance.service.js';
import { type CompiledBan, compileBan } from '../../src/compliance/engine/compile.js';
import { evaluateDevice } from '../../src/compliance/engine/evaluate.js';
import { evaluateFleet, markBannedApps, scanBannedApps } from '../../src/compliance/engine/fleet.evaluate.js';
import { Fleet } from '../../src/compliance/engine/fleet.js';
import { appKey, Interner } from '../../src/compliance/engine/interner.js';
import { deriveTimeline, type FindingChange } from '../../src/compliance/engine/timeline.js';
import { AppUniverse, FAMILIES } from '../../src/demo/apps.js';
import { toInventorySnapshots } from '../../src/demo/demo.adapters.js';
import { FleetGenerator } from '../../src/demo/fleet.generator.js';
import { Random } from '../../src/demo/random.js';
import { DAY_MS } from '../../src/lib/dates.js';
import { violatingDevicesSql } from '../../src/store/baseline.query.js';
import {
  formatBytes,
  formatMs,
  gc,
  log,
  median,
  percentile,
  ratio,
  repeat,
  rssBytes,
  time,
} from './measure.js';
import { type BenchDatabase, freshStore, loadFleetInto } from './stores.js';

/**
 * The compliance benchmark: the in-memory engine against the same questions asked of SQLite and
 * PostgreSQL, in one run, on fleets from the demo generator.
 *
 *   npx tsx bench/compliance/run.ts [--sizes=100000,1000000] [--sql-sizes=100000,1000000]
 *     [--db=sqlite,postgres] [--history-devices=2000] [--pg=postgres://…] [--out=bench/compliance/RESULTS.md]
 */

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');

interface Options {
  sizes: number[];
  sqlSizes: number[];
  databases: BenchDatabase[];
  pgUrl: string;
  historyDevices: number;
  latencySamples: number;
  out: string;
  seed: number;
}

function parseArgs(argv: readonly string[]): Options {
  const get = (name: string) => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const numbers = (text: string | undefined, fallback: number[]) =>
    text === undefined ? fallback : text.split(',').filter(Boolean).map(Number);
  return {
    sizes: numbers(get('sizes'), [100_000, 1_000_000]),
    sqlSizes: numbers(get('sql-sizes'), [100_000, 1_000_000]),
    databases: (get('db') ?? 'sqlite,postgres').split(',').filter(Boolean) as BenchDatabase[],
    pgUrl: get('pg') ?? process.env.APPBAN_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
    historyDevices: Number(get('history-devices') ?? 2000),
    latencySamples: Number(get('latency-samples') ?? 10_000),
    out: get('out') ?? join(here, 'RESULTS.md'),
    seed: Number(get('seed') ?? 2023),
  };
}

const AT = Date.parse('2023-09-30T12:00:00Z');
const FLEET_FROM = Date.parse('2023-06-01T00:00:00Z');
const YEAR_FROM = Date.parse('2023-01-01T00:00:00Z');
const YEAR_TO = Date.parse('2023-12-31T12:00:00Z');
const EXAMPLES = ['be-federal-tiktok-2023', 'eu-commission-2023', 'us-omb-m-23-13'];

interface FleetRow {
  devices: number;
  buildMs: number;
  bytesPerDevice: number;
  rss: number;
  /** The process's peak resident memory when the engine measurements end (before any database load). */
  peakRss: number;
  appIds: number;
  engineScanMs: number;
  engineIndexedMs: number;
  scanOnlyMs: number;
  counts: string;
  sql: SqlRow[];
}

interface SqlRow {
  database: BenchDatabase;
  loadMs: number;
  rows: number;
  narrowMs: number;
  narrowAgrees: boolean;
  fullMs: number;
  fullRuns: number;
  fullAgrees: boolean;
}

interface LatencyRow {
  label: string;
  samples: number;
  p50: number;
  p99: number;
}

interface HistoryRow {
  database: BenchDatabase;
  devices: number;
  snapshots: number;
  rows: number;
  loadMs: number;
  deriveMs: number;
  historyRows: number;
  reportMs: number[];
  baselineMs: number[];
  agrees: boolean;
  ingest: LatencyRow;
  deviceSql: LatencyRow;
}

async function loadBans(catalog: ReturnType<typeof loadCatalog>): Promise<Ban[]> {
  const bans: Ban[] = [];
  for (const name of EXAMPLES) {
    const result = await loadBanFile(join(root, 'examples', `${name}.yaml`), catalog);
    if (!result.ban)
      throw new Error(`examples/${name}.yaml does not load: ${JSON.stringify(result.problems)}`);
    bans.push(result.ban);
  }
  return bans;
}

function bannedStoreIds(ban: CompiledBan, storeIds: readonly number[]): number[] {
  const ids: number[] = [];
  for (let u = 0; u < Math.min(ban.banned.length, storeIds.length); u++) {
    if (ban.banned[u] !== 0) ids.push(storeIds[u] as number);
  }
  return ids;
}

function countsText(c: {
  inScope: number;
  compliant: number;
  violating: number;
  overdue: number;
  excepted: number;
  unknown: number;
}) {
  return `${c.inScope} in scope: ${c.compliant} compliant, ${c.violating + c.overdue} violating (${c.overdue} overdue), ${c.excepted} excepted, ${c.unknown} unknown`;
}

/** Builds the engine's fleet straight from the generator: ids equal the universe's ids. */
function buildFleet(universe: AppUniverse, generator: FleetGenerator): Fleet {
  const n = generator.shape.devices;
  const fleet = new Fleet({ devices: n, apps: n * 106 + 10_000 });
  for (const identity of universe.identities()) fleet.apps.intern(appKey(identity.kind, identity.value));
  if (fleet.apps.size !== universe.identityCount) throw new Error('the universe has repeated identities');
  for (const device of generator.devices()) {
    const snapshot = device.snapshots.at(-1);
    if (!snapshot) continue;
    fleet.upsert({
      key: device.index + 1,
      name: device.name,
      serial: device.serial,
      holder: device.holder,
      group: device.group,
      ownership: device.ownership,
      platform: device.platform,
      observedAt: snapshot.observedAt,
      fullAt: snapshot.coverage === 'full' ? snapshot.observedAt : Number.NaN,
      snapshotId: device.index + 1,
      apps: snapshot.apps,
    });
  }
  return fleet;
}

async function fleetBenchmark(
  options: Options,
  universe: AppUniverse,
  bans: Ban[],
  catalog: ReturnType<typeof loadCatalog>,
  size: number,
): Promise<{ row: FleetRow; fleet: Fleet; compiled: CompiledBan[] }> {
  const generator = new FleetGenerator(universe, {
    seed: options.seed,
    devices: size,
    from: FLEET_FROM,
    to: AT,
    banStart: Date.parse('2023-03-10T00:00:00Z'),
    mode: 'latest',
  });
  gc();
  const before = rssBytes();
  log(`engine: building a fleet of ${size} devices`);
  const built = await time(() => buildFleet(universe, generator));
  const fleet = built.value;
  gc();
  const after = rssBytes();
  const compiled = bans.map((ban) => compileBan(ban, 1, catalog, fleet.apps));
  const be = compiled[0] as CompiledBan;

  log('engine: whole-fleet evaluation');
  const scan = await repeat(5, () => evaluateFleet(fleet, be, AT));
  const hitsRun = await repeat(3, () => scanBannedApps(fleet, be));
  const hits = hitsRun.value;
  const indexed = await repeat(5, () => evaluateFleet(fleet, be, AT, { hits }));
  const evaluation = scan.value;
  if (indexed.value.counts.inScope !== evaluation.counts.inScope)
    throw new Error('indexed evaluation differs');
  const peakRss = process.resourceUsage().maxRSS * 1024;

  const sqlRows: SqlRow[] = [];
  if (options.sqlSizes.includes(size)) {
    const engineSet: number[] = [];
    for (let i = 0; i < fleet.size; i++)
      if (evaluation.states[i] !== 0 && hits[i] === 1) engineSet.push(fleet.key[i] as number);
    for (const database of options.databases) {
      log(`${database}: loading ${size} devices with the store's bulk loader`);
      const store = await freshStore(database, `fleet_${size}`, options.pgUrl);
      try {
        const { storeIds, report } = await loadFleetInto(store, universe, generator, AT);
        const identityIds = bannedStoreIds(be, storeIds);
        log(`${database}: loaded in ${formatMs(report.ms)}; the store's "violating devices" join`);
        const narrow = await repeat(3, () =>
          violatingDevicesSql(store.db, { at: AT, scope: (bans[0] as Ban).scope, identityIds }),
        );
        log(`${database}: the whole evaluation as one SQL statement`);
        const first = await time(() => fullEvaluationSql(store.db, be, AT, identityIds));
        const fullTimes = [first.ms];
        if (first.ms < 20_000) {
          for (let k = 0; k < 2; k++)
            fullTimes.push((await time(() => fullEvaluationSql(store.db, be, AT, identityIds))).ms);
        }
        const c = evaluation.counts;
        const f = first.value;
        const fullAgrees =
          f.compliant === c.compliant &&
          f.violating === c.violating + c.overdue &&
          f.excepted === c.excepted &&
          f.unknown === c.unknown &&
          f.notInScope === fleet.size - c.inScope;
        sqlRows.push({
          database,
          loadMs: report.ms,
          rows: report.rows,
          narrowMs: median(narrow.ms),
          narrowAgrees: JSON.stringify(narrow.value) === JSON.stringify(engineSet),
          fullMs: median(fullTimes),
          fullRuns: fullTimes.length,
          fullAgrees,
        });
      } finally {
        await store.drop();
      }
    }
  }
  const row: FleetRow = {
    devices: size,
    buildMs: built.ms,
    bytesPerDevice: (after - before) / size,
    rss: after,
    peakRss,
    appIds: fleet.liveApps(),
    engineScanMs: median(scan.ms),
    engineIndexedMs: median(indexed.ms),
    scanOnlyMs: median(hitsRun.ms),
    counts: countsText(evaluation.counts),
    sql: sqlRows,
  };
  return { row, fleet, compiled };
}

/** One inventory arriving for one device, handled in memory: evidence, banned-app index, finding, history. */
function singleDeviceLatency(fleet: Fleet, compiled: CompiledBan[], samples: number): LatencyRow {
  const random = new Random(99);
  const tiktok = fleet.apps.find(appKey('package', 'com.zhiliaoapp.musically')) ?? 0;
  const hits = compiled.map((ban) => scanBannedApps(fleet, ban));
  const durations: number[] = [];
  const t = AT + DAY_MS;
  for (let s = 0; s < samples; s++) {
    const i = random.int(0, fleet.size - 1);
    const current = fleet.appsOf(i);
    const apps = new Uint32Array(current.length + 1);
    apps.set(current);
    apps[current.length] = random.chance(0.05) ? tiktok : (current[0] ?? 0);
    const evidence = fleet.evidence(i);
    const started = performance.now();
    fleet.upsert({
      key: fleet.key[i] as number,
      name: evidence.facts.name,
      serial: fleet.serials[i],
      holder: evidence.facts.holder,
      group: evidence.facts.group,
      ownership: evidence.facts.ownership,
      platform: evidence.facts.platform,
      observedAt: t,
      fullAt: t,
      snapshotId: 1e9 + s,
      apps,
    });
    const now = fleet.evidence(i);
    compiled.forEach((ban, b) => {
      (hits[b] as Uint8Array)[i] = markBannedApps(fleet, ban, i);
      const finding = evaluateDevice(now, ban, t);
      const previous: FindingChange = {
        at: t - 7 * DAY_MS,
        revision: 1,
        from: null,
        to: finding.state,
        since: t - 30 * DAY_MS,
        entered: t - 30 * DAY_MS,
        deadline: null,
        matched: [],
        exceptionId: null,
        reason: 'clean',
        snapshotId: null,
        group: now.facts.group ?? null,
        holder: now.facts.holder ?? null,
        name: now.facts.name ?? null,
        ownership: String(now.facts.ownership),
        platform: String(now.facts.platform),
      };
      deriveTimeline({
        tokens: now.tokens,
        observations: [
          {
            snapshotId: 1e9 + s,
            observedAt: t,
            coverage: 'full',
            facts: now.facts,
            apps: finding.matched.length ? [tiktok] : [],
          },
        ],
        revisions: [{ ban, effectiveFrom: -Infinity }],
        resume: { from: t, previous },
      });
    });
    durations.push(performance.now() - started);
  }
  return {
    label: 'engine, in memory (3 bans)',
    samples,
    p50: percentile(durations, 50),
    p99: percentile(durations, 99),
  };
}

async function historyBenchmark(
  options: Options,
  universe: AppUniverse,
  bans: Ban[],
  catalog: ReturnType<typeof loadCatalog>,
  database: BenchDatabase,
): Promise<HistoryRow> {
  const generator = new FleetGenerator(universe, {
    seed: options.seed + 1,
    devices: options.historyDevices,
    from: YEAR_FROM,
    to: YEAR_TO,
    cadenceDays: 7,
    banStart: Date.parse('2023-03-10T00:00:00Z'),
  });
  const store = await freshStore(database, 'history', options.pgUrl);
  try {
    let clock = YEAR_TO;
    const service = createComplianceService({ db: store.db, catalog, now: () => clock });
    for (const ban of bans) await service.applyBan(ban, { appliedBy: 'bench', at: YEAR_FROM });
    log(`${database}: loading ${options.historyDevices} devices with a year of weekly inventories`);
    const devices = [...generator.devices()];
    const { storeIds, report: load } = await loadFleetInto(
      store.db ? store : store,
      universe,
      generator,
      YEAR_TO,
      devices,
    );
    log(`${database}: deriving the history (3 bans)`);
    const derived = await time(() => service.reevaluate());
    const historyRows = Number(
      (
        await store.db
          .selectFrom('finding_history')
          .select(sql<number>`count(*)`.as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
    log(`${database}: report --at, month by month`);
    const reportMs: number[] = [];
    const baselineMs: number[] = [];
    let agrees = true;
    const apps = new Interner();
    for (const identity of universe.identities()) apps.intern(appKey(identity.kind, identity.value));
    const compiled = bans.map((ban) => compileBan(ban, 1, catalog, apps));
    for (let month = 1; month <= 12; month++) {
      const at = Date.UTC(2023, month, 1) - 1;
      const report = await time(() => service.report({ at }));
      reportMs.push(report.ms);
      const started = performance.now();
      for (const [b, ban] of compiled.entries()) {
        const counts = await fullEvaluationSql(store.db, ban, at, bannedStoreIds(ban, storeIds));
        const mine = report.value.bans.find((x) => x.id === bans[b]?.id)?.counts;
        if (
          !mine ||
          mine.compliant !== counts.compliant ||
          mine.violating + mine.overdue !== counts.violating ||
          mine.excepted !== counts.excepted ||
          mine.unknown !== counts.unknown
        ) {
          agrees = false;
          log(
            `  disagreement at ${new Date(at).toISOString()} for ${ban.banId}: ${JSON.stringify(mine)} vs ${JSON.stringify(counts)}`,
          );
        }
      }
      baselineMs.push(performance.now() - started);
    }

    log(`${database}: single-device re-evaluation through the store`);
    const random = new Random(7);
    const ingestMs: number[] = [];
    const deviceSqlMs: number[] = [];
    const be = compiled[0] as CompiledBan;
    const beIds = bannedStoreIds(be, storeIds);
    for (let k = 0; k < 100; k++) {
      const device = devices[random.int(0, devices.length - 1)];
      if (!device) continue;
      const last = device.snapshots.at(-1);
      if (!last) continue;
      const observedAt = YEAR_TO + (k + 1) * 3_600_000;
      clock = observedAt + 60_000;
      const [snapshot] = toInventorySnapshots({ ...device, snapshots: [{ ...last, observedAt }] }, universe);
      if (!snapshot) continue;
      ingestMs.push((await time(() => service.ingest([snapshot]))).ms);
      const deviceId = device.index + 1;
      deviceSqlMs.push(
        (
          await time(() =>
            sql`select exists (select 1 from snapshot_apps sa where sa.snapshot_id = (
                select s.id from snapshots s where s.device_id = ${deviceId} and s.observed_at <= ${observedAt}
                order by s.observed_at desc, s.id desc limit 1)
              and sa.app_identity_id in (${sql.join(beIds.length ? beIds : [-1])})) as hit`.execute(store.db),
          )
        ).ms,
      );
    }
    return {
      database,
      devices: load.devices,
      snapshots: load.snapshots,
      rows: load.rows,
      loadMs: load.ms,
      deriveMs: derived.ms,
      historyRows,
      reportMs,
      baselineMs,
      agrees,
      ingest: {
        label: `service.ingest, ${database}`,
        samples: ingestMs.length,
        p50: percentile(ingestMs, 50),
        p99: percentile(ingestMs, 99),
      },
      deviceSql: {
        label: `one device's latest inventory joined with the banned ids, ${database}`,
        samples: deviceSqlMs.length,
        p50: percentile(deviceSqlMs, 50),
        p99: percentile(deviceSqlMs, 99),
      },
    };
  } finally {
    await store.drop();
  }
}

function machine(): string {
  const run = (command: string) => {
    try {
      return execSync(command, { encoding: 'utf8' }).trim();
    } catch {
      return 'n/a';
    }
  };
  return [
    `- \`nproc\`: ${run('nproc')}`,
    `- \`free -g\`:\n\n\`\`\`\n${run('free -g')}\n\`\`\``,
    `- node ${process.version}; ${run('psql --version 2>/dev/null | head -1') || 'psql n/a'}; SQLite via better-sqlite3`,
    `- CPU: ${run("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").trim()}`,
  ].join('\n');
}

function markdown(
  options: Options,
  command: string,
  fleets: FleetRow[],
  latency: LatencyRow | undefined,
  history: HistoryRow[],
  maxRss: number,
  totalMs: number,
): string {
  const out: string[] = [];
  out.push('## Compliance engine', '');
  out.push(
    `Command: \`${command}\` (${formatMs(totalMs)} in all, ${new Date().toISOString().slice(0, 10)})`,
    '',
  );
  out.push('Machine:', '', machine(), '');
  out.push(
    'Fleets come from the demo generator (`src/demo/`): 60–150 apps per device drawn from a Zipf popularity over 40,000 made-up apps in five inventory forms (200,000 identities), a few devices per thousand with TikTok, CapCut, Lemon8 or Douyin, federal groups, owned/paid/byod/unknown devices. One inventory per device for the whole-fleet runs. The ban is `examples/be-federal-tiktok-2023.yaml` (TikTok; owned and paid devices under `federal`; one group exception), evaluated at 2023-09-30T12:00Z with a 7-day staleness window.',
    '',
  );
  out.push('### Whole-fleet evaluation', '');
  out.push(
    '| devices | engine: scan every app id | engine: banned-app index kept | SQLite: store join (who has a banned app) | SQLite: whole evaluation in SQL | PostgreSQL: store join | PostgreSQL: whole evaluation in SQL |',
  );
  out.push('| ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const f of fleets) {
    const cell = (db: BenchDatabase, what: 'narrowMs' | 'fullMs') => {
      const s = f.sql.find((x) => x.database === db);
      if (!s) return 'not run';
      const agrees = what === 'narrowMs' ? s.narrowAgrees : s.fullAgrees;
      return `${formatMs(s[what])} (${ratio(s[what], f.engineScanMs)} / ${ratio(s[what], f.engineIndexedMs)})${agrees ? '' : ' **answers differ**'}`;
    };
    out.push(
      `| ${f.devices.toLocaleString('en')} | ${formatMs(f.engineScanMs)} | ${formatMs(f.engineIndexedMs)} | ${cell('sqlite', 'narrowMs')} | ${cell('sqlite', 'fullMs')} | ${cell('postgres', 'narrowMs')} | ${cell('postgres', 'fullMs')} |`,
    );
  }
  out.push('');
  out.push(
    "- In parentheses: the SQL time divided by the engine's, scan / index kept (above 1: the engine is faster).",
    '- *engine: scan every app id*: `evaluateFleet` reading every device\'s app ids against the banned bitmap — what a new ban revision costs. *banned-app index kept*: the same evaluation with the per-ban "holds a banned app" bitmap the engine keeps current as inventories arrive (`scanBannedApps` / `markBannedApps`) — what re-evaluating at another instant costs. Medians of 5 runs after a warm-up.',
    '- *store join*: the store\'s baseline query (`violatingDevicesSql`: in-scope devices whose latest snapshot holds a banned identity), which walks the app-identity index from the few banned ids; it answers a narrower question (no staleness, exceptions, coverage or counts). *whole evaluation in SQL*: `fullEvaluationSql`, the state of every device (scope, group exceptions, staleness, full coverage, banned app in the latest inventory) counted in one statement — the question the engine answers. Medians of 3 runs (1 when a run exceeds 20 s). Both were checked against the engine\'s answer in the run; "answers differ" would say so.',
    '',
  );
  out.push(
    '| devices | build fleet | resident memory after build | peak resident memory so far | memory per device (RSS delta / devices) | app ids held | banned-app scan alone | engine counts |',
  );
  out.push('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const f of fleets) {
    out.push(
      `| ${f.devices.toLocaleString('en')} | ${formatMs(f.buildMs)} | ${formatBytes(f.rss)} | ${formatBytes(f.peakRss)} | ${f.bytesPerDevice.toFixed(0)} B | ${f.appIds.toLocaleString('en')} | ${formatMs(f.scanOnlyMs)} | ${f.counts} |`,
    );
  }
  out.push(
    '',
    `Resident memory is the whole benchmark process (the fleet, 200,000 interned identities, the generator); the peak "so far" is taken when the engine measurements of that size end. The peak of the whole run, database loading included, was ${formatBytes(maxRss)}.`,
    '',
  );
  const loads = fleets.flatMap((f) => f.sql.map((s) => ({ ...s, devices: f.devices })));
  if (loads.length > 0) {
    out.push(
      "Loading the same fleets with the store's bulk loader (setup, not measured against anything):",
      '',
    );
    out.push('| database | devices | app rows | load time | rows/s |', '| --- | ---: | ---: | ---: | ---: |');
    for (const l of loads) {
      out.push(
        `| ${l.database} | ${l.devices.toLocaleString('en')} | ${l.rows.toLocaleString('en')} | ${formatMs(l.loadMs)} | ${Math.round(l.rows / (l.loadMs / 1000)).toLocaleString('en')} |`,
      );
    }
    out.push('');
  }
  const largest = fleets.at(-1);
  if (largest) {
    const full = largest.sql.filter((x) => Number.isFinite(x.fullMs));
    const narrow = largest.sql.filter((x) => Number.isFinite(x.narrowMs));
    const fullRatios = full.map((x) => `${ratio(x.fullMs, largest.engineScanMs)} (${x.database})`).join(', ');
    const narrowRatios = narrow
      .map(
        (x) =>
          `${ratio(x.narrowMs, largest.engineScanMs)} / ${ratio(x.narrowMs, largest.engineIndexedMs)} (${x.database})`,
      )
      .join(', ');
    out.push(`Targets at ${largest.devices.toLocaleString('en')} devices:`, '');
    out.push(
      `- evaluated in at most 2 s: ${largest.engineScanMs <= 2000 ? 'met' : '**missed**'} (${formatMs(largest.engineScanMs)} scanning every app id, ${formatMs(largest.engineIndexedMs)} with the banned-app index kept);`,
      `- at least 20× faster than the same question asked as one SQL statement: ${full.length > 0 && full.every((x) => x.fullMs / largest.engineScanMs >= 20) ? 'met' : '**not met or not measured**'} against the whole evaluation in SQL (${fullRatios || 'not run'}). Against the store's narrower join, which only lists devices holding a banned app through the app-identity index, the full scan is ${narrowRatios ? `${narrowRatios} (scan / index kept)` : 'not measured'}: an index-driven lookup of a handful of rows beats reading 100 million app ids, and the kept index is what makes re-evaluation cheap;`,
      `- at most 1.5 GB resident: ${largest.peakRss <= 1.5e9 ? 'met' : '**missed**'} (${formatBytes(largest.rss)} after building the fleet, ${formatBytes(largest.peakRss)} peak up to the end of the engine measurements, for the whole process).`,
      '',
    );
  }
  out.push('### Single-device re-evaluation', '');
  out.push('| path | samples | p50 | p99 |', '| --- | ---: | ---: | ---: |');
  if (latency)
    out.push(
      `| ${latency.label}: new inventory into the columns, banned-app index, finding and history projection per ban, on the ${fleets.at(-1)?.devices.toLocaleString('en')}-device fleet | ${latency.samples} | ${formatMs(latency.p50)} | ${formatMs(latency.p99)} |`,
    );
  for (const h of history) {
    out.push(
      `| ${h.ingest.label}: store the inventory, re-derive that device's history under 3 bans, write findings and history in one transaction | ${h.ingest.samples} | ${formatMs(h.ingest.p50)} | ${formatMs(h.ingest.p99)} |`,
    );
    out.push(
      `| baseline: ${h.deviceSql.label} | ${h.deviceSql.samples} | ${formatMs(h.deviceSql.p50)} | ${formatMs(h.deviceSql.p99)} |`,
    );
  }
  out.push('');
  if (history.length > 0) {
    out.push('### `report --at` over a year of history', '');
    out.push(
      `${options.historyDevices.toLocaleString('en')} devices with weekly inventories through 2023, the three example bans. The report reads the history (last change per device and ban at or before the instant); the baseline asks the whole evaluation of the snapshots as of that instant in SQL (\`fullEvaluationSql\`, once per ban). Twelve instants, one per month end.`,
      '',
    );
    out.push(
      "| database | snapshots (app rows) | load | derive the year's history | history rows | report --at p50 / max | SQL as of the instant p50 / max | report faster | same counts |",
    );
    out.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
    for (const h of history) {
      out.push(
        `| ${h.database} | ${h.snapshots.toLocaleString('en')} (${h.rows.toLocaleString('en')}) | ${formatMs(h.loadMs)} | ${formatMs(h.deriveMs)} | ${h.historyRows.toLocaleString('en')} | ${formatMs(median(h.reportMs))} / ${formatMs(Math.max(...h.reportMs))} | ${formatMs(median(h.baselineMs))} / ${formatMs(Math.max(...h.baselineMs))} | ${ratio(median(h.baselineMs), median(h.reportMs))} | ${h.agrees ? 'yes' : '**no**'} |`,
      );
    }
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const command = `npx tsx bench/compliance/run.ts ${process.argv.slice(2).join(' ')}`.trim();
  const started = performance.now();
  const catalog = loadCatalog();
  const bans = await loadBans(catalog);
  const universe = new AppUniverse(40_000, catalog);
  if (FAMILIES.length * 40_000 > universe.identityCount) throw new Error('universe too small');

  const fleets: FleetRow[] = [];
  let last: { fleet: Fleet; compiled: CompiledBan[] } | undefined;
  for (const size of [...options.sizes].sort((a, b) => a - b)) {
    last = undefined;
    gc();
    const result = await fleetBenchmark(options, universe, bans, catalog, size);
    fleets.push(result.row);
    log(
      `engine: ${size} devices — scan ${formatMs(result.row.engineScanMs)}, indexed ${formatMs(result.row.engineIndexedMs)}`,
    );
    last = { fleet: result.fleet, compiled: result.compiled };
  }
  let latency: LatencyRow | undefined;
  if (last) {
    log('engine: single-device re-evaluation');
    latency = singleDeviceLatency(last.fleet, last.compiled, options.latencySamples);
  }
  const maxRss = process.resourceUsage().maxRSS * 1024;
  last = undefined;
  gc();
  const history: HistoryRow[] = [];
  if (options.historyDevices > 0) {
    for (const database of options.databases)
      history.push(await historyBenchmark(options, universe, bans, catalog, database));
  }
  const text = markdown(options, command, fleets, latency, history, maxRss, performance.now() - started);
  mkdirSync(dirname(options.out), { recursive: true });
  writeFileSync(options.out, text);
  process.stdout.write(text);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(2);
});
