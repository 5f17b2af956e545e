import { type FieldReader, jsonError, observedApp } from '../amapi/json-fields.js';
import type { InventorySnapshot, ObservedApp } from '../snapshot.types.js';

/**
 * Santa execution events (sync protocol EventUploadRequest, domain.md §5.2): `file_bundle_id`,
 * `file_bundle_name`, `file_bundle_version_string`, `team_id`, `signing_id`, `file_path`,
 * `executing_user`, `decision`, `execution_time` (seconds since the epoch, fractional).
 *
 * An event is evidence that the app is on the Mac, whether Santa let it run (`ALLOW_*`) or not
 * (`BLOCK_*`): a blocked app is still installed, so it still breaks a ban that requires removal.
 * Santa uploads only some executions (blocked ones, and in Monitor mode would-be-blocked ones), so
 * the snapshot is `partial` and can never show that an app is absent.
 *
 * Blocked executions are marked in the app's name, "TikTok [blocked by Santa: BLOCK_TEAMID]",
 * because ObservedApp has no field for it; the identifiers stay exact, so matching is unaffected.
 */
export interface SantaBatch {
  machineId: string;
  events: FieldReader[];
}

export function santaSnapshot(batch: SantaBatch, fallbackObservedAt: string): InventorySnapshot {
  const apps = new Map<string, { app: ObservedApp; blockedBy: string | undefined }>();
  let latest: string | undefined;
  let holder: string | undefined;

  for (const event of batch.events) {
    const time = event.number('execution_time');
    const at = time === undefined ? undefined : instantFromEpochSeconds(time, event);
    if (at !== undefined && (latest === undefined || at > latest)) latest = at;
    const user = event.string('executing_user');
    if (holder === undefined && user !== undefined && !isSystemAccount(user)) holder = user;

    const decision = event.string('decision');
    const blockedBy = decision?.startsWith('BLOCK_') ? decision : undefined;
    const name = event.string('file_bundle_name') ?? event.string('file_name');
    const version = event.string('file_bundle_version_string') ?? event.string('file_bundle_version');
    const found: ObservedApp[] = [];
    const bundleId = event.string('file_bundle_id');
    if (bundleId !== undefined) found.push(observedApp('bundle-id', bundleId, { name, version }));
    const signingId = event.string('signing_id');
    if (signingId !== undefined) found.push(observedApp('signing-id', signingId, { name, version }));
    const teamId = event.string('team_id');
    if (teamId !== undefined) found.push(observedApp('team-id', teamId, { name }));
    const path = event.string('file_path');
    if (found.length === 0 && path !== undefined) found.push(observedApp('program', path, { name, version }));

    for (const app of found) {
      const key = `${app.kind}\u0000${app.value}`;
      const seen = apps.get(key);
      if (seen === undefined) apps.set(key, { app, blockedBy });
      else if (seen.blockedBy === undefined && blockedBy !== undefined) seen.blockedBy = blockedBy;
    }
  }

  const snapshot: InventorySnapshot = {
    source: 'santa',
    device: { sourceDeviceId: batch.machineId, platform: 'macos' },
    observedAt: latest ?? fallbackObservedAt,
    apps: [...apps.values()].map(({ app, blockedBy }) => withDecision(app, blockedBy)),
    coverage: 'partial',
  };
  if (holder !== undefined) snapshot.device.holder = holder;
  return snapshot;
}

function withDecision(app: ObservedApp, blockedBy: string | undefined): ObservedApp {
  if (blockedBy === undefined) return app;
  return { ...app, name: `${app.name ?? app.value} [blocked by Santa: ${blockedBy}]` };
}

/** root, daemons (`_spotlight`) and empty names say nothing about whose Mac it is. */
function isSystemAccount(user: string): boolean {
  return user === 'root' || user.startsWith('_');
}

function instantFromEpochSeconds(seconds: number, where: FieldReader): string {
  const ms = Math.round(seconds * 1000);
  // Before 2001 or past 9999 is not a Santa execution time but a unit mistake or garbage.
  if (!(ms >= 978_307_200_000 && ms < 253_402_300_800_000)) {
    throw jsonError(where.file, `${where.path}.execution_time`, '"execution_time" is not seconds since 1970');
  }
  return new Date(ms).toISOString();
}
