import Fastify, { type FastifyInstance } from 'fastify';
import { type AppContext, contextFromStore } from '../../src/cli/context.js';
import type { InventorySnapshot, ObservedApp, ObservedDevice } from '../../src/inventory/snapshot.types.js';
import { isAppbanError } from '../../src/lib/errors.js';
import type { ServerDeps } from '../../src/server/app.js';
import type { Store } from '../../src/store/store.js';

/** Fixtures and a bare app for testing read routes one module at a time, at a fixed clock. */
export const DAY = 86_400_000;
export const ms = (iso: string) => Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
export const NOW = ms('2023-06-30T12:00:00Z');
export const BAN = 'be-federal-tiktok-2023';
export const FINANCE_BAN = 'finance-tiktok';
export const TIKTOK: ObservedApp = {
  kind: 'package',
  value: 'com.zhiliaoapp.musically',
  name: 'TikTok',
  version: '30.1',
};
export const SIGNAL: ObservedApp = { kind: 'package', value: 'org.thoughtcrime.securesms', name: 'Signal' };

export function snap(serial: string, day: string, apps: ObservedApp[], device: Partial<ObservedDevice> = {}) {
  return {
    source: 'android-management',
    observedAt: `${day}T09:00:00Z`,
    coverage: 'full',
    apps,
    device: {
      sourceDeviceId: `enterprises/e1/devices/${serial}`,
      serial,
      name: `PHONE-${serial}`,
      holder: `${serial.toLowerCase()}@gov.example`,
      platform: 'android',
      ownership: 'owned',
      group: 'federal/finance',
      ...device,
    },
  } satisfies InventorySnapshot;
}

/** Weekly inventories from `from` to 2023-06-29. */
export function weekly(
  serial: string,
  from: string,
  apps: ObservedApp[],
  device: Partial<ObservedDevice> = {},
) {
  const out: InventorySnapshot[] = [];
  for (let t = ms(from); t <= ms('2023-06-29'); t += 7 * DAY) {
    out.push(snap(serial, new Date(t).toISOString().slice(0, 10), apps, device));
  }
  out.push(snap(serial, '2023-06-29', apps, device));
  return out;
}

/** The context openContext builds, over a test store and a fixed clock. */
export function contextOver(store: Store): AppContext {
  return contextFromStore(store, { now: () => NOW });
}

/** A bare app with the routes under test, validating and failing as buildApp does. */
export function appWith(context: AppContext, register: (app: FastifyInstance, deps: ServerDeps) => void) {
  const app = Fastify({
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
  });
  app.setErrorHandler((error, _request, reply) => {
    if (isAppbanError(error)) {
      void reply.status(error.status).send({ error: { code: error.code, message: error.message } });
    } else if ((error as { validation?: unknown }).validation !== undefined) {
      void reply.status(400).send({ error: { code: 'USAGE', message: (error as Error).message } });
    } else {
      void reply.status(500).send({ error: { code: 'INTERNAL', message: String(error) } });
    }
  });
  register(app, {
    context,
    options: {
      bodyLimit: 1 << 20,
      uploadLimit: 1 << 20,
      loginRatePerMinute: 10,
      ingestRatePerMinute: 0,
      secureCookies: false,
      afterChange: () => {},
    },
  });
  return app;
}
