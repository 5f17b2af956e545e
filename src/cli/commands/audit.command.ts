import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { exportChain, parseExport } from '../../audit/audit.export.js';
import { type AuditVerification, verifyChain, verifyStoredChain } from '../../audit/audit.verify.js';
import { AppbanError } from '../../lib/errors.js';
import { withContext } from '../context.js';
import { EXIT, type GlobalOptions, type Io, printJson } from '../output.js';

interface VerifyOptions {
  file?: string;
  expectHead?: string;
}

/** The tamper-evident trail: verify the chain in the store or in an export, and export it. */
export function registerAudit(program: Command, io: Io, done: (code: number) => void): void {
  const audit = program.command('audit').description('the hash-chained audit log');
  audit
    .command('verify')
    .description('check the chain; exit 1 and say which event when one was edited, deleted or reordered')
    .option('--file <export.jsonl>', 'verify an exported chain instead of the store (offline)')
    .option(
      '--expect-head <sha256>',
      'the head hash from an earlier export: detects events removed at the end',
    )
    .action(async (options: VerifyOptions, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      if (options.expectHead !== undefined && !/^[0-9a-f]{64}$/.test(options.expectHead)) {
        throw new AppbanError('USAGE', '--expect-head must be a SHA-256 hash: 64 lower-case hex digits');
      }
      const verifyOptions = options.expectHead === undefined ? {} : { expectedHead: options.expectHead };
      let result: AuditVerification;
      if (options.file !== undefined) {
        const path = options.file;
        const text = await readFile(path, 'utf8').catch((cause: unknown) => {
          throw new AppbanError('FILE_NOT_FOUND', `cannot read ${path}`, { cause, location: { file: path } });
        });
        let parsed: ReturnType<typeof parseExport>;
        try {
          parsed = parseExport(text);
        } catch (cause) {
          throw new AppbanError('PARSE_ERROR', `${path}: ${(cause as Error).message}`, {
            location: { file: path },
          });
        }
        result = verifyChain(parsed.rows, verifyOptions);
        if (parsed.head && parsed.head.hash !== result.head?.hash) {
          result.problems.push({
            seq: result.head?.seq ?? 0,
            kind: 'truncated',
            message: `the file's closing line names head #${parsed.head.seq} ${parsed.head.hash.slice(0, 12)}…, but its events end elsewhere`,
          });
          result.ok = false;
        }
      } else {
        result = await withContext(globals, ({ store }) => verifyStoredChain(store.db, verifyOptions));
      }
      if (globals.json) printJson(io, result);
      else if (result.ok) {
        io.stdout(
          `audit chain ok: ${result.events} events${result.head ? `, head #${result.head.seq} ${result.head.hash}` : ''}\n`,
        );
      } else {
        io.stdout(`audit chain BROKEN: ${result.problems.length} problem(s) in ${result.events} events\n`);
        for (const p of result.problems) io.stdout(`  #${p.seq} ${p.kind}: ${p.message}\n`);
      }
      done(result.ok ? EXIT.ok : EXIT.notCompliant);
    });
  audit
    .command('export')
    .description('write the chain as JSON lines, ending with its head hash, for an offline check')
    .option('--out <file>', 'write to this file instead of standard output')
    .action(async (options: { out?: string }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions>();
      await withContext(globals, async ({ store }) => {
        const out = options.out === undefined ? undefined : createWriteStream(options.out);
        for await (const line of exportChain(store.db)) {
          if (out) out.write(line);
          else io.stdout(line);
        }
        if (out)
          await new Promise<void>((resolve, reject) =>
            out.end((error?: Error | null) => (error ? reject(error) : resolve())),
          );
      });
      done(EXIT.ok);
    });
}
