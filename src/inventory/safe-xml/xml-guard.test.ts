import { describe, expect, it } from 'vitest';
import { AppbanError } from '../../lib/errors.js';
import { assertSafeXml, lineAndColumn } from './xml-guard.js';

const STANDARD_DOCTYPE =
  '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">';

function plist(prolog: string, body = '<dict/>'): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${prolog}\n<plist version="1.0">\n${body}\n</plist>\n`;
}

function guardError(text: string): AppbanError {
  try {
    assertSafeXml(text, 'response.plist');
  } catch (error) {
    expect(error).toBeInstanceOf(AppbanError);
    return error as AppbanError;
  }
  throw new Error('expected UNSAFE_XML');
}

describe('assertSafeXml', () => {
  it('accepts the standard Apple plist DOCTYPE and the old "Apple Computer" one', () => {
    expect(() => assertSafeXml(plist(STANDARD_DOCTYPE), 'a.plist')).not.toThrow();
    const old = STANDARD_DOCTYPE.replace('-//Apple//', '-//Apple Computer//');
    expect(() => assertSafeXml(plist(old), 'a.plist')).not.toThrow();
    expect(() => assertSafeXml(plist(''), 'a.plist')).not.toThrow();
  });

  it('accepts comments, CDATA, predefined entities and character references', () => {
    const body = '<dict><!-- note --><key>a&amp;b</key><string>&lt;&#65;&#x42;<![CDATA[x]]></string></dict>';
    expect(() => assertSafeXml(plist(STANDARD_DOCTYPE, body), 'a.plist')).not.toThrow();
  });

  it('refuses an external entity and names the file and line', () => {
    const text = plist('<!DOCTYPE plist [<!ENTITY x SYSTEM "file:///etc/passwd">]>', '<string>&x;</string>');
    const error = guardError(text);
    expect(error.code).toBe('UNSAFE_XML');
    expect(error.location).toEqual({ file: 'response.plist', line: 2, column: 1 });
    expect(error.message).toContain('DOCTYPE other than the standard Apple plist one');
  });

  it('refuses a billion-laughs document before anything expands it', () => {
    const lol = [
      '<!DOCTYPE lolz [',
      ' <!ENTITY lol "lol">',
      ' <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">',
      ' <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">',
      ']>',
    ].join('\n');
    const error = guardError(plist(lol, '<string>&lol3;</string>'));
    expect(error.code).toBe('UNSAFE_XML');
    expect(error.location?.line).toBe(2);
  });

  it('refuses an entity declaration even after the standard DOCTYPE', () => {
    const text = plist(`${STANDARD_DOCTYPE}\n<!ENTITY x "y">`);
    const error = guardError(text);
    expect(error.code).toBe('UNSAFE_XML');
    expect(error.message).toContain('<!ENTITY');
    expect(error.location?.line).toBe(3);
  });

  it('refuses the standard DOCTYPE with an internal subset', () => {
    const withSubset = STANDARD_DOCTYPE.replace('>', ' [<!ENTITY x "y">]>');
    expect(guardError(plist(withSubset)).code).toBe('UNSAFE_XML');
  });

  it('refuses a second DOCTYPE', () => {
    expect(guardError(plist(`${STANDARD_DOCTYPE}\n${STANDARD_DOCTYPE}`)).message).toContain('second DOCTYPE');
  });

  it('refuses a reference to an undeclared entity', () => {
    const error = guardError(plist(STANDARD_DOCTYPE, '<string>&xxe;</string>'));
    expect(error.code).toBe('UNSAFE_XML');
    expect(error.message).toContain('&xxe;');
    expect(error.location?.line).toBe(4);
  });

  it('refuses stylesheet processing instructions and XInclude', () => {
    expect(guardError(plist('<?xml-stylesheet href="http://evil/x.xsl"?>')).message).toContain(
      'processing instruction',
    );
    const xinclude =
      '<array xmlns:xi="http://www.w3.org/2001/XInclude"><xi:include href="/etc/passwd"/></array>';
    expect(guardError(plist(STANDARD_DOCTYPE, xinclude)).message).toContain('XInclude');
  });

  it('refuses a lower-case doctype and parameter entities', () => {
    expect(guardError(plist('<!doctype plist SYSTEM "http://evil/x.dtd">')).code).toBe('UNSAFE_XML');
    expect(guardError(plist('<!DOCTYPE plist [<!ENTITY % p SYSTEM "http://evil/p.dtd"> %p;]>')).code).toBe(
      'UNSAFE_XML',
    );
  });
});

describe('lineAndColumn', () => {
  it('counts lines and columns from one', () => {
    expect(lineAndColumn('ab\ncd\nef', 0)).toEqual({ line: 1, column: 1 });
    expect(lineAndColumn('ab\ncd\nef', 4)).toEqual({ line: 2, column: 2 });
    expect(lineAndColumn('ab\ncd\nef', 6)).toEqual({ line: 3, column: 1 });
  });
});
