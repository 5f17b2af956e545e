import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { beforeEach, describe, expect, it } from 'vitest';
import { parseExport } from '../../src/audit/audit.export.js';
import { verifyChain, verifyStoredChain } from '../../src/audit/audit.verify.js';
import { contextFromStore } from '../../src/cli/context.js';
import { describeEachDialect } from '../store/harness.js';
import { makeBan } from '../support/bans.js';
import { runCli } from '../support/cli.js';

describeEachDialect('the audit chain', ({ store }) => {
  beforeEach(async () => {
    const context = contextFromStore(store());
    await context.compliance.applyBan(makeBan(), { appliedBy: 'officer-a' });
    await context.auth.createUser({
      username: 'auditor',
      role: 'auditor',
      password: 'long enough password',
      actor: 'admin',
    });
    await context.exceptions.request(
      {
        id: 'ccb-lab',
        banId: 'be-federal-tiktok-2023',
        subjects: { group: 'federal/ccb' },
        reason: 'security-research',
        expiresAt: Date.parse('2024-01-01'),
      },
      'officer-a',
    );
    await context.exceptions.approve('ccb-lab', 'officer-b');
    await context.auth.createToken({ name: 'fleet', role: 'ingest', expiresInDays: 30, actor: 'admin' });
    await context.compliance.applyBan(makeBan({ title: 'TikTok, revised' }), { appliedBy: 'officer-a' });
  });

  const db = () => store().db;

  it('records every change, in order, and verifies', async () => {
    const rows = await db()
      .selectFrom('audit_events')
      .select(['seq', 'action', 'actor'])
      .orderBy('seq')
      .execute();
    expect(rows.map((r) => r.action)).toEqual([
      'ban.created',
      'user.created',
      'exception.requested',
      'exception.approved',
      'token.created',
      'ban.revised',
    ]);
    expect(rows.map((r) => Number(r.seq))).toEqual([1, 2, 3, 4, 5, 6]);
    const result = await verifyStoredChain(db());
    expect(result).toMatchObject({ ok: true, events: 6, problems: [] });
    expect(result.head?.seq).toBe(6);
  });

  it('reports an edited event', async () => {
    await db().updateTable('audit_events').set({ actor: 'someone-else' }).where('seq', '=', 3).execute();
    const result = await verifyStoredChain(db());
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.objectContaining({ seq: 3, kind: 'edited' })]);
  });

  it('reports an edited event whose hash was recomputed, from the broken link after it', async () => {
    const { auditEventHash } = await import('../../src/audit/audit.hash.js');
    const row = await db()
      .selectFrom('audit_events')
      .selectAll()
      .where('seq', '=', 2)
      .executeTakeFirstOrThrow();
    const details = '{"role":"admin"}';
    const hash = auditEventHash({
      seq: 2,
      at: Number(row.at),
      actor: row.actor,
      action: row.action,
      objectType: row.object_type,
      objectId: row.object_id,
      detailsText: details,
      prevHash: row.prev_hash,
    });
    await db().updateTable('audit_events').set({ details, hash }).where('seq', '=', 2).execute();
    const result = await verifyStoredChain(db());
    expect(result.problems).toEqual([expect.objectContaining({ seq: 2, kind: 'edited' })]);
  });

  it('reports a deleted event', async () => {
    await db().deleteFrom('audit_events').where('seq', '=', 4).execute();
    const result = await verifyStoredChain(db());
    expect(result.problems).toEqual([expect.objectContaining({ seq: 5, kind: 'deleted' })]);
    expect(result.problems[0]?.message).toContain('#4');
  });

  it('reports reordered events', async () => {
    await db().updateTable('audit_events').set({ seq: -1 }).where('seq', '=', 2).execute();
    await db().updateTable('audit_events').set({ seq: 2 }).where('seq', '=', 3).execute();
    await db().updateTable('audit_events').set({ seq: 3 }).where('seq', '=', -1).execute();
    const result = await verifyStoredChain(db());
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => p.kind)).toContain('reordered');
    expect(result.problems.every((p) => p.kind === 'reordered')).toBe(true);
    expect(result.problems.map((p) => p.seq)).toEqual(expect.arrayContaining([2, 3]));
  });

  it('reports events removed from the end against the head an auditor kept', async () => {
    const before = await verifyStoredChain(db());
    await db().deleteFrom('audit_events').where('seq', '=', 6).execute();
    const alone = await verifyStoredChain(db());
    expect(alone.ok).toBe(true); // nothing inside the chain shows it…
    const checked = await verifyStoredChain(db(), { expectedHead: before.head?.hash as string });
    expect(checked.problems).toEqual([expect.objectContaining({ kind: 'truncated' })]); // …the kept head does
  });

  it('keeps the chain whole when two changes race (one head lock)', async () => {
    const context = contextFromStore(store());
    await Promise.all(
      Array.from({ length: 8 }, (_, k) =>
        context.auth.createToken({ name: `race-${k}`, role: 'reporter', expiresInDays: 1, actor: 'admin' }),
      ),
    );
    const result = await verifyStoredChain(db());
    expect(result).toMatchObject({ ok: true, events: 14 });
  });

  it('verifies a chain longer than one page, and finds an edit past the first page', async () => {
    const { recordAudit } = await import('../../src/audit/audit.log.js');
    await db()
      .transaction()
      .execute(async (trx) => {
        for (let k = 0; k < 5_200; k++) {
          await recordAudit(trx, {
            actor: 'agent',
            action: 'inventory.imported',
            objectType: 'import',
            objectId: String(k),
            at: 1_700_000_000_000 + k,
          });
        }
      });
    expect(await verifyStoredChain(db())).toMatchObject({ ok: true, events: 5_206 });
    await db().updateTable('audit_events').set({ object_id: 'forged' }).where('seq', '=', 5_100).execute();
    const result = await verifyStoredChain(db());
    expect(result.problems).toEqual([expect.objectContaining({ seq: 5_100, kind: 'edited' })]);
  }, 120_000);

  it('never stores a secret in an event', async () => {
    const rows = await db().selectFrom('audit_events').select('details').execute();
    const text = rows.map((r) => r.details).join('\n');
    expect(text).not.toMatch(/long enough password|abt_|\$argon2/);
    await sql`select 1`.execute(db());
  });
});

