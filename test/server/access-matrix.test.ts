import type { InjectOptions } from 'fastify';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/store/schema.js';
import { describeEachDialect } from '../store/harness.js';
import { startTestServer, type TestServer, tiktokDevice } from './harness.js';

/**
 * Every /api route × every role (and no credentials at all), on both databases. The table below is
 * the specification, written out role by role rather than derived from the code's permission map:
 * a route the app registers without a row here fails the test, so no route ships unreviewed.
 *
 * `roles`: who may call it (2xx expected); `seeOnly`: who may see but not change (403); everyone
 * else gets 404, as if the route or object did not exist; no credentials get 401.
 */
interface Seeds {
  banId: string;
  deviceId: number;
  requestedException: string;
  tokenId: string;
  channelId: number;
  next(): number;
}

interface Entry {
  roles: readonly Role[] | 'public' | 'any';
  seeOnly?: readonly Role[];
  /** Needs a session of its own (logout ends it). */
  freshSession?: boolean;
  request(seeds: Seeds): InjectOptions;
}

const READERS: Role[] = ['admin', 'officer', 'auditor'];
const REPORT_READERS: Role[] = ['admin', 'officer', 'auditor', 'reporter'];
const CSV = 'device_id,platform,app_id,app_name,observed_at,ownership,group\n';

