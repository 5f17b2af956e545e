import { describe, expect, it } from 'vitest';
import { emptyCounts } from '../../src/compliance/engine/states.js';
import { renderCsv, renderHtml, renderReport, renderTable } from '../../src/compliance/report/render.js';
import type { ComplianceReport } from '../../src/compliance/report/report.types.js';

const report: ComplianceReport = {
  at: '2023-04-15T00:00:00.000Z',
  bans: [
    {
      id: 'be-federal-tiktok-2023',
      revision: 2,
      title: 'TikTok on <federal> devices',
      counts: { inScope: 3, compliant: 1, violating: 1, overdue: 1, excepted: 0, unknown: 0 },
      groups: [
        { group: 'federal/finance', counts: { ...emptyCounts(), inScope: 2, compliant: 1, overdue: 1 } },
        { group: null, counts: { ...emptyCounts(), inScope: 1, violating: 1 } },
      ],
    },
  ],
  findings: [
    {
      deviceId: 7,
      deviceName: '=HYPERLINK("http://x")',
      holder: 'Smith, "Al" <al@gov.example>',
      group: 'federal/finance',
      banId: 'be-federal-tiktok-2023',
      state: 'overdue',
      apps: ['TikTok', 'CapCut (name match)'],
      since: '2023-03-10T00:00:00.000Z',
      deadline: '2023-04-09',
    },
    {
      deviceId: 9,
      deviceName: null,
      holder: null,
      group: null,
      banId: 'be-federal-tiktok-2023',
      state: 'violating',
      apps: ['TikTok'],
      since: '2023-04-12T09:00:00.000Z',
      deadline: '2023-05-12',
    },
  ],
};

describe('report renderers', () => {
  it('JSON keeps the contract shape', () => {
    const parsed = JSON.parse(renderReport(report, 'json')) as ComplianceReport;
    expect(Object.keys(parsed)).toEqual(['at', 'bans', 'findings']);
    expect(Object.keys(parsed.bans[0] ?? {})).toEqual(['id', 'revision', 'title', 'counts', 'groups']);
    expect(Object.keys(parsed.bans[0]?.counts ?? {})).toEqual([
      'inScope',
      'compliant',
      'violating',
      'overdue',
      'excepted',
      'unknown',
    ]);
    expect(Object.keys(parsed.findings[0] ?? {})).toEqual([
      'deviceId',
      'deviceName',
      'holder',
      'group',
      'banId',
      'state',
      'apps',
      'since',
      'deadline',
    ]);
  });

  it('CSV names the ban on every row, quotes per RFC 4180 and defuses formulas', () => {
    const lines = renderCsv(report).split('\r\n');
    expect(lines[0]).toBe(
      'at,ban_id,ban_revision,device_id,device_name,holder,group,state,apps,since,deadline',
    );
    expect(lines[1]).toBe(
      '2023-04-15T00:00:00.000Z,be-federal-tiktok-2023,2,7,"\'=HYPERLINK(""http://x"")","Smith, ""Al"" <al@gov.example>",federal/finance,overdue,TikTok; CapCut (name match),2023-03-10T00:00:00.000Z,2023-04-09',
    );
    expect(lines[2]).toBe(
      '2023-04-15T00:00:00.000Z,be-federal-tiktok-2023,2,9,,,,violating,TikTok,2023-04-12T09:00:00.000Z,2023-05-12',
    );
    expect(lines).toHaveLength(4);
  });

  it('HTML is one self-contained page with every value escaped', () => {
    const html = renderHtml(report);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('TikTok on &lt;federal&gt; devices');
    expect(html).toContain('Smith, &quot;Al&quot; &lt;al@gov.example&gt;');
    expect(html).not.toContain('<federal>');
    expect(html).not.toMatch(/<script|<link|src=/);
    expect(html).toContain('@media print');
    expect(html).toContain('(no group)');
  });

  it('the table shows counts per group and the devices to chase', () => {
    const text = renderTable({
      ...report,
      findings: [
        { ...(report.findings[1] as ComplianceReport['findings'][number]), deviceName: 'PHONE\u001b[31m' },
      ],
    });
    expect(text).toContain('be-federal-tiktok-2023 (revision 2): TikTok on <federal> devices');
    expect(text).toMatch(/federal\/finance\s+2\s+1\s+0\s+1\s+0\s+0/);
    expect(text).toMatch(/all\s+3\s+1\s+1\s+1\s+0\s+0/);
    expect(text).toContain('1 device with a banned app');
    expect(text).toContain('PHONE?[31m');
    expect(renderTable({ at: report.at, bans: [], findings: [] })).toContain('No ban has been applied.');
  });
});