describe('appban audit verify and export (CLI)', () => {
  it('exports the chain with its head, verifies it offline, and finds edits in the file and the store', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'appban-audit-'));
    const url = `sqlite:${join(dir, 'a.db')}`;
    const ban = join(dir, 'ban.yaml');
    writeFileSync(ban, readFileSync('examples/be-federal-tiktok-2023.yaml'));
    expect((await runCli(['apply', ban, '--db', url])).code).toBe(0);
    expect((await runCli(['users', 'add', 'ann', '--role', 'officer', '--db', url])).code).toBe(0);
    const ok = await runCli(['audit', 'verify', '--db', url]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/audit chain ok: 2 events, head #2 [0-9a-f]{64}/);

    const file = join(dir, 'audit.jsonl');
    expect((await runCli(['audit', 'export', '--out', file, '--db', url])).code).toBe(0);
    const exported = parseExport(readFileSync(file, 'utf8'));
    expect(exported.rows).toHaveLength(2);
    expect(verifyChain(exported.rows).head).toEqual(exported.head);
    expect((await runCli(['audit', 'verify', '--file', file])).code).toBe(0);

    const tampered = readFileSync(file, 'utf8').replace('"ann"', '"eve"');
    writeFileSync(file, tampered);
    const offline = await runCli(['audit', 'verify', '--file', file, '--json']);
    expect(offline.code).toBe(1);
    expect(JSON.parse(offline.stdout).problems[0]).toMatchObject({ seq: 2, kind: 'edited' });

    const { openStore } = await import('../../src/store/store.js');
    const opened = await openStore(url);
    await opened.db.updateTable('audit_events').set({ object_id: 'eve' }).where('seq', '=', 2).execute();
    await opened.close();
    const broken = await runCli(['audit', 'verify', '--db', url]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toContain('#2 edited');
  });
});

describe('docs/audit.md', () => {
  it("has an offline check, in Python, that accepts appban's export and rejects an edited one", async () => {
    const { execFileSync } = await import('node:child_process');
    const doc = readFileSync('docs/audit.md', 'utf8');
    const script = /```python\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(script).toBeDefined();
    const dir = mkdtempSync(join(tmpdir(), 'appban-audit-py-'));
    const url = `sqlite:${join(dir, 'a.db')}`;
    expect(
      (
        await runCli([
          'apply',
          'examples/be-federal-tiktok-2023.yaml',
          '--by',
          'Frère Jacques — ČSIRT',
          '--db',
          url,
        ])
      ).code,
    ).toBe(0);
    expect((await runCli(['users', 'add', 'zoë', '--role', 'auditor', '--db', url])).code).not.toBe(0);
    expect((await runCli(['users', 'add', 'zoe', '--role', 'auditor', '--db', url])).code).toBe(0);
    const file = join(dir, 'audit-2026-11.jsonl');
    expect((await runCli(['audit', 'export', '--out', file, '--db', url])).code).toBe(0);
    const run = () => execFileSync('python3', ['-c', script as string], { cwd: dir, stdio: 'pipe' });
    expect(run).not.toThrow();
    writeFileSync(file, readFileSync(file, 'utf8').replace('"zoe"', '"eve"'));
    expect(run).toThrow();
  });
});
