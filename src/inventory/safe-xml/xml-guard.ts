import { AppbanError } from '../../lib/errors.js';

/**
 * The only document type declaration a plist may carry. Older files name "Apple Computer" as the
 * owner. It names an external DTD, but no parser appban uses ever fetches it.
 */
const STANDARD_PLIST_DOCTYPE =
  /^<!DOCTYPE\s+plist\s+PUBLIC\s+"-\/\/Apple(?: Computer)?\/\/DTD PLIST 1\.0\/\/EN"\s+"http:\/\/www\.apple\.com\/DTDs\/PropertyList-1\.0\.dtd"\s*>/;

const PREDEFINED_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);

/**
 * Refuses XML that could make a parser read files, reach the network or expand entities: any
 * DOCTYPE but Apple's plist one, any markup declaration (`<!ENTITY`, `<!ELEMENT`, ...), processing
 * instructions other than the XML declaration (such as `xml-stylesheet`), XInclude, and references
 * to entities other than the five XML predefines. The check runs on the raw text before any parser
 * sees it, and it does not skip comments or CDATA: a legitimate plist has no reason to hide such
 * markup there, and reading the text the same way the parser does is exactly what an attacker
 * would try to get wrong.
 */
export function assertSafeXml(text: string, file: string): void {
  let doctypes = 0;
  for (const match of text.matchAll(/<!|<\?|&|www\.w3\.org\/2001\/XInclude/gi)) {
    const at = match.index;
    const token = match[0];
    if (token === '<!') {
      if (text.startsWith('<!--', at) || text.startsWith('<![CDATA[', at)) continue;
      if (STANDARD_PLIST_DOCTYPE.test(text.slice(at, at + 512))) {
        doctypes += 1;
        if (doctypes === 1) continue;
        throw unsafe(file, text, at, 'a second DOCTYPE');
      }
      throw unsafe(file, text, at, describeDeclaration(text, at));
    }
    if (token === '<?') {
      if (at === leadingBomLength(text) && /^<\?xml[\s?]/.test(text.slice(at, at + 6))) continue;
      throw unsafe(file, text, at, 'a processing instruction other than the XML declaration');
    }
    if (token === '&') {
      const reference = /^&(#[0-9]+|#x[0-9a-fA-F]+|[A-Za-z_:][\w.:-]*);/.exec(text.slice(at, at + 64));
      const name = reference?.[1];
      if (name === undefined || name.startsWith('#') || PREDEFINED_ENTITIES.has(name)) continue;
      throw unsafe(file, text, at, `a reference to the undeclared entity "&${name.slice(0, 40)};"`);
    }
    throw unsafe(file, text, at, 'the XInclude namespace');
  }
}

function describeDeclaration(text: string, at: number): string {
  const keyword = /^<!([A-Za-z]*)/.exec(text.slice(at, at + 20))?.[1]?.toUpperCase() ?? '';
  if (keyword === 'DOCTYPE') return 'a DOCTYPE other than the standard Apple plist one';
  if (keyword === 'ENTITY') return 'an entity declaration (<!ENTITY)';
  if (keyword === '') return 'a markup declaration';
  return `a markup declaration (<!${keyword})`;
}

function leadingBomLength(text: string): number {
  return text.charCodeAt(0) === 0xfeff ? 1 : 0;
}

function unsafe(file: string, text: string, offset: number, what: string): AppbanError {
  const { line, column } = lineAndColumn(text, offset);
  return new AppbanError(
    'UNSAFE_XML',
    `${what} is not allowed; appban reads plists without DTDs, entities or external references`,
    { location: { file, line, column } },
  );
}

export function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line += 1;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}
