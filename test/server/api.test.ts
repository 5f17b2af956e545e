import { afterEach, beforeEach, expect, it } from 'vitest';
import { describeEachDialect } from '../store/harness.js';
import { PASSWORD, startTestServer, type TestServer, tiktokDevice } from './harness.js';

describeEachDialect('the HTTP API', ({ store }) => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startTestServer(store(), { loginRatePerMinute: 12, bodyLimit: 64 * 1024 });
  });
  afterEach(async () => server.close());
  const admin = () => server.sessions.admin;

  it('serves an OpenAPI 3.1 document that describes every route', async () => {
    const response = await server.app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(response.statusCode).toBe(200);
    const doc = response.json();
    expect(doc.openapi).toBe('3.1.0');
    const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>).flatMap(
      ([path, methods]) =>
        Object.keys(methods).map((m) => `${m.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`),
    );
    const registered = server.app.apiRoutes
      .filter((r) => r.url !== '/api/openapi.json')
      .map((r) => `${r.method} ${r.url}`);
    expect(documented.sort()).toEqual(registered.sort());
    expect(doc.paths['/api/v1/exceptions'].post.requestBody).toBeDefined();
    expect(doc.components.securitySchemes.token).toMatchObject({ type: 'http', scheme: 'bearer' });
  });

  it('logs in with an HttpOnly SameSite cookie, needs CSRF for changes, and logs out', async () => {
    const login = await server.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { username: 'officer', password: PASSWORD },
    });
    expect(login.statusCode).toBe(200);
    const setCookie = String(login.headers['set-cookie']);
    expect(setCookie).toMatch(/appban_session=[^;]+;/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    expect(login.json()).toMatchObject({ user: { username: 'officer', role: 'officer' } });
    const session = server.sessions.officer;
    const noCsrf = await server.app.inject({
      method: 'POST',
      url: '/api/v1/exceptions',
      headers: { cookie: session.cookie },
      payload: {
        banId: 'be-federal-tiktok-2023',
        subjects: { group: 'x' },
        reason: 'r',
        expires: '2030-01-01',
      },
    });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().error.code).toBe('CSRF_FAILED');
    const me = await server.as(session, { method: 'GET', url: '/api/v1/auth/me' });
    expect(me.json().permissions).toContain('bans:write');

    const fresh = await server.login('officer');
    expect((await server.as(fresh, { method: 'POST', url: '/api/v1/auth/logout' })).statusCode).toBe(204);
    const after = await server.as(fresh, { method: 'GET', url: '/api/v1/auth/me' });
    expect(after.statusCode).toBe(401);
  });

  it('refuses wrong passwords the same way for unknown users, and rate-limits login', async () => {
    const attempt = (username: string, password: string) =>
      server.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
    const wrong = await attempt('admin', 'not the password');
    const unknown = await attempt('nobody', 'not the password');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.json().error).toEqual(wrong.json().error);
    const statuses: number[] = [];
    // Setup logged five users in; two attempts above: the twelfth attempt in the minute is the last allowed.
    for (let k = 0; k < 6; k++) statuses.push((await attempt('admin', 'still wrong')).statusCode);
    expect(statuses).toContain(429);
    const limited = await attempt('admin', PASSWORD);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
  });

  it('puts every error in the envelope, refuses unknown fields and large bodies', async () => {
    const bad = await server.as(admin(), { method: 'GET', url: '/api/v1/reports?at=2023-02-30' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toEqual({
      error: { code: 'USAGE', message: expect.stringContaining('2023-02-30') },
      requestId: expect.any(String),
    });
    expect((await server.as(admin(), { method: 'GET', url: '/api/v1/reports?colour=red' })).statusCode).toBe(
      400,
    );
    const missing = await server.as(admin(), { method: 'GET', url: '/api/v1/nothing-here' });
    expect(missing.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
    const huge = await server.as(admin(), {
      method: 'POST',
      url: '/api/v1/checkin',
      payload: {
        device: { id: 'BIG', platform: 'ios' },
        apps: Array.from({ length: 3000 }, (_, k) => ({ kind: 'bundle-id', value: `com.example.app${k}` })),
      },
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('INPUT_TOO_LARGE');
  });

  it('creates a ban revision from YAML, shows it and diffs it; refuses an invalid file with its problems', async () => {
    const current = await server.as(admin(), { method: 'GET', url: '/api/v1/bans/be-federal-tiktok-2023' });
    expect(current.statusCode).toBe(200);
    const detail = current.json();
    expect(detail).toMatchObject({
      revision: 1,
      timeline: { start: '2023-03-10', minimumEnd: '2023-09-10' },
    });
    const revised = await server.as(admin(), {
      method: 'POST',
      url: '/api/v1/bans',
      headers: { 'content-type': 'application/yaml' },
      payload: detail.yaml.replace(/^title: .*$/m, 'title: TikTok and its variants on federal devices'),
    });
    expect(revised.statusCode).toBe(201);
    expect(revised.json()).toMatchObject({ status: 'revised', revision: 2, changedFields: ['title'] });
    const diff = await server.as(admin(), {
      method: 'GET',
      url: '/api/v1/bans/be-federal-tiktok-2023/diff?from=1&to=2',
    });
    expect(diff.json().changes).toEqual([
      {
        path: 'title',
        before: 'TikTok on federal government devices',
        after: 'TikTok and its variants on federal devices',
      },
    ]);
    const invalid = await server.as(admin(), {
      method: 'POST',
      url: '/api/v1/bans',
      headers: { 'content-type': 'application/yaml' },
      payload:
        'id: broken\ntitle: x\nauthority: y\nbasis: { summary: z }\ntargets: [{ app: tiktk }]\nperiod: { start: 2023-02-30 }\n',
    });
    expect(invalid.statusCode).toBe(422);
    const codes = (invalid.json().problems as { code: string; line: number }[]).map((p) => p.code);
    expect(codes).toEqual(expect.arrayContaining(['BAN_UNKNOWN_APP', 'BAN_INVALID_DATE']));
    const list = await server.as(admin(), { method: 'GET', url: '/api/v1/bans' });
    expect(list.json().bans.map((b: { id: string }) => b.id)).toEqual(['be-federal-tiktok-2023']);
  });

  it('downloads enforcement artifacts per target', async () => {
    const targets = await server.as(admin(), {
      method: 'GET',
      url: '/api/v1/bans/be-federal-tiktok-2023/enforcement',
    });
    const hosts = targets.json().targets.find((t: { target: string }) => t.target === 'hosts');
    expect(hosts).toMatchObject({ available: true });
    const file = await server.as(admin(), {
      method: 'GET',
      url: '/api/v1/bans/be-federal-tiktok-2023/enforcement/hosts',
    });
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-disposition']).toMatch(/attachment; filename=/);
    expect(file.body).toMatch(/^0\.0\.0\.0 www\.tiktok\.com$/m);
    const unknown = await server.as(admin(), {
      method: 'GET',
      url: '/api/v1/bans/be-federal-tiktok-2023/enforcement/nope',
    });
    expect(unknown.statusCode).toBe(400);
  });

  it('answers a check-in with the device findings once committed, and shows the violation at once', async () => {
    const d = tiktokDevice('CHK1', 0);
    const response = await server.app.inject({
      method: 'POST',
      url: '/api/v1/checkin',
      headers: { authorization: `Bearer ${server.tokens.ingest}` },
      payload: {
        source: 'agent',
        device: {
          id: 'CHK1',
          serial: 'CHK1',
          platform: 'android',
          ownership: 'owned',
          group: 'federal/finance',
        },
        apps: d.apps,
      },
    });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.findings).toEqual([
      expect.objectContaining({
        banId: 'be-federal-tiktok-2023',
        state: expect.stringMatching(/violating|overdue/),
      }),
    ]);
    const device = await server.as(admin(), { method: 'GET', url: `/api/v1/devices/${body.deviceId}` });
    expect(device.statusCode).toBe(200);
    const future = await server.app.inject({
      method: 'POST',
      url: '/api/v1/checkin',
      headers: { authorization: `Bearer ${server.tokens.ingest}` },
      payload: { device: { id: 'CHK2', platform: 'ios' }, apps: [], observedAt: '2999-01-01T00:00:00Z' },
    });
    expect(future.statusCode).toBe(400);
  });

  it('imports an inventory file all or nothing, naming the line at fault', async () => {
    const auth = { authorization: `Bearer ${server.tokens.ingest}`, 'content-type': 'text/csv' };
    const header = 'device_id,platform,app_id,app_name,observed_at,ownership,group\n';
    const good = await server.app.inject({
      method: 'POST',
      url: '/api/v1/inventory',
      headers: auth,
      payload: `${header}F1,android,com.zhiliaoapp.musically,TikTok,2026-01-01T00:00:00Z,owned,federal\n`,
    });
    expect(good.statusCode).toBe(200);
    expect(good.json()).toMatchObject({ format: 'csv', sniffed: true, snapshots: 1, devices: 1 });
    const before = await store()
      .db.selectFrom('snapshots')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    const bad = await server.app.inject({
      method: 'POST',
      url: '/api/v1/inventory?format=csv',
      headers: auth,
      payload: `${header}F2,android,com.zhiliaoapp.musically,TikTok,2026-01-01T00:00:00Z,owned,federal\nF3,android,x,y,not-a-date,owned,federal\n`,
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json().error.message).toMatch(/line 3/);
    expect(bad.json().error.message).not.toMatch(/appban-upload-/);
    const after = await store()
      .db.selectFrom('snapshots')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirst();
    expect(Number(after?.n)).toBe(Number(before?.n));
  });

  it('runs exceptions: request, approve, revoke, each in the audit chain', async () => {
    const requested = await server.as(server.sessions.officer, {
      method: 'POST',
      url: '/api/v1/exceptions',
      payload: {
        banId: 'be-federal-tiktok-2023',
        id: 'police-undercover',
        subjects: { group: 'federal/police' },
        reason: 'law-enforcement',
        expires: '2030-12-31',
      },
    });
    expect(requested.statusCode).toBe(201);
    expect(requested.json()).toMatchObject({ status: 'requested', requestedBy: 'officer', inForce: false });
    const approved = await server.as(admin(), {
      method: 'POST',
      url: '/api/v1/exceptions/police-undercover/approve',
    });
    expect(approved.json()).toMatchObject({
      status: 'approved',
      approvedBy: 'admin',
      inForce: true,
      lastDay: '2030-12-31',
    });
    const revoked = await server.as(admin(), {
      method: 'POST',
      url: '/api/v1/exceptions/police-undercover/revoke',
    });
    expect(revoked.json()).toMatchObject({ status: 'revoked', inForce: false });
    const missing = await server.as(admin(), { method: 'POST', url: '/api/v1/exceptions/none-such/approve' });
    expect(missing.statusCode).toBe(404);
    const audit = await server.as(server.sessions.auditor, {
      method: 'GET',
      url: '/api/v1/audit?limit=1000',
    });
    const actions = audit
      .json()
      .events.map((e: { action: string; actor: string }) => `${e.action} ${e.actor}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        'exception.requested officer',
        'exception.approved admin',
        'exception.revoked admin',
        'user.created test',
        'token.created test',
        'ban.created test',
      ]),
    );
    const verify = await server.as(server.sessions.auditor, { method: 'GET', url: '/api/v1/audit/verify' });
    expect(verify.json()).toMatchObject({ ok: true, problems: [] });
    const exported = await server.as(server.sessions.auditor, { method: 'GET', url: '/api/v1/audit/export' });
    const lines = exported.body
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines.at(-1)).toEqual({ head: verify.json().head, events: lines.length - 1 });
  });

  it('creates tokens shown once, lists them without secrets, and revokes them', async () => {
    const created = await server.as(admin(), {
      method: 'POST',
      url: '/api/v1/tokens',
      payload: { name: 'intune-webhook', role: 'ingest', expiresInDays: 30 },
    });
    expect(created.statusCode).toBe(201);
    const { token, id } = created.json();
    expect(token).toMatch(/^abt_[0-9a-f]{12}_/);
    const list = await server.as(admin(), { method: 'GET', url: '/api/v1/tokens' });
    expect(list.body).not.toContain(token.slice(17));
    const use = () =>
      server.app.inject({
        method: 'POST',
        url: '/api/v1/checkin',
        headers: { authorization: `Bearer ${token}` },
        payload: { device: { id: 'TOK', platform: 'ios' }, apps: [] },
      });
    expect((await use()).statusCode).toBe(200);
    expect((await server.as(admin(), { method: 'DELETE', url: `/api/v1/tokens/${id}` })).statusCode).toBe(
      200,
    );
    expect((await use()).statusCode).toBe(401);
    const users = await server.as(admin(), { method: 'GET', url: '/api/v1/users' });
    expect(users.body).not.toMatch(/argon2|password/);
  });
});
