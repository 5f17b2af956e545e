import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import { OWNERSHIPS } from '../bans/ban.types.js';
import { isCalendarDate, isDuration } from '../lib/dates.js';
import { AppbanError } from '../lib/errors.js';
import { dataDir } from '../lib/paths.js';

const date = z.string().refine(isCalendarDate, 'a YYYY-MM-DD date');
const duration = z.string().refine(isDuration, 'an ISO 8601 duration');

const templateSchema = z.strictObject({
  title: z.string().min(1),
  authority: z.string().min(1),
  summary: z.string().min(1),
  ownership: z.array(z.enum(OWNERSHIPS)).min(1),
  deadline: duration,
  minimum: duration.optional(),
  /** Review this long after the start. */
  review: duration.optional(),
  network: z.boolean(),
  /** Target all of this publisher's apps instead of the precedent's app list. */
  publisher: z.string().optional(),
  /** Also target TikTok's companion apps ("successor applications" in US law). */
  include_successors: z.boolean().default(false),
  exceptions: z
    .array(z.strictObject({ id: z.string(), reason: z.string(), expires_after: duration }))
    .default([]),
});

const precedentSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
  jurisdiction: z.string().min(2),
  body: z.string().min(1),
  announced_by: z.string().min(1),
  announced: date,
  announced_note: z.string().optional(),
  effective: z.string().min(1),
  deadline: z.string().min(1),
  device_scope: z.string().min(1),
  duration: z.string().min(1),
  exceptions: z.string().min(1),
  instrument: z.string().min(1),
  apps: z.array(z.string()).min(1),
  sources: z.array(z.string()).min(1),
  template: templateSchema,
});

export type Precedent = z.infer<typeof precedentSchema>;
export type PrecedentTemplate = z.infer<typeof templateSchema>;

let cached: Precedent[] | undefined;

/** Every precedent in `data/precedents/`, sorted by announcement date. */
export function loadPrecedents(): Precedent[] {
  if (cached) return cached;
  const dir = join(dataDir(), 'precedents');
  const all: Precedent[] = [];
  for (const name of readdirSync(dir)
    .filter((n) => n.endsWith('.yaml'))
    .sort()) {
    const parsed = z.array(precedentSchema).safeParse(parse(readFileSync(join(dir, name), 'utf8')));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AppbanError('PRECEDENT_INVALID', `${name}: ${issue?.path.join('.')}: ${issue?.message}`);
    }
    all.push(...parsed.data);
  }
  const ids = new Set<string>();
  for (const p of all) {
    if (ids.has(p.id)) throw new AppbanError('PRECEDENT_INVALID', `precedent ${p.id} is defined twice`);
    ids.add(p.id);
  }
  cached = all.sort((a, b) => a.announced.localeCompare(b.announced) || a.id.localeCompare(b.id));
  return cached;
}

export function findPrecedent(id: string): Precedent {
  const precedent = loadPrecedents().find((p) => p.id === id);
  if (!precedent) {
    const known = loadPrecedents()
      .map((p) => p.id)
      .join(', ');
    throw new AppbanError('UNKNOWN_PRECEDENT', `no precedent ${id}; known: ${known}`);
  }
  return precedent;
}
