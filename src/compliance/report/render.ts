import type { StateCounts } from '../engine/states.js';
import type { ComplianceReport, ReportFinding } from './report.types.js';

export const REPORT_FORMATS = ['table', 'json', 'csv', 'html'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export function renderReport(report: ComplianceReport, format: ReportFormat): string {
  switch (format) {
    case 'table':
      return renderTable(report);
    case 'json':
      return `${JSON.stringify(report, null, 2)}\n`;
    case 'csv':
      return renderCsv(report);
    case 'html':
      return renderHtml(report);
  }
}

const COUNT_COLUMNS: readonly (keyof StateCounts)[] = [
  'inScope',
  'compliant',
  'violating',
  'overdue',
  'excepted',
  'unknown',
];
const COUNT_HEADINGS = ['in scope', 'compliant', 'violating', 'overdue', 'excepted', 'unknown'];

function findingCells(f: ReportFinding): string[] {
  return [
    f.state,
    f.deadline ?? '',
    f.since.slice(0, 10),
    f.deviceName ?? String(f.deviceId),
    f.holder ?? '',
    f.group ?? '',
    f.apps.join(', '),
  ];
}
const FINDING_HEADINGS = ['state', 'deadline', 'since', 'device', 'holder', 'group', 'apps'];

// ---------------------------------------------------------------------------------------------
// Plain text

function columns(rows: string[][], numeric: (column: number) => boolean = () => false): string {
  const widths: number[] = [];
  for (const row of rows) {
    for (const [c, cell] of row.entries()) widths[c] = Math.max(widths[c] ?? 0, [...cell].length);
  }
  return rows
    .map((row) =>
      row
        .map((cell, c) => {
          const pad = ' '.repeat((widths[c] ?? 0) - [...cell].length);
          return numeric(c) ? pad + cell : cell + pad;
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** Control characters from inventories must not move a terminal's cursor or colour it. */
function printable(text: string): string {
  let out = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    out += code < 0x20 || (code >= 0x7f && code <= 0x9f) ? '?' : char;
  }
  return out;
}

export function renderTable(report: ComplianceReport): string {
  const out: string[] = [`Compliance at ${report.at}`];
  if (report.bans.length === 0) out.push('', 'No ban has been applied.');
  for (const ban of report.bans) {
    out.push('', printable(`${ban.id} (revision ${ban.revision}): ${ban.title}`));
    const rows = [
      ['group', ...COUNT_HEADINGS],
      ...ban.groups.map((g) => [
        printable(g.group ?? '(no group)'),
        ...COUNT_COLUMNS.map((k) => String(g.counts[k])),
      ]),
      ['all', ...COUNT_COLUMNS.map((k) => String(ban.counts[k]))],
    ];
    out.push(columns(rows, (c) => c > 0).replace(/^/gm, '  '));
    const findings = report.findings.filter((f) => f.banId === ban.id);
    if (findings.length > 0) {
      out.push('', `  ${findings.length} device${findings.length === 1 ? '' : 's'} with a banned app:`);
      out.push(
        columns([FINDING_HEADINGS, ...findings.map((f) => findingCells(f).map(printable))]).replace(
          /^/gm,
          '  ',
        ),
      );
    }
  }
  return `${out.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// CSV (RFC 4180), one row per violating or overdue device, each naming its ban

/** Quotes a cell; cells a spreadsheet would run as a formula get a leading apostrophe. */
function csvCell(value: string | number | null): string {
  let text = value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function renderCsv(report: ComplianceReport): string {
  const revision = new Map(report.bans.map((b) => [b.id, b.revision]));
  const header = [
    'at',
    'ban_id',
    'ban_revision',
    'device_id',
    'device_name',
    'holder',
    'group',
    'state',
    'apps',
    'since',
    'deadline',
  ];
  const rows = report.findings.map((f) =>
    [
      report.at,
      f.banId,
      revision.get(f.banId) ?? null,
      f.deviceId,
      f.deviceName,
      f.holder,
      f.group,
      f.state,
      f.apps.join('; '),
      f.since,
      f.deadline,
    ]
      .map(csvCell)
      .join(','),
  );
  return `${[header.join(','), ...rows].join('\r\n')}\r\n`;
}

// ---------------------------------------------------------------------------------------------
// HTML: one self-contained page, every value escaped, readable on paper

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

const STYLE = `
body{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1a1a1a;margin:2rem auto;max-width:72rem;padding:0 1rem}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:2rem 0 .5rem;border-bottom:2px solid #1a1a1a}
p.meta{color:#555;margin:0 0 1rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem}
th,td{border:1px solid #bbb;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#eee}td.n{text-align:right;font-variant-numeric:tabular-nums}
tr.total td{font-weight:600}
.overdue{color:#a40000;font-weight:600}.violating{color:#8a5a00;font-weight:600}
@media print{body{margin:0;max-width:none;font-size:11px}h2{break-after:avoid}tr{break-inside:avoid}th{background:none}}
`;

export function renderHtml(report: ComplianceReport): string {
  const e = escapeHtml;
  const countCells = (counts: StateCounts) =>
    COUNT_COLUMNS.map((k) => `<td class="n">${counts[k]}</td>`).join('');
  const sections = report.bans.map((ban) => {
    const groupRows = ban.groups
      .map((g) => `<tr><td>${e(g.group ?? '(no group)')}</td>${countCells(g.counts)}</tr>`)
      .join('\n');
    const findings = report.findings.filter((f) => f.banId === ban.id);
    const findingRows = findings
      .map(
        (f) =>
          `<tr><td class="${f.state}">${e(f.state)}</td><td>${e(f.deadline ?? '')}</td><td>${e(f.since.slice(0, 10))}</td>` +
          `<td>${e(f.deviceName ?? String(f.deviceId))}</td><td>${e(f.holder ?? '')}</td><td>${e(f.group ?? '')}</td>` +
          `<td>${e(f.apps.join(', '))}</td></tr>`,
      )
      .join('\n');
    return `<section>
<h2>${e(ban.title)}</h2>
<p class="meta">${e(ban.id)}, revision ${ban.revision}</p>
<table><thead><tr><th>group</th>${COUNT_HEADINGS.map((h) => `<th>${h}</th>`).join('')}</tr></thead>
<tbody>
${groupRows}
<tr class="total"><td>all</td>${countCells(ban.counts)}</tr>
</tbody></table>
${
  findings.length === 0
    ? '<p>No device in scope has a banned app.</p>'
    : `<table><thead><tr>${FINDING_HEADINGS.map((h) => `<th>${h}</th>`).join('')}</tr></thead>
<tbody>
${findingRows}
</tbody></table>`
}
</section>`;
  });
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Compliance at ${e(report.at)}</title>
<style>${STYLE}</style>
</head>
<body>
<h1>App ban compliance</h1>
<p class="meta">At ${e(report.at)}</p>
${sections.length > 0 ? sections.join('\n') : '<p>No ban has been applied.</p>'}
</body>
</html>
`;
}