const MATRIX: Record<string, Entry> = {
  'GET /api/openapi.json': { roles: 'public', request: () => ({ method: 'GET', url: '/api/openapi.json' }) },
  'GET /api/v1/health': { roles: 'public', request: () => ({ method: 'GET', url: '/api/v1/health' }) },
  'POST /api/v1/auth/login': {
    roles: 'public',
    request: () => ({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'reporter', password: 'correct horse battery staple' },
    }),
  },
  'GET /api/v1/auth/me': { roles: 'any', request: () => ({ method: 'GET', url: '/api/v1/auth/me' }) },
  'POST /api/v1/auth/logout': {
    roles: 'any',
    freshSession: true,
    request: () => ({ method: 'POST', url: '/api/v1/auth/logout' }),
  },
  'GET /api/v1/catalog/apps': {
    roles: REPORT_READERS,
    request: () => ({ method: 'GET', url: '/api/v1/catalog/apps' }),
  },
  'GET /api/v1/catalog/apps/:id': {
    roles: REPORT_READERS,
    request: () => ({ method: 'GET', url: '/api/v1/catalog/apps/tiktok' }),
  },
  'GET /api/v1/precedents': {
    roles: REPORT_READERS,
    request: () => ({ method: 'GET', url: '/api/v1/precedents' }),
  },
  'GET /api/v1/bans': { roles: READERS, request: () => ({ method: 'GET', url: '/api/v1/bans' }) },
  'POST /api/v1/bans': {
    roles: ['admin', 'officer'],
    seeOnly: ['auditor'],
    request: (s) => ({
      method: 'POST',
      url: '/api/v1/bans',
      headers: { 'content-type': 'application/yaml' },
      payload: `id: matrix-${s.next()}\ntitle: Matrix\nauthority: Test\nbasis: { summary: test }\ntargets: [{ app: tiktok }]\nperiod: { start: 2023-03-10 }\n`,
    }),
  },
  'GET /api/v1/bans/:id': {
    roles: READERS,
    request: (s) => ({ method: 'GET', url: `/api/v1/bans/${s.banId}` }),
  },
  'GET /api/v1/bans/:id/revisions/:revision': {
    roles: READERS,
    request: (s) => ({ method: 'GET', url: `/api/v1/bans/${s.banId}/revisions/1?format=yaml` }),
  },
  'GET /api/v1/bans/:id/diff': {
    roles: READERS,
    request: (s) => ({ method: 'GET', url: `/api/v1/bans/${s.banId}/diff?from=1&to=1` }),
  },
  'GET /api/v1/bans/:id/enforcement': {
    roles: READERS,
    request: (s) => ({ method: 'GET', url: `/api/v1/bans/${s.banId}/enforcement` }),
  },
  'GET /api/v1/bans/:id/enforcement/:target': {
    roles: READERS,
    request: (s) => ({ method: 'GET', url: `/api/v1/bans/${s.banId}/enforcement/hosts` }),
  },
  'GET /api/v1/exceptions': { roles: READERS, request: () => ({ method: 'GET', url: '/api/v1/exceptions' }) },
  'POST /api/v1/exceptions': {
    roles: ['admin', 'officer'],
    seeOnly: ['auditor'],
    request: (s) => ({
      method: 'POST',
      url: '/api/v1/exceptions',
      payload: {
        banId: s.banId,
        id: `matrix-x${s.next()}`,
        subjects: { group: 'federal/police' },
        reason: 'law-enforcement',
        expires: '2031-12-31',
      },
    }),
  },
  'POST /api/v1/exceptions/:id/approve': {
    roles: ['admin', 'officer'],
    seeOnly: ['auditor'],
    request: (s) => ({ method: 'POST', url: `/api/v1/exceptions/${s.requestedException}/approve` }),
  },
  'POST /api/v1/exceptions/:id/revoke': {
    roles: ['admin', 'officer'],
    seeOnly: ['auditor'],
    request: (s) => ({ method: 'POST', url: `/api/v1/exceptions/${s.requestedException}/revoke` }),
  },
  'GET /api/v1/devices': { roles: READERS, request: () => ({ method: 'GET', url: '/api/v1/devices' }) },
  'GET /api/v1/devices/:id': {
    roles: READERS,
    request: (s) => ({ method: 'GET', url: `/api/v1/devices/${s.deviceId}` }),
  },
  'GET /api/v1/findings': { roles: READERS, request: () => ({ method: 'GET', url: '/api/v1/findings' }) },
  'GET /api/v1/overview': {
    roles: REPORT_READERS,
    request: () => ({ method: 'GET', url: '/api/v1/overview' }),
  },
  'GET /api/v1/reports': {
    roles: REPORT_READERS,
    request: () => ({ method: 'GET', url: '/api/v1/reports?format=csv' }),
  },
  'GET /api/v1/reports/trend': {
    roles: REPORT_READERS,
    request: (s) => ({ method: 'GET', url: `/api/v1/reports/trend?ban=${s.banId}&points=3` }),
  },
  'POST /api/v1/checkin': {
    roles: ['admin', 'ingest'],
    request: (s) => {
      const d = tiktokDevice(`MATRIX${s.next()}`);
      return {
        method: 'POST',
        url: '/api/v1/checkin',
        payload: {
          device: { id: d.device.sourceDeviceId, platform: 'android', ownership: 'owned', group: 'federal' },
          apps: d.apps,
        },
      };
    },
  },
  'POST /api/v1/inventory': {
    roles: ['admin', 'ingest'],
    request: (s) => ({
      method: 'POST',
      url: '/api/v1/inventory?format=csv',
      headers: { 'content-type': 'text/csv' },
      payload: `${CSV}FILE${s.next()},android,com.zhiliaoapp.musically,TikTok,2026-01-01T00:00:00Z,owned,federal\n`,
    }),
  },
  'GET /api/v1/audit': {
    roles: ['admin', 'auditor'],
    request: () => ({ method: 'GET', url: '/api/v1/audit' }),
  },
  'GET /api/v1/audit/verify': {
    roles: ['admin', 'auditor'],
    request: () => ({ method: 'GET', url: '/api/v1/audit/verify' }),
  },
  'GET /api/v1/audit/export': {
    roles: ['admin', 'auditor'],
    request: () => ({ method: 'GET', url: '/api/v1/audit/export' }),
  },
  'GET /api/v1/users': {
    roles: ['admin', 'auditor'],
    request: () => ({ method: 'GET', url: '/api/v1/users' }),
  },
  'POST /api/v1/users': {
    roles: ['admin'],
    seeOnly: ['auditor'],
    request: (s) => ({
      method: 'POST',
      url: '/api/v1/users',
      payload: { username: `u${s.next()}`, role: 'reporter' },
    }),
  },
  'GET /api/v1/tokens': {
    roles: ['admin', 'auditor'],
    request: () => ({ method: 'GET', url: '/api/v1/tokens' }),
  },
  'POST /api/v1/tokens': {
    roles: ['admin'],
    seeOnly: ['auditor'],
    request: (s) => ({
      method: 'POST',
      url: '/api/v1/tokens',
      payload: { name: `t${s.next()}`, role: 'ingest' },
    }),
  },
  'DELETE /api/v1/tokens/:id': {
    roles: ['admin'],
    seeOnly: ['auditor'],
    request: (s) => ({ method: 'DELETE', url: `/api/v1/tokens/${s.tokenId}` }),
  },
  'GET /api/v1/notifications/channels': {
    roles: ['admin', 'auditor'],
    request: () => ({ method: 'GET', url: '/api/v1/notifications/channels' }),
  },
  'POST /api/v1/notifications/channels': {
    roles: ['admin'],
    seeOnly: ['auditor'],
    request: () => ({
      method: 'POST',
      url: '/api/v1/notifications/channels',
      payload: { kind: 'email', target: 'soc@example.gov' },
    }),
  },
  'DELETE /api/v1/notifications/channels/:id': {
    roles: ['admin'],
    seeOnly: ['auditor'],
    request: (s) => ({ method: 'DELETE', url: `/api/v1/notifications/channels/${s.channelId}` }),
  },
  'GET /api/v1/notifications/deliveries': {
    roles: ['admin', 'auditor'],
    request: () => ({ method: 'GET', url: '/api/v1/notifications/deliveries' }),
  },
};

