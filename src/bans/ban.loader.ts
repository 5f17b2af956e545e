import { readFile } from 'node:fs/promises';
import { type Document, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import type { Catalog } from '../catalog/catalog.types.js';
import { AppbanError, type ErrorCode } from '../lib/errors.js';
import { checkBanRules, type RawProblem } from './ban.rules.js';
import { type BanFile, banFileSchema } from './ban.schema.js';
import type { Ban, BanException, BanTarget, Problem } from './ban.types.js';
import { type FieldPath, formatPath, locate } from './yaml-positions.js';

export interface BanLoadResult {
  path: string;
  ok: boolean;
  /** Present when the file has no errors (warnings allowed). */
  ban?: Ban;
  problems: Problem[];
}

/** Ban files are small documents; anything larger is a mistake or an attack on the parser. */
export const MAX_BAN_FILE_BYTES = 1_000_000;

export async function loadBanFile(path: string, catalog: Catalog): Promise<BanLoadResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new AppbanError('FILE_NOT_FOUND', `cannot read ban file ${path}`, {
      cause,
      location: { file: path },
    });
  }
  return loadBanText(text, path, catalog);
}

/** Parses and validates one ban file, reporting every problem with its line and column. */
export function loadBanText(text: string, path: string, catalog: Catalog): BanLoadResult {
  if (Buffer.byteLength(text) > MAX_BAN_FILE_BYTES) {
    return fail(path, [
      problem('error', 'BAN_YAML_SYNTAX', `the file is larger than ${MAX_BAN_FILE_BYTES} bytes`, ''),
    ]);
  }
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return fail(
      path,
      doc.errors.map((e) => {
        const { line, col } = counter.linePos(e.pos[0]);
        return { ...problem('error', 'BAN_YAML_SYNTAX', firstLine(e.message), ''), line, column: col };
      }),
    );
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (cause) {
    return fail(path, [problem('error', 'BAN_YAML_SYNTAX', firstLine(String(cause)), '')]);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return fail(path, [
      {
        ...problem('error', 'BAN_NOT_A_MAPPING', 'a ban file holds one mapping of fields (id, title, …)', ''),
        ...at(doc, counter, []),
      },
    ]);
  }

  const parsed = banFileSchema.safeParse(raw);
  const raws: RawProblem[] = parsed.success ? [] : schemaProblems(parsed.error, raw);
  raws.push(...checkBanRules(raw, catalog));

  const problems = dedupe(raws).map((p) => ({
    ...problem(p.severity, p.code, p.message, formatPath(p.path)),
    ...at(doc, counter, p.path, p.at),
  }));
  problems.sort((a, b) => a.line - b.line || a.column - b.column);
  const ok = problems.every((p) => p.severity !== 'error');
  if (!ok || !parsed.success) return { path, ok: false, problems };
  return { path, ok: true, ban: toBan(parsed.data), problems };
}

function schemaProblems(error: z.ZodError, raw: unknown): RawProblem[] {
  const out: RawProblem[] = [];
  for (const issue of error.issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({
          severity: 'error',
          code: 'BAN_UNKNOWN_FIELD',
          message: `unknown field ${key}${path.length ? ` in ${formatPath(path)}` : ''}; see the ban file reference`,
          path: [...path, key],
          at: 'key',
        });
      }
      continue;
    }
    const present = valueAt(raw, path) !== undefined;
    // Targets, dates and durations have their own rules and codes in ban.rules.ts.
    if (!present && path[0] === 'targets' && path.length === 1) continue;
    if (RULE_OWNED_FIELDS.has(formatPath(path.map((p) => (typeof p === 'number' ? 0 : p))))) continue;
    const code: ErrorCode = present ? 'BAN_INVALID_VALUE' : 'BAN_MISSING_FIELD';
    const message = present
      ? `${formatPath(path) || 'value'}: ${issue.message}`
      : `${formatPath(path)} is required`;
    out.push(
      present ? { severity: 'error', code, message, path } : { severity: 'error', code, message, path },
    );
  }
  return out;
}

const RULE_OWNED_FIELDS = new Set([
  'period.start',
  'period.minimum',
  'period.review',
  'period.end',
  'removal.deadline',
  'exceptions[0].expires',
  'exceptions[0].starts',
]);

function valueAt(raw: unknown, path: FieldPath): unknown {
  let node = raw;
  for (const part of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[part];
  }
  return node;
}

function dedupe(problems: RawProblem[]): RawProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.code}\u0000${formatPath(p.path)}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function at(doc: Document, counter: LineCounter, path: FieldPath, where: 'key' | 'value' = 'value') {
  return locate(doc, counter, path, where);
}

function problem(severity: Problem['severity'], code: ErrorCode, message: string, path: string): Problem {
  return { severity, code, message, line: 1, column: 1, path };
}

function fail(path: string, problems: Problem[]): BanLoadResult {
  return { path, ok: false, problems };
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

/** Maps the validated file (snake_case, as people write YAML) to the domain type. */
export function toBan(file: BanFile): Ban {
  const targets: BanTarget[] = (file.targets ?? []).map((t) => {
    const base = {
      includeUnconfirmed: t.include_unconfirmed,
      ...(t.platforms ? { platforms: t.platforms } : {}),
    };
    return t.app !== undefined ? { app: t.app, ...base } : { publisher: t.publisher ?? '', ...base };
  });
  const exceptions: BanException[] = file.exceptions.map((e) => {
    const subjects: BanException['subjects'] = {};
    if (e.devices.group !== undefined) subjects.group = e.devices.group;
    if (e.devices.ids !== undefined) subjects.devices = e.devices.ids;
    if (e.devices.holders !== undefined) subjects.holders = e.devices.holders;
    const exception: BanException = {
      id: e.id,
      subjects,
      reason: e.reason ?? '',
      approvedBy: e.approved_by ?? '',
      expires: e.expires ?? '',
    };
    if (e.starts !== undefined) exception.starts = e.starts;
    if (e.note !== undefined) exception.note = e.note;
    return exception;
  });
  const ban: Ban = {
    id: file.id,
    title: file.title,
    authority: file.authority,
    basis: {
      summary: file.basis.summary,
      references: file.basis.references,
      ...(file.basis.instrument !== undefined ? { instrument: file.basis.instrument } : {}),
    },
    targets,
    scope: file.scope,
    period: {
      start: file.period.start,
      ...(file.period.minimum !== undefined ? { minimum: file.period.minimum } : {}),
      ...(file.period.review !== undefined ? { review: file.period.review } : {}),
      ...(file.period.end !== undefined ? { end: file.period.end } : {}),
    },
    removal: file.removal,
    network: file.network,
    exceptions,
  };
  if (file.jurisdiction !== undefined) ban.jurisdiction = file.jurisdiction;
  if (file.precedent !== undefined) ban.precedent = file.precedent;
  if (file.notes !== undefined) ban.notes = file.notes;
  return ban;
}
