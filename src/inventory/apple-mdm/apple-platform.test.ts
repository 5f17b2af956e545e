import { describe, expect, it } from 'vitest';
import type { PlistNode } from '../safe-xml/plist-reader.js';
import { guessApplePlatform } from './apple-platform.js';

function app(entries: Record<string, string | boolean>): Map<string, PlistNode> {
  return new Map(
    Object.entries(entries).map(([key, value]): [string, PlistNode] =>
      typeof value === 'string'
        ? [key, { kind: 'string', line: 1, value }]
        : [key, { kind: 'boolean', line: 1, value }],
    ),
  );
}

describe('guessApplePlatform', () => {
  it('reads iOS from keys Apple documents as absent on macOS', () => {
    expect(guessApplePlatform([app({ Name: 'Tool' }), app({ Identifier: 'com.x', IsAppClip: false })])).toBe(
      'ios',
    );
  });

  it('reads macOS from an app without Identifier or a macOS-only Apple app', () => {
    expect(guessApplePlatform([app({ Identifier: 'com.zhiliaoapp.musically' }), app({ Name: 'Tool' })])).toBe(
      'macos',
    );
    expect(guessApplePlatform([app({ Identifier: 'com.apple.finder' })])).toBe('macos');
  });

  it('defaults to iOS without evidence', () => {
    expect(guessApplePlatform([app({ Identifier: 'com.zhiliaoapp.musically' })])).toBe('ios');
    expect(guessApplePlatform([])).toBe('ios');
  });
});
