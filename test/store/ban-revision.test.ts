import { expect, it } from 'vitest';
import { banContentHash } from '../../src/bans/ban.revision.js';
import {
  getBanRevision,
  listBanRevisions,
  listLatestBanRevisions,
  requireBanRevision,
  storeBanRevision,
} from '../../src/store/ban-revision.repository.js';
import { makeBan } from '../support/bans.js';
import { describeEachDialect } from './harness.js';

const T0 = Date.UTC(2023, 2, 10);
const DAY = 86_400_000;

describeEachDialect('ban revisions', ({ store }) => {
  const apply = (ban: ReturnType<typeof makeBan>, at: number, by = 'officer@example.gov') =>
    store()
      .db.transaction()
      .execute((trx) => storeBanRevision(trx, ban, { appliedBy: by, appliedAt: at }));

  it('numbers revisions from 1 and skips a ban whose content hash is unchanged', async () => {
    const ban = makeBan();
    const first = await apply(ban, T0);
    expect(first.status).toBe('created');
    expect(first.current.revision).toBe(1);
    expect(first.current.contentHash).toBe(banContentHash(ban));
    expect(first.previous).toBeNull();

    // Same content, keys in another order: still unchanged.
    const reordered = Object.fromEntries(Object.entries(ban).reverse()) as typeof ban;
    const again = await apply(reordered, T0 + DAY);
    expect(again.status).toBe('unchanged');
    expect(again.current.revision).toBe(1);
    expect(again.current.appliedAt).toBe(T0);

    const narrowed = makeBan({
      scope: {
        ownership: ['owned'],
        groups: { include: ['federal/finance'], exclude: [] },
        platforms: 'all',
      },
    });
    const second = await apply(narrowed, T0 + 2 * DAY, 'chief@example.gov');
    expect(second.status).toBe('revised');
    expect(second.current.revision).toBe(2);
    expect(second.previous?.revision).toBe(1);
    expect(second.changedFields).toEqual(['scope.groups.include', 'scope.ownership']);

    expect((await listBanRevisions(store().db, ban.id)).map((r) => [r.revision, r.appliedBy])).toEqual([
      [1, 'officer@example.gov'],
      [2, 'chief@example.gov'],
    ]);
    expect((await getBanRevision(store().db, ban.id))?.ban).toEqual(narrowed);
    expect((await getBanRevision(store().db, ban.id, 1))?.ban).toEqual(ban);
  });

  it('names changed exceptions by id', async () => {
    const exception = {
      id: 'ccb-lab',
      subjects: { group: 'federal/ccb' },
      reason: 'security-research',
      approvedBy: 'CCB director',
      expires: '2023-12-31',
    };
    await apply(makeBan({ exceptions: [exception] }), T0);
    const change = await apply(makeBan({ exceptions: [{ ...exception, expires: '2024-06-30' }] }), T0 + DAY);
    expect(change.changedFields).toEqual(['exceptions[ccb-lab].expires']);
  });

  it('lists the latest revision of each ban, now and as of a past instant', async () => {
    await apply(makeBan({ id: 'a-ban' }), T0);
    await apply(makeBan({ id: 'a-ban', title: 'renamed' }), T0 + 10 * DAY);
    await apply(makeBan({ id: 'b-ban' }), T0 + 5 * DAY);
    const now = await listLatestBanRevisions(store().db);
    expect(now.map((r) => [r.banId, r.revision])).toEqual([
      ['a-ban', 2],
      ['b-ban', 1],
    ]);
    const then = await listLatestBanRevisions(store().db, { asOf: T0 + DAY });
    expect(then.map((r) => [r.banId, r.revision])).toEqual([['a-ban', 1]]);
    const title = await store()
      .db.selectFrom('bans')
      .select('title')
      .where('id', '=', 'a-ban')
      .executeTakeFirst();
    expect(title?.title).toBe('renamed');
  });

  it('reports a missing ban or revision as NOT_FOUND', async () => {
    await expect(requireBanRevision(store().db, 'nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await apply(makeBan(), T0);
    await expect(requireBanRevision(store().db, makeBan().id, 7)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
