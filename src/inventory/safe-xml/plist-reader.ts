import { DOMParser, type Element, type Node } from '@xmldom/xmldom';
import { AppbanError } from '../../lib/errors.js';
import { assertSafeXml } from './xml-guard.js';

/** A plist value with the line it starts on, so that callers can point at the offending element. */
export type PlistNode =
  | { kind: 'dict'; line: number; entries: Map<string, PlistNode> }
  | { kind: 'array'; line: number; items: PlistNode[] }
  | { kind: 'string'; line: number; value: string }
  | { kind: 'integer'; line: number; value: number }
  | { kind: 'real'; line: number; value: number }
  | { kind: 'boolean'; line: number; value: boolean }
  /** ISO 8601, UTC. */
  | { kind: 'date'; line: number; value: string }
  /** Base64 text as written, whitespace removed. */
  | { kind: 'data'; line: number; value: string };

/** Nesting this deep is no MDM response; refusing it keeps the recursive walk bounded. */
const MAX_DEPTH = 64;

const ELEMENT_NODE = 1;
const TEXT_NODE = 3;
const CDATA_SECTION_NODE = 4;
const COMMENT_NODE = 8;

/**
 * Turns plist bytes into text. Only XML plists in UTF-8 are read: a binary plist (`bplist00`) is
 * refused with the command that converts it, rather than half-supported.
 */
export function decodePlistBytes(bytes: Uint8Array, file: string): string {
  const magic = Buffer.from(bytes.subarray(0, 8)).toString('latin1');
  if (magic.startsWith('bplist')) {
    throw parseError(
      file,
      1,
      'binary plists are not supported; convert the file first with `plutil -convert xml1 <file>` (macOS) or `plistutil -i <file> -o <out> -f xml` (libplist-utils)',
    );
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw parseError(file, 1, 'the plist is UTF-16; appban reads UTF-8 plists only');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw parseError(file, 1, 'the file is not valid UTF-8');
  }
  const declared = /^<\?xml[^>]*\bencoding\s*=\s*["']([^"']*)["']/.exec(text)?.[1];
  if (declared !== undefined && !/^utf-?8$/i.test(declared)) {
    throw parseError(
      file,
      1,
      `the XML declaration names the encoding "${declared.slice(0, 40)}"; only UTF-8 is read`,
    );
  }
  return text;
}

/** Parses an XML plist after `assertSafeXml` has cleared it. Entities are never resolved. */
export function parseXmlPlist(text: string, file: string): PlistNode {
  assertSafeXml(text, file);
  let documentElement: Element | null;
  try {
    const parser = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') throw new Error(message);
      },
    });
    documentElement = parser.parseFromString(text, 'text/xml').documentElement;
  } catch (error) {
    const locator = (error as { locator?: { lineNumber?: number } }).locator;
    const cause = (error as { cause?: unknown }).cause;
    const detail = cause instanceof Error ? cause.message : 'the XML is not well-formed';
    throw parseError(file, locator?.lineNumber || 1, `not well-formed XML: ${detail.slice(0, 200)}`);
  }
  if (documentElement?.tagName !== 'plist') {
    throw parseError(file, documentElement?.lineNumber ?? 1, 'the root element is not <plist>');
  }
  const values = elementChildren(documentElement, file);
  const root = values[0];
  if (root === undefined || values.length > 1) {
    throw parseError(file, documentElement.lineNumber ?? 1, '<plist> must hold exactly one value');
  }
  return toNode(root, file, 1);
}

export function readPlist(bytes: Uint8Array, file: string): PlistNode {
  return parseXmlPlist(decodePlistBytes(bytes, file), file);
}

