/**
 * Streams a large differential osquery result log through `osquerySource` and reports throughput
 * and peak memory, next to two baselines over the same file: counting lines with readline, and
 * readline plus JSON.parse of every line (the floor any line-based parser pays).
 *
 *   npx tsx bench/inventory/osquery-stream.ts [sizeMB=200] [--hosts=1000] [--apps=100] [--file=/tmp/x.log]
 *     [--keep] [--heap-mb=N]
 *
 * `--heap-mb` runs the parser a second time with V8's old space capped at N MB: if its memory grew
 * with the file, that run would die of heap exhaustion.
 *
 * The log is generated first (deterministic): every host's first run of an `apps` query
 * (counter 0, one line per installed app), then runs of differences (an app updated, CapCut
 * installed or removed) until the file has the requested size. Each phase runs in its own
 * process so that its peak RSS is its own. The state the parser keeps depends on hosts x apps,
 * not on the file size, so peak RSS should stay flat as the size grows.
 */
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, statSync, unlinkSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { osquerySource } from '../../src/inventory/osquery/osquery.source.js';

type Phase = 'lines' | 'json' | 'parse';

interface PhaseResult {
  phase: Phase;
  seconds: number;
  peakRssMB: number;
  lines: number;
  snapshots?: number;
  apps?: number;
  heapMB?: number;
}

