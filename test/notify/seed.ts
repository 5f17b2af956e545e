import type { Kysely } from 'kysely';
import type { Database, FindingState } from '../../src/store/schema.js';

/** Rows for notification tests, written directly: the scanner reads only committed rows. */

export const DAY = 86_400_000;
export const HOUR = 3_600_000;
/** 2023-09-01T00:00:00Z */
export const NOW = Date.UTC(2023, 8, 1);
export const BAN_ID = 'be-federal-tiktok-2023';
export const BAN_TITLE = 'TikTok on federal government devices';

export async function seedBan(
  db: Kysely<Database>,
  options: { id?: string; title?: string; review?: string; end?: string } = {},
): Promise<string> {
  const id = options.id ?? BAN_ID;
  const title = options.title ?? BAN_TITLE;
  await db
    .insertInto('bans')
    .values({ id, title, created_at: NOW - 200 * DAY })
    .execute();
  const document = {
    id,
    title,
    authority: 'Prime Minister',
    basis: { summary: 'risk', references: [] },
    targets: [{ app: 'tiktok', includeUnconfirmed: false }],
    scope: { ownership: ['owned', 'paid'], groups: { include: ['federal'], exclude: [] }, platforms: 'all' },
    period: {
      start: '2023-03-10',
      ...(options.review === undefined ? {} : { review: options.review }),
      ...(options.end === undefined ? {} : { end: options.end }),
    },
    removal: { deadline: 'P30D' },
    network: true,
    exceptions: [],
  };
  await db
    .insertInto('ban_revisions')
    .values({
      ban_id: id,
      revision: 1,
      content_hash: `hash-${id}`,
      document: JSON.stringify(document),
      applied_by: 'test',
      applied_at: NOW - 200 * DAY,
    })
    .execute();
  return id;
}