function toNode(element: Element, file: string, depth: number): PlistNode {
  const line = element.lineNumber ?? 1;
  if (depth > MAX_DEPTH) throw parseError(file, line, `values are nested more than ${MAX_DEPTH} deep`);
  switch (element.tagName) {
    case 'dict':
      return { kind: 'dict', line, entries: dictEntries(element, file, depth) };
    case 'array':
      return {
        kind: 'array',
        line,
        items: elementChildren(element, file).map((child) => toNode(child, file, depth + 1)),
      };
    case 'string':
      return { kind: 'string', line, value: leafText(element, file) };
    case 'integer': {
      const text = leafText(element, file).trim();
      if (!/^[+-]?(?:\d+|0x[0-9a-fA-F]+)$/.test(text))
        throw parseError(file, line, `<integer> holds "${clip(text)}"`);
      const sign = text.startsWith('-') ? -1 : 1;
      return { kind: 'integer', line, value: sign * Number(text.replace(/^[+-]/, '')) };
    }
    case 'real': {
      const text = leafText(element, file).trim();
      const value = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(text) ? Number(text) : Number.NaN;
      if (Number.isNaN(value)) throw parseError(file, line, `<real> holds "${clip(text)}"`);
      return { kind: 'real', line, value };
    }
    case 'true':
    case 'false':
      if (elementChildren(element, file).length > 0 || leafText(element, file).trim() !== '') {
        throw parseError(file, line, `<${element.tagName}/> must be empty`);
      }
      return { kind: 'boolean', line, value: element.tagName === 'true' };
    case 'date': {
      const text = leafText(element, file).trim();
      const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(text) ? Date.parse(text) : Number.NaN;
      if (Number.isNaN(ms))
        throw parseError(file, line, `<date> holds "${clip(text)}", not YYYY-MM-DDTHH:MM:SSZ`);
      return { kind: 'date', line, value: new Date(ms).toISOString() };
    }
    case 'data': {
      const text = leafText(element, file).replace(/\s+/g, '');
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) throw parseError(file, line, '<data> is not base64');
      return { kind: 'data', line, value: text };
    }
    default:
      throw parseError(file, line, `<${clip(element.tagName)}> is not a plist element`);
  }
}

function dictEntries(element: Element, file: string, depth: number): Map<string, PlistNode> {
  const entries = new Map<string, PlistNode>();
  const children = elementChildren(element, file);
  for (let i = 0; i < children.length; i += 2) {
    const keyElement = children[i] as Element;
    const valueElement = children[i + 1];
    const line = keyElement.lineNumber ?? 1;
    if (keyElement.tagName !== 'key') {
      throw parseError(file, line, `<dict> expects a <key> here, found <${clip(keyElement.tagName)}>`);
    }
    const key = leafText(keyElement, file);
    if (valueElement === undefined) throw parseError(file, line, `the key "${clip(key)}" has no value`);
    if (entries.has(key)) throw parseError(file, line, `the key "${clip(key)}" appears twice in one <dict>`);
    entries.set(key, toNode(valueElement, file, depth + 1));
  }
  return entries;
}

/** Element children, refusing stray text between them (comments and whitespace are fine). */
function elementChildren(element: Element, file: string): Element[] {
  const elements: Element[] = [];
  for (let child: Node | null = element.firstChild; child; child = child.nextSibling) {
    if (child.nodeType === ELEMENT_NODE) {
      elements.push(child as Element);
      continue;
    }
    const ignorable =
      child.nodeType === COMMENT_NODE ||
      ((child.nodeType === TEXT_NODE || child.nodeType === CDATA_SECTION_NODE) && !child.nodeValue?.trim());
    if (!ignorable) {
      throw parseError(
        file,
        child.lineNumber ?? element.lineNumber ?? 1,
        `<${clip(element.tagName)}> holds stray text`,
      );
    }
  }
  return elements;
}

function leafText(element: Element, file: string): string {
  let text = '';
  for (let child: Node | null = element.firstChild; child; child = child.nextSibling) {
    if (child.nodeType === TEXT_NODE || child.nodeType === CDATA_SECTION_NODE) text += child.nodeValue ?? '';
    else if (child.nodeType !== COMMENT_NODE) {
      throw parseError(file, child.lineNumber ?? 1, `<${clip(element.tagName)}> must hold text only`);
    }
  }
  return text;
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

function parseError(file: string, line: number, message: string): AppbanError {
  return new AppbanError('PARSE_ERROR', message, { location: { file, line } });
}
