import { describe, expect, it } from 'vitest';
import { AppbanError } from '../../lib/errors.js';
import { decodePlistBytes, type PlistNode, parseXmlPlist, readPlist } from './plist-reader.js';

const HEADER =
  '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0">\n';

function failure(run: () => unknown): AppbanError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(AppbanError);
    return error as AppbanError;
  }
  throw new Error('expected an AppbanError');
}

/** Plain values, to compare trees without their line numbers. */
function plain(node: PlistNode): unknown {
  switch (node.kind) {
    case 'dict':
      return Object.fromEntries([...node.entries].map(([key, value]) => [key, plain(value)]));
    case 'array':
      return node.items.map(plain);
    default:
      return node.value;
  }
}

describe('parseXmlPlist', () => {
  it('reads every plist value type', () => {
    const text = `${HEADER}<dict>
  <key>s</key><string> x &amp; y </string>
  <key>i</key><integer>-42</integer>
  <key>big</key><integer>23048830844</integer>
  <key>r</key><real>1.5e2</real>
  <key>t</key><true/>
  <key>f</key><false/>
  <key>d</key><date>2024-03-10T12:00:00Z</date>
  <key>b</key><data>
    AAEC
  </data>
  <key>a</key><array><string>1</string><dict/></array>
</dict>
</plist>`;
    expect(plain(parseXmlPlist(text, 'a.plist'))).toEqual({
      s: ' x & y ',
      i: -42,
      big: 23048830844,
      r: 150,
      t: true,
      f: false,
      d: '2024-03-10T12:00:00.000Z',
      b: 'AAEC',
      a: ['1', {}],
    });
  });

  it('records the line each value starts on', () => {
    const root = parseXmlPlist(
      `${HEADER}<dict>\n<key>k</key>\n<string>v</string>\n</dict>\n</plist>`,
      'a.plist',
    );
    expect(root.line).toBe(4);
    expect(root.kind === 'dict' ? root.entries.get('k')?.line : undefined).toBe(6);
  });

  it('names the line of malformed XML', () => {
    const error = failure(() =>
      parseXmlPlist(`${HEADER}<dict>\n<key>k</key>\n<string>v</strin>\n</dict></plist>`, 'a.plist'),
    );
    expect(error.code).toBe('PARSE_ERROR');
    expect(error.location).toMatchObject({ file: 'a.plist', line: 6 });
  });

  it('refuses values that are not what their element says', () => {
    expect(
      failure(() => parseXmlPlist(`${HEADER}<integer>12a</integer></plist>`, 'a.plist')).message,
    ).toContain('<integer>');
    expect(failure(() => parseXmlPlist(`${HEADER}<date>yesterday</date></plist>`, 'a.plist')).code).toBe(
      'PARSE_ERROR',
    );
    expect(failure(() => parseXmlPlist(`${HEADER}<data>!!</data></plist>`, 'a.plist')).code).toBe(
      'PARSE_ERROR',
    );
    expect(failure(() => parseXmlPlist(`${HEADER}<widget/></plist>`, 'a.plist')).message).toContain(
      '<widget>',
    );
  });

  it('refuses broken dictionaries', () => {
    const missingValue = failure(() =>
      parseXmlPlist(`${HEADER}<dict><key>k</key></dict></plist>`, 'a.plist'),
    );
    expect(missingValue.message).toContain('has no value');
    const twice = failure(() =>
      parseXmlPlist(`${HEADER}<dict><key>k</key><true/><key>k</key><false/></dict></plist>`, 'a.plist'),
    );
    expect(twice.message).toContain('twice');
    const stray = failure(() =>
      parseXmlPlist(`${HEADER}<dict>text<key>k</key><true/></dict></plist>`, 'a.plist'),
    );
    expect(stray.message).toContain('stray text');
  });

  it('refuses a document that is not a plist', () => {
    expect(failure(() => parseXmlPlist('<html><body/></html>', 'a.plist')).message).toContain('not <plist>');
    expect(failure(() => parseXmlPlist(`${HEADER}</plist>`, 'a.plist')).message).toContain(
      'exactly one value',
    );
  });

  it('refuses nesting deeper than any MDM response', () => {
    const deep = `${HEADER}${'<array>'.repeat(100)}${'</array>'.repeat(100)}</plist>`;
    expect(failure(() => parseXmlPlist(deep, 'a.plist')).message).toContain('nested');
  });

  it('runs the XML guard first', () => {
    const hostile =
      '<?xml version="1.0"?>\n<!DOCTYPE plist [<!ENTITY x SYSTEM "file:///etc/passwd">]>\n<plist><string>&x;</string></plist>';
    expect(failure(() => parseXmlPlist(hostile, 'a.plist')).code).toBe('UNSAFE_XML');
  });
});

describe('decodePlistBytes', () => {
  it('refuses binary plists with the command that converts them', () => {
    const error = failure(() =>
      decodePlistBytes(Buffer.from('bplist00\u00d4\u0001\u0002', 'latin1'), 'b.plist'),
    );
    expect(error.code).toBe('PARSE_ERROR');
    expect(error.message).toContain('plutil -convert xml1');
  });

  it('refuses UTF-16, invalid UTF-8 and other declared encodings', () => {
    expect(
      failure(() => decodePlistBytes(Buffer.from([0xff, 0xfe, 0x3c, 0x00]), 'a.plist')).message,
    ).toContain('UTF-16');
    expect(failure(() => decodePlistBytes(Buffer.from([0x3c, 0xc3, 0x28]), 'a.plist')).message).toContain(
      'UTF-8',
    );
    const latin = Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?><plist><true/></plist>');
    expect(failure(() => decodePlistBytes(latin, 'a.plist')).message).toContain('ISO-8859-1');
  });

  it('drops a UTF-8 byte-order mark', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(`${HEADER}<true/></plist>`)]);
    expect(plain(readPlist(bytes, 'a.plist'))).toBe(true);
  });
});
