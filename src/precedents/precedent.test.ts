import { describe, expect, it } from 'vitest';
import { loadBanText } from '../bans/ban.loader.js';
import { loadCatalog } from '../catalog/catalog.loader.js';
import { findPrecedent, loadPrecedents } from './precedent.loader.js';
import { banFileFromPrecedent } from './precedent.template.js';

const catalog = loadCatalog();

function banFrom(id: string) {
  const text = banFileFromPrecedent(findPrecedent(id), catalog);
  const result = loadBanText(text, `${id}.yaml`, catalog);
  expect(result.problems.filter((p) => p.severity === 'error')).toEqual([]);
  if (!result.ban) throw new Error(`precedent ${id} gave an invalid ban`);
  return { text, ban: result.ban };
}

describe('precedents', () => {
  it('covers every government ban of the research, each with sources', () => {
    const ids = loadPrecedents().map((p) => p.id);
    for (const id of [
      'us-omb-m-23-13',
      'us-far-52-204-27',
      'eu-commission-2023',
      'eu-council-2023',
      'eu-parliament-2023',
      'be-federal-2023',
      'ca-federal-2023',
      'uk-government-2023',
      'dk-defence-2023',
      'nl-central-government-2023',
      'no-government-2023',
      'fr-civil-service-2023',
      'nz-parliament-2023',
      'au-commonwealth-2023',
      'tw-public-sector-2022',
      'ee-state-2023',
      'lv-mfa-2023',
      'us-sd-eo-2022-10',
      'us-tx-2023',
    ]) {
      expect(ids).toContain(id);
    }
    for (const p of loadPrecedents()) expect(p.sources.length).toBeGreaterThan(0);
  });

  it('names only apps the catalog knows', () => {
    for (const p of loadPrecedents())
      for (const app of p.apps) expect(catalog.apps.has(app), `${p.id}: ${app}`).toBe(true);
  });

  it('turns every precedent into a ban file that validates', () => {
    for (const p of loadPrecedents()) banFrom(p.id);
  });

  it('models Belgium: owned and paid devices, at least six months', () => {
    const { ban, text } = banFrom('be-federal-2023');
    expect(ban.scope.ownership).toEqual(['owned', 'paid']);
    expect(ban.period).toMatchObject({ start: '2023-03-10', minimum: 'P6M', review: '2023-09-10' });
    expect(text).toContain('# Ban file modelled on precedent be-federal-2023');
  });

  it('models OMB M-23-13: 30-day removal and the three exception categories', () => {
    const { ban } = banFrom('us-omb-m-23-13');
    expect(ban.removal.deadline).toBe('P30D');
    expect(ban.exceptions.map((e) => e.reason)).toEqual([
      'law-enforcement',
      'national-security',
      'security-research',
    ]);
    expect(ban.exceptions.every((e) => e.expires === '2024-02-27')).toBe(true);
    expect(ban.targets).toContainEqual({ app: 'tiktok-family', includeUnconfirmed: true });
  });

  it('models the European Commission: enrolled personal devices too', () => {
    const { ban } = banFrom('eu-commission-2023');
    expect(ban.scope.ownership).toContain('byod');
  });

  it('opts in to unconfirmed identifiers where an app has no others (Taiwan, Xiaohongshu)', () => {
    const { ban } = banFrom('tw-public-sector-2022');
    expect(ban.targets).toContainEqual({ app: 'xiaohongshu', includeUnconfirmed: true });
  });
});
