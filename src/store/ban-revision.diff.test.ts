import { describe, expect, it } from 'vitest';
import { makeBan } from '../../test/support/bans.js';
import { diffBanDocuments } from './ban-revision.diff.js';

describe('diffBanDocuments', () => {
  it('names nothing for equal bans, whatever their key order', () => {
    const ban = makeBan();
    const reordered = Object.fromEntries(Object.entries(ban).reverse()) as typeof ban;
    expect(diffBanDocuments(ban, reordered)).toEqual([]);
  });

  it('names changed leaves, whole arrays, and exceptions by id', () => {
    const exception = {
      id: 'lab',
      subjects: { group: 'x' },
      reason: 'r',
      approvedBy: 'a',
      expires: '2024-01-01',
    };
    const before = makeBan({ exceptions: [exception] });
    const after = makeBan({
      title: 'New title',
      targets: [
        { app: 'tiktok', includeUnconfirmed: false },
        { publisher: 'bytedance', includeUnconfirmed: true },
      ],
      period: { start: '2023-03-10' },
      exceptions: [
        { ...exception, reason: 'changed' },
        { ...exception, id: 'new' },
      ],
    });
    expect(diffBanDocuments(before, after)).toEqual([
      'exceptions[lab].reason',
      'exceptions[new]',
      'period.minimum',
      'period.review',
      'targets',
      'title',
    ]);
  });
});
