import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Ban } from '../../src/bans/ban.types.js';
import { loadCatalog } from '../../src/catalog/catalog.loader.js';
import { banPolicy, mergeBanIntoPolicy } from '../../src/enforce/android/android-policy.build.js';
import { androidPolicyTarget } from '../../src/enforce/android/android-policy.target.js';
import { enforcementContext } from '../../src/enforce/enforce.context.js';
import { makeBan } from '../support/bans.js';
import { sample, samplesAvailable } from '../support/samples.js';

/** The parts of a Google API discovery document this check reads. */
interface DiscoverySchema {
  $ref?: string;
  type?: string;
  enum?: string[];
  properties?: Record<string, DiscoverySchema>;
  items?: DiscoverySchema;
  additionalProperties?: DiscoverySchema;
}
interface DiscoveryDocument {
  rootUrl: string;
  schemas: Record<string, DiscoverySchema>;
  resources: {
    enterprises: {
      resources: {
        policies: {
          methods: {
            patch: { httpMethod: string; path: string; parameters: Record<string, { pattern?: string }> };
          };
        };
      };
    };
  };
}

/** Every place where `value` uses a field or enum value the schema does not define, as `$.path: problem`. */
function schemaProblems(
  value: unknown,
  schema: DiscoverySchema,
  doc: DiscoveryDocument,
  path = '$',
): string[] {
  if (schema.$ref) {
    const target = doc.schemas[schema.$ref];
    return target ? schemaProblems(value, target, doc, path) : [`${path}: unknown schema ${schema.$ref}`];
  }
  if (schema.type === 'array') {
    if (!Array.isArray(value)) return [`${path}: expected an array`];
    return value.flatMap((item, index) => schemaProblems(item, schema.items ?? {}, doc, `${path}[${index}]`));
  }
  if (schema.type === 'object') {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      return [`${path}: expected an object`];
    return Object.entries(value).flatMap(([key, inner]) => {
      const property = schema.properties?.[key] ?? schema.additionalProperties;
      return property
        ? schemaProblems(inner, property, doc, `${path}.${key}`)
        : [`${path}.${key}: not in the schema`];
    });
  }
  if (schema.type === 'string') {
    if (typeof value !== 'string') return [`${path}: expected a string`];
    if (schema.enum && !schema.enum.includes(value))
      return [`${path}: ${value} is not one of ${schema.enum.join(', ')}`];
    return [];
  }
  if (schema.type === 'boolean' && typeof value !== 'boolean') return [`${path}: expected a boolean`];
  return [];
}

/** Whether a field-mask path names a field of the schema, following nested messages. */
function maskPathExists(path: string, schemaName: string, doc: DiscoveryDocument): boolean {
  let schema: DiscoverySchema | undefined = doc.schemas[schemaName];
  for (const part of path.split('.')) {
    const property: DiscoverySchema | undefined = schema?.properties?.[part];
    if (!property) return false;
    schema = property.$ref ? doc.schemas[property.$ref] : property;
  }
  return true;
}

const BANS: Ban[] = [
  makeBan(),
  makeBan({ targets: [{ publisher: 'bytedance', includeUnconfirmed: true }] }),
  makeBan({ scope: { ownership: ['byod'], groups: { include: [], exclude: [] }, platforms: ['android'] } }),
];

describe.skipIf(!samplesAvailable)('android-policy against the AMAPI discovery document', () => {
  const doc = samplesAvailable
    ? (JSON.parse(
        readFileSync(sample('android-management', 'androidmanagement.v1.discovery.json'), 'utf8'),
      ) as DiscoveryDocument)
    : undefined;
  const catalog = loadCatalog();
  const generate = (ban: Ban) => androidPolicyTarget.generate(enforcementContext(ban, catalog));
  const policySchema: DiscoverySchema = { $ref: 'Policy' };

  it('uses only fields of Policy, ApplicationPolicy, PersonalUsagePolicies and StatusReportingSettings, and allowed enum values', () => {
    if (!doc) throw new Error('no discovery document');
    expect(doc.schemas.ApplicationPolicy?.properties?.installType?.enum).toContain('BLOCKED');
    expect(doc.schemas.PersonalApplicationPolicy?.properties?.installType?.enum).toContain('BLOCKED');
    for (const ban of BANS) {
      const policy: unknown = JSON.parse(generate(ban).artifacts[0]?.content ?? '');
      expect(schemaProblems(policy, policySchema, doc)).toEqual([]);
    }
  });

  it('finds a misspelt field and an unknown enum value, so the check above can fail', () => {
    if (!doc) throw new Error('no discovery document');
    const bad = {
      applications: [{ packageName: 'a.app', installType: 'BLOCK' }],
      personalUsagePolicies: { personalApplications: [{ packageName: 'a.app', instalType: 'BLOCKED' }] },
      statusReportingSettings: { applicationReportEnabled: true },
    };
    expect(schemaProblems(bad, policySchema, doc)).toEqual([
      expect.stringMatching(/^\$\.applications\[0\]\.installType: BLOCK is not one of /),
      '$.personalUsagePolicies.personalApplications[0].instalType: not in the schema',
      '$.statusReportingSettings.applicationReportEnabled: not in the schema',
    ]);
  });

  it('keeps a merged policy valid', () => {
    if (!doc) throw new Error('no discovery document');
    const existing = {
      playStoreMode: 'WHITELIST',
      applications: [{ packageName: 'com.microsoft.teams', installType: 'FORCE_INSTALLED' }],
      statusReportingSettings: { hardwareStatusEnabled: true },
    };
    const merged = mergeBanIntoPolicy(
      existing,
      banPolicy(['com.zhiliaoapp.musically'], { personalProfile: true }),
    );
    expect(schemaProblems(merged, policySchema, doc)).toEqual([]);
  });

  it('sends the PATCH the discovery document describes, with an update mask of real Policy fields', () => {
    if (!doc) throw new Error('no discovery document');
    const patch = doc.resources.enterprises.resources.policies.methods.patch;
    expect(patch.httpMethod).toBe('PATCH');
    expect(patch.path).toBe('v1/{+name}');
    for (const ban of BANS) {
      const match = /^PATCH (\S+?)\/(enterprises\/[^/]+\/policies\/[^/?]+)\?updateMask=(\S+)$/.exec(
        generate(ban).deployTo,
      );
      expect(match).not.toBeNull();
      const [, base, name, mask] = match as RegExpExecArray;
      expect(`${base}/`).toBe(`${doc.rootUrl}v1/`);
      expect(name).toMatch(new RegExp(patch.parameters.name?.pattern ?? '^$'));
      for (const path of (mask ?? '').split(','))
        expect(maskPathExists(path, 'Policy', doc), path).toBe(true);
    }
    expect(maskPathExists('statusReportingSettings.applicationReportEnabled', 'Policy', doc)).toBe(false);
  });
});
