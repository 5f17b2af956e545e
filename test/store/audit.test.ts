import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import {
  AUDIT_GENESIS_HASH,
  type AuditHasher,
  appendAuditEvent,
  auditHead,
  listAuditEvents,
  listAuditRows,
} from '../../src/store/audit.repository.js';
import { describeEachDialect } from './harness.js';

const T0 = Date.UTC(2023, 2, 10);

/** A stand-in for the audit module's recipe: any function of the event and the previous hash. */
const hasher: AuditHasher = (event) =>
  createHash('sha256')
    .update(JSON.stringify([event.seq, event.prevHash, event.action, event.objectId]))
    .digest('hex');

describeEachDialect('audit chain', ({ store }) => {
  const append = (objectId: string, at = T0) =>
    store()
      .db.transaction()
      .execute((trx) =>
        appendAuditEvent(
          trx,
          { at, actor: 'officer', action: 'ban.apply', objectType: 'ban', objectId, details: { b: 2, a: 1 } },
          hasher,
        ),
      );

  it('chains each event to the one before', async () => {
    expect(await auditHead(store().db)).toBeUndefined();
    const first = await append('x');
    const second = await append('y');
    expect(first).toMatchObject({ seq: 1, prevHash: AUDIT_GENESIS_HASH });
    expect(second).toMatchObject({ seq: 2, prevHash: first.hash });
    expect(await auditHead(store().db)).toEqual({ seq: 2, hash: second.hash });
    const events = await listAuditEvents(store().db);
    expect(events).toEqual([first, second]);
    // Details are stored canonically (sorted keys), so a verifier can re-serialise them.
    expect((await listAuditRows(store().db))[0]?.details).toBe('{"a":1,"b":2}');
  });

  it('never forks the chain under concurrent appends', async () => {
    const events = await Promise.all(Array.from({ length: 12 }, (_, i) => append(`obj-${i}`)));
    const rows = await listAuditEvents(store().db);
    expect(rows.map((e) => e.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    let prev = AUDIT_GENESIS_HASH;
    for (const row of rows) {
      expect(row.prevHash).toBe(prev);
      prev = row.hash;
    }
    expect(new Set(events.map((e) => e.seq)).size).toBe(12);
  });
});
