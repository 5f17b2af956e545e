import { expect, it } from 'vitest';
import { storeBanRevision } from '../../src/store/ban-revision.repository.js';
import {
  approveException,
  createException,
  exceptionInForceAt,
  getException,
  listExceptions,
  type NewException,
  revokeException,
} from '../../src/store/exception.repository.js';
import { makeBan } from '../support/bans.js';
import { describeEachDialect } from './harness.js';

const DAY = 86_400_000;
const T0 = Date.UTC(2023, 2, 10);

describeEachDialect('exceptions', ({ store }) => {
  const seedBan = () =>
    store()
      .db.transaction()
      .execute((trx) => storeBanRevision(trx, makeBan(), { appliedBy: 'a', appliedAt: T0 }));

  const input = (overrides: Partial<NewException> = {}): NewException => ({
    id: 'ccb-lab',
    banId: makeBan().id,
    subjects: { group: 'federal/ccb/research', holders: ['eve@example.gov'] },
    reason: 'security-research',
    requestedBy: 'eve@example.gov',
    expiresAt: T0 + 90 * DAY,
    createdAt: T0,
    ...overrides,
  });

  it('goes from requested to approved to revoked, and remembers when', async () => {
    await seedBan();
    const { db } = store();
    const requested = await createException(db, input());
    expect(requested).toMatchObject({ status: 'requested', approvedBy: null, approvedAt: null });
    expect(requested.subjects).toEqual({ group: 'federal/ccb/research', holders: ['eve@example.gov'] });
    expect(exceptionInForceAt(requested, T0 + DAY)).toBe(false);

    const approved = await approveException(db, 'ccb-lab', { approvedBy: 'CCB director', at: T0 + 2 * DAY });
    expect(approved).toMatchObject({
      status: 'approved',
      approvedBy: 'CCB director',
      approvedAt: T0 + 2 * DAY,
    });
    expect(exceptionInForceAt(approved, T0 + DAY)).toBe(false);
    expect(exceptionInForceAt(approved, T0 + 2 * DAY)).toBe(true);
    expect(exceptionInForceAt(approved, T0 + 90 * DAY)).toBe(false);

    const revoked = await revokeException(db, 'ccb-lab', { revokedBy: 'ciso', at: T0 + 30 * DAY });
    expect(revoked).toMatchObject({ status: 'revoked', revokedBy: 'ciso', revokedAt: T0 + 30 * DAY });
    expect(exceptionInForceAt(revoked, T0 + 29 * DAY)).toBe(true);
    expect(exceptionInForceAt(revoked, T0 + 30 * DAY)).toBe(false);
    await expect(
      approveException(db, 'ccb-lab', { approvedBy: 'x', at: T0 + 31 * DAY }),
    ).rejects.toMatchObject({
      code: 'USAGE',
    });
    expect(await getException(db, 'ccb-lab')).toEqual(revoked);
  });

  it('lists exceptions in force at an instant, past instants included', async () => {
    await seedBan();
    const { db } = store();
    await createException(db, input({ id: 'a', approvedBy: 'dir', startsAt: T0 + 10 * DAY }));
    await createException(db, input({ id: 'b', approvedBy: 'dir', expiresAt: T0 + 5 * DAY }));
    await createException(db, input({ id: 'c' }));
    await createException(db, input({ id: 'd', approvedBy: 'dir' }));
    await revokeException(db, 'd', { revokedBy: 'ciso', at: T0 + 3 * DAY });
    const ids = async (activeAt: number) => (await listExceptions(db, { activeAt })).map((e) => e.id);
    expect(await ids(T0 + DAY)).toEqual(['b', 'd']);
    expect(await ids(T0 + 4 * DAY)).toEqual(['b']);
    expect(await ids(T0 + 12 * DAY)).toEqual(['a']);
    expect((await listExceptions(db, { status: ['requested'] })).map((e) => e.id)).toEqual(['c']);
    const soon = await listExceptions(db, { expiring: { from: T0, to: T0 + 14 * DAY } });
    expect(soon.map((e) => e.id)).toEqual(['b']);
  });

  it('refuses a duplicate id, an unknown ban and an expiry before the start', async () => {
    await seedBan();
    const { db } = store();
    await createException(db, input());
    await expect(createException(db, input())).rejects.toMatchObject({ code: 'BAN_DUPLICATE_ID' });
    await expect(createException(db, input({ id: 'x', banId: 'nope' }))).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(
      createException(db, input({ id: 'y', startsAt: T0 + 10 * DAY, expiresAt: T0 + DAY })),
    ).rejects.toMatchObject({ code: 'BAN_EXCEPTION_BEFORE_BAN' });
    await expect(revokeException(db, 'missing', { revokedBy: 'x', at: T0 })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