export async function seedDevice(
  db: Kysely<Database>,
  name: string,
  extra: { holder?: string; group?: string } = {},
): Promise<number> {
  const row = await db
    .insertInto('devices')
    .values({
      name,
      holder: extra.holder ?? `${name}@example.gov`,
      group_path: extra.group ?? 'federal/finance',
      ownership: 'owned',
      platform: 'ios',
      os_version: null,
      management_mode: null,
      serial: null,
      udid: null,
      hardware_id: null,
      first_seen_at: NOW - 100 * DAY,
      last_seen_at: NOW,
      last_observed_at: NOW,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

const TIKTOK = {
  app: 'tiktok',
  name: 'TikTok',
  kind: 'bundle-id',
  value: 'com.zhiliaoapp.musically',
  byName: false,
};

export async function seedHistory(
  db: Kysely<Database>,
  row: {
    deviceId: number;
    from: FindingState | null;
    to: FindingState;
    at: number;
    banId?: string;
    deadline?: number;
  },
): Promise<number> {
  const inserted = await db
    .insertInto('finding_history')
    .values({
      device_id: row.deviceId,
      ban_id: row.banId ?? BAN_ID,
      revision: 1,
      from_state: row.from,
      to_state: row.to,
      at: row.at,
      snapshot_id: null,
      evidence: JSON.stringify({
        state: row.to,
        since: row.at,
        deadline: row.deadline ?? null,
        apps: row.to === 'violating' ? [TIKTOK] : [],
      }),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return inserted.id;
}

export async function seedFinding(
  db: Kysely<Database>,
  row: { deviceId: number; state: FindingState; since: number; deadline: number | null; banId?: string },
): Promise<void> {
  await db
    .insertInto('findings')
    .values({
      device_id: row.deviceId,
      ban_id: row.banId ?? BAN_ID,
      revision: 1,
      state: row.state,
      since: row.since,
      deadline: row.deadline,
      matched: JSON.stringify(
        row.state === 'violating'
          ? [{ kind: 'bundle-id', value: 'com.zhiliaoapp.musically', name: 'TikTok', appId: 'tiktok' }]
          : [],
      ),
      snapshot_id: null,
      evaluated_at: NOW,
    })
    .execute();
}

export async function seedException(
  db: Kysely<Database>,
  row: { id: string; expiresAt: number; status?: 'approved' | 'requested' | 'revoked'; banId?: string },
): Promise<void> {
  const status = row.status ?? 'approved';
  await db
    .insertInto('exceptions')
    .values({
      id: row.id,
      ban_id: row.banId ?? BAN_ID,
      subjects: JSON.stringify({ group: 'federal/ccb/research' }),
      reason: 'security-research',
      requested_by: 'alice',
      approved_by: status === 'requested' ? null : 'CCB director',
      approved_at: status === 'requested' ? null : NOW - 30 * DAY,
      status,
      starts_at: null,
      expires_at: row.expiresAt,
      created_at: NOW - 30 * DAY,
      revoked_at: status === 'revoked' ? NOW - DAY : null,
      revoked_by: status === 'revoked' ? 'bob' : null,
    })
    .execute();
}

/**
 * One of each notification kind due at NOW, plus rows that must raise nothing:
 * - laptop-overdue: violating for 40 days, deadline 10 days ago (overdue; too old to be "new");
 * - laptop-123: turned violating an hour ago (new violation);
 * - phone-future: turns violating in two days (history written ahead by the clock);
 * - an exception expiring in 5 days, one in 20 days, a revoked one in 3 days;
 * - the ban's review date 2023-09-10 (9 days ahead).
 */
export async function seedScenario(db: Kysely<Database>) {
  await seedBan(db, { review: '2023-09-10' });
  const overdue = await seedDevice(db, 'laptop-overdue');
  const fresh = await seedDevice(db, 'laptop-123', {
    holder: 'carol@example.gov',
    group: 'federal/finance/it',
  });
  const future = await seedDevice(db, 'phone-future');
  const calm = await seedDevice(db, 'phone-calm');

  await seedHistory(db, {
    deviceId: overdue,
    from: null,
    to: 'violating',
    at: NOW - 40 * DAY,
    deadline: NOW - 10 * DAY,
  });
  await seedHistory(db, { deviceId: overdue, from: 'violating', to: 'violating', at: NOW - 10 * DAY + DAY });
  await seedFinding(db, {
    deviceId: overdue,
    state: 'violating',
    since: NOW - 40 * DAY,
    deadline: NOW - 10 * DAY,
  });

  await seedHistory(db, { deviceId: fresh, from: null, to: 'compliant', at: NOW - 20 * DAY });
  await seedHistory(db, {
    deviceId: fresh,
    from: 'compliant',
    to: 'violating',
    at: NOW - HOUR,
    deadline: NOW + 29 * DAY,
  });
  await seedFinding(db, { deviceId: fresh, state: 'violating', since: NOW - HOUR, deadline: NOW + 29 * DAY });

  await seedHistory(db, { deviceId: future, from: null, to: 'excepted', at: NOW - 20 * DAY });
  await seedHistory(db, {
    deviceId: future,
    from: 'excepted',
    to: 'violating',
    at: NOW + 2 * DAY,
    deadline: NOW + 32 * DAY,
  });
  await seedFinding(db, { deviceId: future, state: 'excepted', since: NOW - 20 * DAY, deadline: null });

  await seedHistory(db, { deviceId: calm, from: null, to: 'compliant', at: NOW - 3 * HOUR });
  await seedFinding(db, { deviceId: calm, state: 'compliant', since: NOW - 3 * HOUR, deadline: null });

  await seedException(db, { id: 'ccb-research-lab', expiresAt: NOW + 5 * DAY });
  await seedException(db, { id: 'later-lab', expiresAt: NOW + 20 * DAY });
  await seedException(db, { id: 'revoked-lab', expiresAt: NOW + 3 * DAY, status: 'revoked' });
  return { overdue, fresh, future, calm };
}
