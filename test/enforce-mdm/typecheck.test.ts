import { describe, expect, it } from 'vitest';
import type { Ban } from '../../src/bans/ban.types.js';
import { loadCatalog } from '../../src/catalog/catalog.loader.js';
import { androidPolicyTarget } from '../../src/enforce/android/android-policy.target.js';
import { enforcementContext } from '../../src/enforce/enforce.context.js';
import type { IntuneRequestsFile } from '../../src/enforce/intune/graph.types.js';
import { intuneTarget } from '../../src/enforce/intune/intune.target.js';
import { makeBan } from '../support/bans.js';
import { importFromCheck, typeCheck } from './tsc-check.js';

/**
 * The artifacts are checked by the TypeScript compiler against the published type definitions:
 * `@googleapis/androidmanagement` for the AMAPI policy and `@microsoft/microsoft-graph-types` for
 * every Graph request body (through graph.types.ts where Graph beta adds documented fields).
 */
const catalog = loadCatalog();

const BANS: Record<string, Ban> = {
  tiktok: makeBan({
    exceptions: [
      {
        id: 'ccb-research-lab',
        subjects: { group: 'federal/ccb/research' },
        reason: 'security-research',
        approvedBy: 'CCB director',
        expires: '2023-12-31',
      },
    ],
  }),
  bytedance: makeBan({
    id: 'all-bytedance',
    targets: [{ publisher: 'bytedance', includeUnconfirmed: true }],
    scope: {
      ownership: ['owned', 'byod'],
      groups: { include: [], exclude: ['federal/police'] },
      platforms: 'all',
    },
  }),
};

const GRAPH_IMPORTS = [
  `import type * as Graph from '@microsoft/microsoft-graph-types';`,
  `import type * as Beta from '${importFromCheck('src/enforce/intune/graph.types.js')}';`,
].join('\n');
const AMAPI_IMPORT = `import type { androidmanagement_v1 } from '@googleapis/androidmanagement';`;

/** The published type each created object must satisfy, by its `@odata.type`. */
const CREATED_TYPES: Record<string, string> = {
  '#microsoft.graph.iosGeneralDeviceConfiguration':
    "Graph.IosGeneralDeviceConfiguration & { '@odata.type': '#microsoft.graph.iosGeneralDeviceConfiguration' }",
  '#microsoft.graph.iosCompliancePolicy': 'Beta.IosComplianceBody',
  '#microsoft.graph.androidDeviceOwnerGeneralDeviceConfiguration': 'Beta.AndroidPersonalProfileBody',
  '#microsoft.graph.androidCompliancePolicy': 'Beta.AndroidComplianceBody',
};

function bodyType(request: IntuneRequestsFile['requests'][number]): string {
  const odataType = (request.body as { '@odata.type'?: string })['@odata.type'];
  if (odataType !== undefined) {
    const type = CREATED_TYPES[odataType];
    if (!type) throw new Error(`request ${request.id}: no type check for ${odataType}`);
    return type;
  }
  if (/\/deviceConfigurations\/[^/]+\/assign$/.test(request.url)) return 'Beta.DeviceConfigurationAssignBody';
  if (/\/deviceCompliancePolicies\/[^/]+\/assign$/.test(request.url))
    return 'Beta.DeviceCompliancePolicyAssignBody';
  if (/\/mobileApps\/[^/]+\/assign$/.test(request.url)) return 'Beta.MobileAppAssignBody';
  throw new Error(`request ${request.id}: no type check for ${request.url}`);
}

function amapiSource(policyJson: string): string {
  return `${AMAPI_IMPORT}\n\nexport const policy: androidmanagement_v1.Schema$Policy = ${policyJson.trim()};\n`;
}

function graphSource(file: IntuneRequestsFile): string {
  const lines = file.requests.map(
    (request, index) =>
      `// ${request.method} ${request.url}\nexport const request${index}: ${bodyType(request)} = ${JSON.stringify(request.body, null, 2)};`,
  );
  return `${GRAPH_IMPORTS}\n\n${lines.join('\n\n')}\n`;
}

function artifacts(ban: Ban) {
  const context = enforcementContext(ban, catalog);
  const policy = androidPolicyTarget.generate(context).artifacts[0]?.content ?? '';
  const requests = JSON.parse(
    intuneTarget.generate(context).artifacts[0]?.content ?? '{}',
  ) as IntuneRequestsFile;
  return { policy, requests };
}

function renameFirstKey(json: string, from: string, to: string): string {
  const renamed = json.replace(`"${from}":`, `"${to}":`);
  if (renamed === json) throw new Error(`no key ${from} to rename`);
  return renamed;
}

describe('artifacts type-check against the published type definitions (tsc --strict)', () => {
  it('compiles every generated policy and request body without an error', () => {
    const files: Record<string, string> = {};
    for (const [name, ban] of Object.entries(BANS)) {
      const { policy, requests } = artifacts(ban);
      files[`${name}-amapi.ts`] = amapiSource(policy);
      files[`${name}-graph.ts`] = graphSource(requests);
    }
    const result = typeCheck(files);
    expect(result.output).toBe('');
    expect(result.status).toBe(0);
  });

  it('fails on a misspelt field or enum value, so the check above can fail', () => {
    const { policy, requests } = artifacts(BANS.tiktok as Ban);
    const mutate = (id: string, edit: (json: string) => string): IntuneRequestsFile => ({
      ...requests,
      requests: requests.requests.map((request) =>
        request.id === id ? { ...request, body: JSON.parse(edit(JSON.stringify(request.body))) } : request,
      ),
    });
    const result = typeCheck({
      'bad-amapi.ts': amapiSource(renameFirstKey(policy, 'installType', 'instalType')),
      'bad-graph-field.ts': graphSource(
        mutate('ios-restrictions', (json) =>
          renameFirstKey(json, 'appsVisibilityListType', 'appsVisibilityListTyp'),
        ),
      ),
      'bad-graph-enum.ts': graphSource(
        mutate('ios-restrictions', (json) => json.replace('"appsNotInListCompliant"', '"appsNotInList"')),
      ),
      'bad-graph-beta.ts': graphSource(
        mutate('ios-compliance', (json) => renameFirstKey(json, 'restrictedApps', 'restrictedApp')),
      ),
      'bad-graph-target.ts': graphSource(
        mutate('ios-restrictions-assign', (json) => renameFirstKey(json, 'groupId', 'groupID')),
      ),
    });
    expect(result.status).not.toBe(0);
    const errorsIn = (file: string) =>
      result.output.split('\n').filter((line) => line.startsWith(`${file}(`));
    expect(errorsIn('bad-amapi.ts').join('\n')).toMatch(/error TS2353:.*\binstalType\b/);
    expect(errorsIn('bad-graph-field.ts').join('\n')).toMatch(/error TS2353:.*\bappsVisibilityListTyp\b/);
    expect(errorsIn('bad-graph-enum.ts').join('\n')).toMatch(/error TS2322:.*"appsNotInList"/);
    expect(errorsIn('bad-graph-beta.ts').join('\n')).toMatch(/error TS2353:.*\brestrictedApp\b/);
    expect(errorsIn('bad-graph-target.ts').join('\n')).toMatch(/error TS2353:.*\bgroupID\b/);
  });
});