describeEachDialect('every route × every role', ({ store }) => {
  let server: TestServer;
  let seeds: Seeds;

  beforeEach(async () => {
    server = await startTestServer(store());
    const { context } = server;
    const ingested = await context.compliance.ingest([tiktokDevice('SEED1')]);
    let counter = 0;
    const token = await context.auth.createToken({
      name: 'to-revoke',
      role: 'ingest',
      expiresInDays: 1,
      actor: 'test',
    });
    const channel = await server.as(server.sessions.admin, {
      method: 'POST',
      url: '/api/v1/notifications/channels',
      payload: { kind: 'webhook', target: 'http://127.0.0.1:9/hook' },
    });
    expect(channel.statusCode).toBe(201);
    const requested = await context.exceptions.request(
      {
        id: 'seed-request',
        banId: 'be-federal-tiktok-2023',
        subjects: { group: 'federal/ccb' },
        reason: 'security-research',
        expiresAt: Date.parse('2031-01-01'),
      },
      'test',
    );
    seeds = {
      banId: 'be-federal-tiktok-2023',
      deviceId: ingested.deviceIds[0] as number,
      requestedException: requested.id,
      tokenId: token.record.id,
      channelId: channel.json().id,
      next: () => ++counter,
    };
  });
  afterEach(async () => server.close());

  it('has a row for every registered route, and a route for every row', () => {
    const registered = server.app.apiRoutes.map((r) => `${r.method} ${r.url}`).sort();
    const missing = registered.filter((key) => !(key in MATRIX));
    expect(missing, 'routes without a row in the access matrix').toEqual([]);
    expect(Object.keys(MATRIX).sort()).toEqual(registered);
  });

  it('answers each role as the matrix says', async () => {
    const failures: string[] = [];
    for (const [key, entry] of Object.entries(MATRIX)) {
      for (const role of [...ROLES, undefined]) {
        const session =
          role === undefined
            ? undefined
            : entry.freshSession
              ? await server.login(role)
              : server.sessions[role];
        const response = await server.as(session, entry.request(seeds));
        const allowed =
          entry.roles === 'public' ||
          (role !== undefined && (entry.roles === 'any' || entry.roles.includes(role)));
        const expected = allowed
          ? '2xx'
          : role === undefined
            ? '401 AUTH_REQUIRED'
            : entry.seeOnly?.includes(role)
              ? '403 FORBIDDEN'
              : '404 NOT_FOUND';
        const code =
          response.statusCode < 300 ? undefined : (response.json().error?.code as string | undefined);
        const actual = response.statusCode < 300 ? '2xx' : `${response.statusCode} ${code}`;
        if (actual !== expected)
          failures.push(
            `${key} as ${role ?? 'anonymous'}: ${actual} (${response.body.slice(0, 160)}), expected ${expected}`,
          );
      }
    }
    expect(failures).toEqual([]);
  });

  it('treats API tokens like sessions of their role, without CSRF', async () => {
    const auth = (role: Role) => ({ authorization: `Bearer ${server.tokens[role]}` });
    const asIngest = await server.app.inject({
      method: 'POST',
      url: '/api/v1/checkin',
      headers: auth('ingest'),
      payload: { device: { id: 'TOKEN1', platform: 'ios' }, apps: [] },
    });
    expect(asIngest.statusCode).toBe(200);
    const reporterOnDevices = await server.app.inject({
      method: 'GET',
      url: '/api/v1/devices',
      headers: auth('reporter'),
    });
    expect(reporterOnDevices.statusCode).toBe(404);
    const auditorWrites = await server.app.inject({
      method: 'POST',
      url: '/api/v1/exceptions/seed-request/approve',
      headers: auth('auditor'),
    });
    expect(auditorWrites.statusCode).toBe(403);
    const bad = await server.app.inject({
      method: 'GET',
      url: '/api/v1/bans',
      headers: { authorization: `Bearer ${server.tokens.admin.slice(0, -2)}xx` },
    });
    expect(bad.statusCode).toBe(401);
    expect(bad.json().error.code).toBe('AUTH_FAILED');
  });
});