async function main() {
  const bytes = options.sizeMB * 1024 * 1024;
  console.log(
    `generating ${options.sizeMB} MiB at ${options.file} (${options.hosts} hosts x ${options.apps} apps)`,
  );
  const started = performance.now();
  const generated = await generate(options.file, bytes, options.hosts, options.apps);
  const size = statSync(options.file).size;
  console.log(
    `  ${(size / 1048576).toFixed(0)} MiB, ${generated.lines.toLocaleString()} lines, ${generated.runs.toLocaleString()} runs, in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  try {
    const results: PhaseResult[] = [];
    for (const phase of ['lines', 'json', 'parse'] as const) results.push(await inChild(phase));
    if (options.heapMB) results.push(await inChild('parse', options.heapMB));
    console.log('');
    console.log(`${'phase'.padEnd(34)}   MB/s   seconds  peak RSS MB  output`);
    for (const r of results) {
      const label =
        r.heapMB === undefined
          ? { lines: 'readline (count lines)', json: 'readline + JSON.parse', parse: 'osquerySource.parse' }[
              r.phase
            ]
          : `osquerySource.parse, ${r.heapMB} MB heap`;
      const output =
        r.phase === 'parse'
          ? `${r.snapshots?.toLocaleString()} snapshots, ${r.apps?.toLocaleString()} app entries`
          : `${r.lines.toLocaleString()} lines`;
      console.log(
        `${label.padEnd(34)} ${(size / 1e6 / r.seconds).toFixed(1).padStart(6)} ${r.seconds.toFixed(1).padStart(9)} ${r.peakRssMB.toFixed(0).padStart(12)}  ${output}`,
      );
    }
    const json = results.find((r) => r.phase === 'json');
    const parse = results.find((r) => r.phase === 'parse' && r.heapMB === undefined);
    if (json && parse) {
      console.log(
        `\nparser time over the readline + JSON.parse floor: x${(parse.seconds / json.seconds).toFixed(2)}`,
      );
    }
  } finally {
    if (!options.keep) unlinkSync(options.file);
  }
}

function inChild(phase: Phase, heapMB?: number): Promise<PhaseResult> {
  return new Promise((resolve, reject) => {
    const execArgv = heapMB ? [...process.execArgv, `--max-old-space-size=${heapMB}`] : process.execArgv;
    const child = fork(process.argv[1] ?? '', [`--phase=${phase}`, `--file=${options.file}`], {
      execArgv,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let result: PhaseResult | undefined;
    child.on('message', (message) => {
      result = { ...(message as PhaseResult), ...(heapMB ? { heapMB } : {}) };
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      result ? resolve(result) : reject(new Error(`phase ${phase} exited with ${code} and no result`)),
    );
  });
}

async function runPhase(phase: Phase, file: string): Promise<PhaseResult> {
  let peak = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, 20);
  const started = performance.now();
  let lines = 0;
  let snapshots = 0;
  let apps = 0;
  if (phase === 'parse') {
    const input = { path: file, open: () => createReadStream(file) };
    for await (const snapshot of osquerySource.parse(input, {})) {
      snapshots++;
      apps += snapshot.apps.length;
    }
  } else {
    const reader = createInterface({ input: createReadStream(file), crlfDelay: Number.POSITIVE_INFINITY });
    for await (const line of reader) {
      lines++;
      if (phase === 'json') JSON.parse(line);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage.rss());
  return { phase, seconds, peakRssMB: peak / 1e6, lines, snapshots, apps };
}

/** A small deterministic generator (mulberry32), so that runs are comparable. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

function calendarTime(seconds: number): string {
  const d = new Date(seconds * 1000);
  return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${d.getUTCFullYear()} UTC`;
}

function appColumns(app: number, version: number, lastOpened: number): string {
  const capcut = app < 0;
  const name = capcut ? 'CapCut' : `App${app}`;
  const bundle = capcut ? 'com.lemon.lvoverseas' : `com.vendor${app % 37}.app${app}`;
  return JSON.stringify({
    applescript_enabled: '0',
    bundle_executable: name,
    bundle_identifier: bundle,
    bundle_name: name,
    bundle_package_type: 'APPL',
    bundle_short_version: `${Math.floor(version / 10)}.${version % 10}.0`,
    bundle_version: String(version),
    category: 'public.app-category.productivity',
    compiler: 'com.apple.compilers.llvm.clang.1_0',
    copyright: `Copyright (c) ${name} Inc.`,
    development_region: 'en',
    display_name: name,
    element: '',
    environment: '',
    info_string: '',
    last_opened_time: String(lastOpened),
    minimum_system_version: '11.0',
    name: `${name}.app`,
    path: `/Applications/${name}.app`,
  });
}

async function generate(file: string, bytes: number, hosts: number, apps: number) {
  const next = random(20230310);
  const out = createWriteStream(file, { highWaterMark: 1 << 20 });
  let written = 0;
  let lines = 0;
  let runs = 0;
  let batch: string[] = [];
  const flush = async () => {
    const text = batch.join('');
    batch = [];
    written += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  };
  const hostHeader = Array.from({ length: hosts }, (_, h) => {
    const id = `host-${String(h).padStart(5, '0')}`;
    const decorations = JSON.stringify({
      host_uuid: `4AB2906D-5516-5794-AF54-${String(h).padStart(12, '0')}`,
      hostname: `${id}.corp.example`,
      hardware_serial: `C02X${String(h).padStart(8, '0')}`,
      os_name: 'macOS',
      os_version: '13.2.1',
    });
    return { id, decorations };
  });
  const versions = Array.from({ length: hosts }, () => new Uint16Array(apps).fill(10));
  const counters = new Uint32Array(hosts);
  const hasCapcut = new Uint8Array(hosts);
  let time = 1_678_406_400;
  const line = (h: number, counter: number, action: string, columns: string) => {
    const header = hostHeader[h] ?? { id: '', decorations: '{}' };
    lines++;
    batch.push(
      `{"name":"pack_it-compliance_installed_applications","hostIdentifier":"${header.id}","calendarTime":"${calendarTime(time)}","unixTime":"${time}","epoch":"0","counter":"${counter}","numerics":false,"decorations":${header.decorations},"columns":${columns},"action":"${action}"}\n`,
    );
  };

  for (let h = 0; h < hosts && written < bytes; h++) {
    time += 1;
    for (let a = 0; a < apps; a++) line(h, 0, 'added', appColumns(a, 10, time - 86_400));
    runs++;
    if (batch.length >= 2000) await flush();
  }
  while (written < bytes) {
    const h = Math.floor(next() * hosts);
    time += 1 + Math.floor(next() * 5);
    const counter = (counters[h] ?? 0) + 1;
    counters[h] = counter;
    const hostVersions = versions[h] ?? new Uint16Array(apps);
    const a = Math.floor(next() * apps);
    const version = hostVersions[a] ?? 10;
    line(h, counter, 'removed', appColumns(a, version, time - 86_400));
    hostVersions[a] = version + 1;
    line(h, counter, 'added', appColumns(a, version + 1, time));
    if (next() < 0.1) {
      line(h, counter, hasCapcut[h] ? 'removed' : 'added', appColumns(-1, 39, time - 3_600));
      hasCapcut[h] = hasCapcut[h] ? 0 : 1;
    }
    runs++;
    if (batch.length >= 2000) await flush();
  }
  await flush();
  out.end();
  await once(out, 'finish');
  return { lines, runs };
}

function parseArgs(args: string[]) {
  const named = new Map<string, string>();
  const positional: string[] = [];
  for (const arg of args) {
    const match = /^--([^=]+)(?:=(.*))?$/.exec(arg);
    if (match) named.set(match[1] ?? '', match[2] ?? 'true');
    else positional.push(arg);
  }
  const sizeMB = Number(positional[0] ?? 200);
  if (!Number.isFinite(sizeMB) || sizeMB <= 0)
    throw new Error(`size must be a number of MiB, not ${positional[0]}`);
  return {
    sizeMB,
    hosts: Number(named.get('hosts') ?? 1000),
    apps: Number(named.get('apps') ?? 100),
    file: named.get('file') ?? `/tmp/appban-osquery-bench-${sizeMB}MiB.log`,
    keep: named.has('keep'),
    heapMB: named.has('heap-mb') ? Number(named.get('heap-mb')) : undefined,
    phase: named.get('phase') as Phase | undefined,
  };
}

// Last, so that every constant above is initialised before the top-level await runs.
const options = parseArgs(process.argv.slice(2));

if (options.phase) {
  const result = await runPhase(options.phase, options.file);
  process.send?.(result);
} else {
  await main();
}
