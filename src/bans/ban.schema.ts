import { z } from 'zod';
import { DEVICE_PLATFORMS } from '../catalog/catalog.types.js';
import { OWNERSHIPS } from './ban.types.js';

/**
 * The ban file's shape. Structure only: dates, durations, catalog lookups and cross-field rules
 * are checked in `ban.rules.ts` so that each can carry its own error code and position.
 * Field names are snake_case as people write them in YAML; `toBan` maps them to the domain type.
 */
export const BAN_LIMITS = { idLength: 100, textLength: 2000, listLength: 1000 } as const;

/** Ban and exception ids: they name artifact files and profile identifiers, so they stay plain slugs. */
export const BAN_ID_PATTERN = /^[a-z0-9][a-z0-9._-]*$/;

const id = z
  .string()
  .max(BAN_LIMITS.idLength)
  .regex(BAN_ID_PATTERN, 'use lower-case letters, digits, dots, dashes and underscores');
const text = z.string().trim().min(1).max(BAN_LIMITS.textLength);
const groupPath = z
  .string()
  .max(300)
  .regex(/^[^/\s][^/]*(\/[^/]+)*$/, 'a group path such as federal/finance/it');
const platform = z.enum(DEVICE_PLATFORMS);

export const targetSchema = z.strictObject({
  app: id.optional(),
  publisher: id.optional(),
  platforms: z.array(platform).min(1).optional(),
  include_unconfirmed: z.boolean().default(false),
});

export const exceptionSchema = z.strictObject({
  id,
  devices: z.strictObject({
    group: groupPath.optional(),
    ids: z.array(z.string().min(1).max(200)).max(BAN_LIMITS.listLength).optional(),
    holders: z.array(z.string().min(1).max(200)).max(BAN_LIMITS.listLength).optional(),
  }),
  reason: text.optional(),
  approved_by: text.optional(),
  expires: z.string().max(40).optional(),
  starts: z.string().max(40).optional(),
  note: text.optional(),
});

export const banFileSchema = z.strictObject({
  id,
  title: text,
  jurisdiction: z.string().max(20).optional(),
  authority: text,
  basis: z.strictObject({
    summary: text,
    instrument: text.optional(),
    references: z.array(z.string().max(2000)).max(100).default([]),
  }),
  precedent: id.optional(),
  targets: z.array(targetSchema).max(BAN_LIMITS.listLength).optional(),
  scope: z
    .strictObject({
      ownership: z.array(z.enum(OWNERSHIPS)).min(1).default(['owned', 'paid']),
      groups: z
        .strictObject({
          include: z.array(groupPath).max(BAN_LIMITS.listLength).default([]),
          exclude: z.array(groupPath).max(BAN_LIMITS.listLength).default([]),
        })
        .default({ include: [], exclude: [] }),
      platforms: z.union([z.literal('all'), z.array(platform).min(1)]).default('all'),
    })
    .default({ ownership: ['owned', 'paid'], groups: { include: [], exclude: [] }, platforms: 'all' }),
  period: z.strictObject({
    start: z.string().max(40),
    minimum: z.string().max(40).optional(),
    review: z.string().max(40).optional(),
    end: z.string().max(40).optional(),
  }),
  removal: z.strictObject({ deadline: z.string().max(40).default('P0D') }).default({ deadline: 'P0D' }),
  network: z.boolean().default(false),
  exceptions: z.array(exceptionSchema).max(BAN_LIMITS.listLength).default([]),
  notes: text.optional(),
});

export type BanFile = z.infer<typeof banFileSchema>;
