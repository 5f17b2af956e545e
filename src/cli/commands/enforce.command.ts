import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { shortRevision } from '../../bans/ban.revision.js';
import { loadCatalog } from '../../catalog/catalog.loader.js';
import { buildManifest, generate, writeArtifacts } from '../../enforce/enforce.service.js';
import { AppbanError } from '../../lib/errors.js';
import { banFromFileOrStore } from '../ban-source.js';
import { EXIT, type GlobalOptions, type Io, printJson } from '../output.js';

interface EnforceOptions {
  target: string;
  out?: string;
}

export function registerEnforce(program: Command, io: Io, done: (code: number) => void): void {
  program
    .command('enforce')
    .description(
      'write the artifact one target deploys (--target all --out <dir>: every target and a manifest)',
    )
    .argument('<ban>', 'ban file, or the id of an applied ban (its latest revision)')
    .requiredOption('--target <target>', 'enforcement target, or all')
    .option('--out <path>', 'output file, or directory for several files; default: standard output')
    .action(async (banArg: string, options: EnforceOptions, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      const { json } = globals;
      const catalog = loadCatalog();
      const ban = await banFromFileOrStore(banArg, catalog, globals);
      const revision = shortRevision(ban);
      const results = generate(ban, catalog, options.target);
      const artifacts = results.flatMap((r) => r.output?.artifacts ?? []);
      const manifest = buildManifest(ban, revision, results);

      if (!options.out) {
        const only = artifacts[0];
        if (artifacts.length !== 1 || !only) {
          throw new AppbanError(
            'USAGE',
            `target ${options.target} writes ${artifacts.length} files; give --out <directory>`,
          );
        }
        io.stdout(only.content);
        for (const note of results[0]?.output?.notes ?? []) io.stderr(`note: ${note}\n`);
        done(EXIT.ok);
        return;
      }
      let written: string[];
      if (options.target !== 'all' && artifacts.length === 1 && artifacts[0]) {
        await writeFile(options.out, artifacts[0].content);
        written = [options.out];
      } else {
        written = await writeArtifacts(options.out, artifacts);
        const manifestArtifact = {
          fileName: 'manifest.json',
          mediaType: 'application/json',
          description: 'What each file is, where it goes and what it needs',
          content: `${JSON.stringify(manifest, null, 2)}\n`,
        };
        written.push(...(await writeArtifacts(options.out, [manifestArtifact])));
      }
      if (json) {
        printJson(io, { written, manifest });
      } else {
        for (const path of written) io.stdout(`wrote ${path}\n`);
        for (const s of manifest.skipped) io.stderr(`skipped ${s.target}: ${s.reason}\n`);
        for (const r of results)
          for (const note of r.output?.notes ?? []) io.stderr(`note (${r.target}): ${note}\n`);
      }
      done(EXIT.ok);
    });
}
