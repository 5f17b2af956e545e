import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type PlistValue, parse } from 'plist';
import type { Ban } from '../../src/bans/ban.types.js';
import { loadCatalog } from '../../src/catalog/catalog.loader.js';
import type { Catalog } from '../../src/catalog/catalog.types.js';
import { enforcementContext } from '../../src/enforce/enforce.context.js';
import type { EnforcementTarget, TargetOutput } from '../../src/enforce/target.types.js';
import { plistutil } from './debian-tools.js';

export type Dict = Record<string, PlistValue>;

export function isDict(value: PlistValue | undefined): value is Dict {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !(value instanceof Date) &&
    !(value instanceof Uint8Array)
  );
}

export function asDict(value: PlistValue | undefined): Dict {
  if (!isDict(value)) throw new Error(`expected a dict, got ${JSON.stringify(value)}`);
  return value;
}

export function asStrings(value: PlistValue | undefined): string[] {
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new Error(`expected an array of strings, got ${JSON.stringify(value)}`);
  }
  return value as string[];
}

export function parseProfile(xml: string): Dict {
  return asDict(parse(xml));
}

export function payloads(profile: Dict): Dict[] {
  const content = profile.PayloadContent;
  if (!Array.isArray(content)) throw new Error('PayloadContent is not an array');
  return content.map(asDict);
}

export function payloadOfType(profile: Dict, type: string): Dict | undefined {
  return payloads(profile).find((payload) => payload.PayloadType === type);
}

export function generate(
  target: EnforcementTarget,
  ban: Ban,
  catalog: Catalog = loadCatalog(),
): TargetOutput {
  return target.generate(enforcementContext(ban, catalog));
}

export function artifact(output: TargetOutput, suffix: string): string {
  const found = output.artifacts.find((entry) => entry.fileName.endsWith(suffix));
  if (!found)
    throw new Error(`no artifact ending in ${suffix}: ${output.artifacts.map((a) => a.fileName).join(', ')}`);
  return found.content;
}

/**
 * Converts the XML plist to Apple's binary format and back with libplist's plistutil, the way a
 * consumer that does not share our parser reads the file; returns both results.
 */
export function plistutilRoundTrip(xml: string): { binaryMagic: string; backToXml: string } {
  const dir = mkdtempSync(join(tmpdir(), 'appban-plist-'));
  try {
    const source = join(dir, 'profile.mobileconfig');
    const binary = join(dir, 'profile.bin');
    const back = join(dir, 'profile.xml');
    writeFileSync(source, xml);
    plistutil.run(['-i', source, '-o', binary, '-f', 'bin']);
    plistutil.run(['-i', binary, '-o', back, '-f', 'xml']);
    return {
      binaryMagic: readFileSync(binary).subarray(0, 8).toString('latin1'),
      backToXml: readFileSync(back, 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Every PayloadUUID in the profile, top level first. */
export function payloadUuids(profile: Dict): string[] {
  return [profile.PayloadUUID, ...payloads(profile).map((payload) => payload.PayloadUUID)].map(String);
}

export const UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/;
