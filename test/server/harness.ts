import { join } from 'node:path';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { loadBanFile } from '../../src/bans/ban.loader.js';
import type { AppContext } from '../../src/cli/context.js';
import { contextFromStore } from '../../src/cli/context.js';
import type { InventorySnapshot } from '../../src/inventory/snapshot.types.js';
import { packageRoot } from '../../src/lib/paths.js';
import { type AppOptions, buildApp } from '../../src/server/app.js';
import type { Role } from '../../src/store/schema.js';
import { ROLES } from '../../src/store/schema.js';
import type { Store } from '../../src/store/store.js';

export const PASSWORD = 'correct horse battery staple';

/** A logged-in dashboard session: its cookie and CSRF token. */
export interface Session {
  cookie: string;
  csrf: string;
}

export interface TestServer {
  app: FastifyInstance;
  context: AppContext;
  /** One session per role, for users named after their role. */
  sessions: Record<Role, Session>;
  /** One API token per role. */
  tokens: Record<Role, string>;
  login(username: string, password?: string): Promise<Session>;
  /** Sends a request as a session (adding the CSRF header to unsafe methods). */
  as(session: Session | undefined, options: InjectOptions): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export const DAY = 86_400_000;

/** A device with TikTok, seen `daysAgo` days ago, in the Belgian ban's scope. */
export function tiktokDevice(serial: string, daysAgo = 3, extra: Partial<InventorySnapshot['device']> = {}) {
  return {
    source: 'csv',
    device: {
      sourceDeviceId: serial,
      serial,
      name: `phone-${serial}`,
      platform: 'android',
      ownership: 'owned',
      group: 'federal/finance',
      ...extra,
    },
    observedAt: new Date(Date.now() - daysAgo * DAY).toISOString(),
    apps: [{ kind: 'package', value: 'com.zhiliaoapp.musically', name: 'TikTok' }],
    coverage: 'full',
  } satisfies InventorySnapshot;
}

/** The server over a test store, with the Belgian example ban applied and a user and token per role. */
export async function startTestServer(store: Store, options: AppOptions = {}): Promise<TestServer> {
  const context = contextFromStore(store);
  const { ban } = await loadBanFile(
    join(packageRoot(), 'examples', 'be-federal-tiktok-2023.yaml'),
    context.catalog,
  );
  if (!ban) throw new Error('the example ban does not load');
  await context.compliance.applyBan(ban, { appliedBy: 'test' });
  const app = await buildApp(context, { loginRatePerMinute: 1000, ...options });
  const login = async (username: string, password = PASSWORD): Promise<Session> => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username, password },
    });
    if (response.statusCode !== 200)
      throw new Error(`login ${username}: ${response.statusCode} ${response.body}`);
    const cookie = response.cookies.find((c) => c.name === 'appban_session');
    if (!cookie) throw new Error('login set no session cookie');
    return { cookie: `appban_session=${cookie.value}`, csrf: response.json().csrfToken };
  };
  const sessions = {} as Record<Role, Session>;
  const tokens = {} as Record<Role, string>;
  for (const role of ROLES) {
    await context.auth.createUser({ username: role, role, password: PASSWORD, actor: 'test' });
    sessions[role] = await login(role);
    tokens[role] = (
      await context.auth.createToken({ name: `${role}-token`, role, expiresInDays: 1, actor: 'test' })
    ).token;
  }
  const as = (session: Session | undefined, options: InjectOptions) => {
    const headers: Record<string, string> = { ...(options.headers as Record<string, string> | undefined) };
    if (session) {
      headers.cookie = session.cookie;
      if (!['GET', 'HEAD'].includes(String(options.method ?? 'GET'))) headers['x-csrf-token'] = session.csrf;
    }
    return app.inject({ ...options, headers });
  };
  return {
    app,
    context,
    sessions,
    tokens,
    login,
    as,
    close: async () => {
      await app.close();
    },
  };
}
