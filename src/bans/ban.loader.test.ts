import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../catalog/catalog.loader.js';
import { packageRoot } from '../lib/paths.js';
import { loadBanFile, loadBanText } from './ban.loader.js';

const catalog = loadCatalog();

/** A valid ban; each test breaks one line of it. Line numbers below refer to this text. */
const VALID = `id: test-ban
title: Test ban
authority: Security team
basis:
  summary: Because
targets:
  - app: tiktok
scope:
  ownership: [owned, paid]
period:
  start: 2023-03-10
  minimum: P6M
  review: 2023-09-10
removal:
  deadline: P30D
exceptions:
  - id: lab
    devices: { group: federal/lab }
    reason: security-research
    approved_by: CISO
    expires: 2023-12-31
`;

function check(text: string) {
  return loadBanText(text, 'ban.yaml', catalog);
}

function only(text: string) {
  const result = check(text);
  expect(result.ok).toBe(false);
  return result.problems;
}

describe('ban file validation', () => {
  it('accepts the valid ban and maps it to the domain type', () => {
    const result = check(VALID);
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.ban?.targets).toEqual([{ app: 'tiktok', includeUnconfirmed: false }]);
    expect(result.ban?.exceptions[0]).toMatchObject({
      id: 'lab',
      approvedBy: 'CISO',
      subjects: { group: 'federal/lab' },
    });
    expect(result.ban?.scope.platforms).toBe('all');
    expect(result.ban?.network).toBe(false);
  });

  it('rejects an unknown field at its key', () => {
    const problems = only(VALID.replace('  review: 2023-09-10', '  review: 2023-09-10\n  reviw: 2023-10-10'));
    expect(problems).toEqual([
      expect.objectContaining({ code: 'BAN_UNKNOWN_FIELD', line: 14, column: 3, path: 'period.reviw' }),
    ]);
  });

  it('rejects a ban with no targets', () => {
    const problems = only(VALID.replace('  - app: tiktok', '').replace('targets:', 'targets: []'));
    expect(problems).toEqual([expect.objectContaining({ code: 'BAN_NO_TARGETS', line: 6, column: 10 })]);
  });

  it('names an unknown app and suggests the closest catalog id', () => {
    const problems = only(VALID.replace('app: tiktok', 'app: tiktokk'));
    expect(problems).toEqual([
      expect.objectContaining({ code: 'BAN_UNKNOWN_APP', line: 7, column: 10, path: 'targets[0].app' }),
    ]);
    expect(problems[0]?.message).toContain('did you mean tiktok?');
  });

  it('names an unknown publisher and suggests the closest one', () => {
    const problems = only(VALID.replace('app: tiktok', 'publisher: bytedanse'));
    expect(problems).toEqual([
      expect.objectContaining({ code: 'BAN_UNKNOWN_PUBLISHER', line: 7, column: 16 }),
    ]);
    expect(problems[0]?.message).toContain('did you mean bytedance?');
  });

  it('rejects a malformed date and an impossible one', () => {
    expect(only(VALID.replace('start: 2023-03-10', 'start: 10/03/2023'))).toEqual([
      expect.objectContaining({ code: 'BAN_INVALID_DATE', line: 11, column: 10, path: 'period.start' }),
    ]);
    expect(only(VALID.replace('expires: 2023-12-31', 'expires: 2023-02-30'))).toEqual([
      expect.objectContaining({
        code: 'BAN_INVALID_DATE',
        line: 21,
        column: 14,
        path: 'exceptions[0].expires',
      }),
    ]);
  });

  it('rejects an end before the start', () => {
    const problems = only(VALID.replace('  review: 2023-09-10', '  review: 2023-09-10\n  end: 2023-01-01'));
    expect(problems.filter((p) => p.severity === 'error')).toEqual([
      expect.objectContaining({ code: 'BAN_END_BEFORE_START', line: 14, column: 8 }),
    ]);
  });

  it('rejects a review before the start', () => {
    const problems = only(VALID.replace('review: 2023-09-10', 'review: 2023-03-01'));
    expect(problems).toEqual([
      expect.objectContaining({ code: 'BAN_REVIEW_BEFORE_START', line: 13, column: 11 }),
    ]);
  });

  it('rejects an end before start plus the minimum duration', () => {
    const problems = only(VALID.replace('  review: 2023-09-10', '  review: 2023-09-10\n  end: 2023-09-09'));
    expect(problems.filter((p) => p.severity === 'error')).toEqual([
      expect.objectContaining({ code: 'BAN_PERIOD_TOO_SHORT', line: 14, column: 8 }),
    ]);
    expect(problems[0]?.message).toContain('2023-09-10');
    expect(check(VALID.replace('  review: 2023-09-10', '  review: 2023-09-10\n  end: 2023-09-10')).ok).toBe(
      true,
    );
  });

  it('rejects minimum and removal deadline that are not ISO 8601 durations', () => {
    expect(only(VALID.replace('minimum: P6M', 'minimum: 6 months'))).toEqual([
      expect.objectContaining({ code: 'BAN_INVALID_DURATION', line: 12, column: 12, path: 'period.minimum' }),
    ]);
    expect(only(VALID.replace('deadline: P30D', 'deadline: 30'))).toEqual([
      expect.objectContaining({
        code: 'BAN_INVALID_DURATION',
        line: 15,
        column: 13,
        path: 'removal.deadline',
      }),
    ]);
  });

  it.each([
    ['reason', '    reason: security-research\n'],
    ['approved_by', '    approved_by: CISO\n'],
    ['expires', '    expires: 2023-12-31\n'],
  ])('rejects an exception without %s', (field, line) => {
    const problems = only(VALID.replace(line, ''));
    expect(problems).toEqual([
      expect.objectContaining({
        code: 'BAN_EXCEPTION_INCOMPLETE',
        line: 17,
        column: 5,
        path: 'exceptions[0]',
      }),
    ]);
    expect(problems[0]?.message).toContain(field);
  });

  it('warns, without failing, when an exception outlives the ban', () => {
    const result = check(VALID.replace('  review: 2023-09-10', '  review: 2023-09-10\n  end: 2023-10-01'));
    expect(result.ok).toBe(true);
    expect(result.problems).toEqual([
      expect.objectContaining({
        severity: 'warning',
        code: 'BAN_EXCEPTION_OUTLIVES_BAN',
        line: 22,
        column: 14,
      }),
    ]);
  });

  it('rejects duplicate exception ids and duplicate targets', () => {
    const twice = `${VALID}  - id: lab\n    devices: { group: federal/other }\n    reason: x\n    approved_by: y\n    expires: 2023-11-30\n`;
    expect(only(twice)).toEqual([expect.objectContaining({ code: 'BAN_DUPLICATE_ID', line: 22, column: 9 })]);
    expect(only(VALID.replace('  - app: tiktok', '  - app: tiktok\n  - app: tiktok'))).toEqual([
      expect.objectContaining({ code: 'BAN_DUPLICATE_ID', line: 8, column: 5 }),
    ]);
  });

  it('reports every problem in the file at once, in line order', () => {
    const broken = VALID.replace('app: tiktok', 'app: nope-nothing')
      .replace('start: 2023-03-10', 'start: yesterday')
      .replace('    approved_by: CISO\n', '')
      .replace('title: Test ban', 'title: Test ban\ncolour: red');
    const codes = only(broken).map((p) => `${p.line}:${p.code}`);
    expect(codes).toEqual([
      '3:BAN_UNKNOWN_FIELD',
      '8:BAN_UNKNOWN_APP',
      '12:BAN_INVALID_DATE',
      '18:BAN_EXCEPTION_INCOMPLETE',
    ]);
  });

  it('reports missing required fields and wrong types', () => {
    const problems = only(
      VALID.replace('title: Test ban\n', '').replace('ownership: [owned, paid]', 'ownership: [rented]'),
    );
    expect(problems).toEqual([
      expect.objectContaining({ code: 'BAN_MISSING_FIELD', path: 'title', line: 1, column: 1 }),
      expect.objectContaining({ code: 'BAN_INVALID_VALUE', path: 'scope.ownership[0]', line: 8, column: 15 }),
    ]);
  });

  it('reports YAML syntax errors with their position and refuses documents that are not mappings', () => {
    expect(only('id: x\ntitle: ok\nauthority: a: b\n')[0]).toMatchObject({
      code: 'BAN_YAML_SYNTAX',
      line: 3,
    });
    expect(only('- just\n- a list\n')[0]).toMatchObject({ code: 'BAN_NOT_A_MAPPING', line: 1, column: 1 });
  });

  it('refuses alias bombs instead of expanding them', () => {
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 0; i < 8; i++)
      bomb.push(
        `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(97 + i)}`)
          .join(', ')}]`,
      );
    expect(only(bomb.join('\n'))[0]?.code).toBe('BAN_YAML_SYNTAX');
  });

  it('accepts every example ban file', async () => {
    const dir = join(packageRoot(), 'examples');
    const files = readdirSync(dir).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const file of files) {
      const result = await loadBanFile(join(dir, file), catalog);
      expect(result.problems, file).toEqual([]);
    }
  });
});
