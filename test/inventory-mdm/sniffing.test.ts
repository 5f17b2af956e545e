import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { amapiSource } from '../../src/inventory/amapi/amapi.source.js';
import { appleMdmSource } from '../../src/inventory/apple-mdm/apple-mdm.source.js';
import { intuneSource } from '../../src/inventory/intune/intune.source.js';
import { jamfSource } from '../../src/inventory/jamf/jamf.source.js';
import { santaSource } from '../../src/inventory/santa/santa.source.js';
import type { InventorySource } from '../../src/inventory/snapshot.types.js';
import { sample, samplesAvailable } from '../support/samples.js';
import { COMPANY_PHONE, DEVICES_PAGE } from './amapi-fixtures.js';
import { COMPANY_IPHONE, DETECTED_APPS_PAGE, MANAGED_DEVICES_PAGE } from './intune-fixtures.js';
import { COMPUTERS_PAGE, MOBILE_DEVICE_DETAIL, MOBILE_DEVICES_PAGE } from './jamf-fixtures.js';
import { IOS_INSTALLED_APPS, plist } from './plists.js';

const SOURCES: InventorySource[] = [appleMdmSource, amapiSource, jamfSource, intuneSource, santaSource];

const SANTA_UPLOAD = {
  events: [
    { file_sha256: 'a3f1', execution_time: 1710061200.25, decision: 'ALLOW_UNKNOWN', file_bundle_id: 'x' },
  ],
  machine_id: 'M',
};

const OWN_FILES: [string, string, string][] = [
  ['apple-mdm', 'installed.plist', plist(IOS_INSTALLED_APPS)],
  [
    'apple-mdm',
    'webhook.json',
    JSON.stringify({ topic: 'mdm.Connect', acknowledge_event: { raw_payload: 'PD94' } }),
  ],
  ['amapi', 'devices.json', JSON.stringify(DEVICES_PAGE, null, 2)],
  ['amapi', 'device.json', JSON.stringify(COMPANY_PHONE)],
  ['jamf', 'computers.json', JSON.stringify(COMPUTERS_PAGE, null, 2)],
  ['jamf', 'mobile.json', JSON.stringify(MOBILE_DEVICES_PAGE, null, 2)],
  ['jamf', 'detail.json', JSON.stringify(MOBILE_DEVICE_DETAIL, null, 2)],
  ['intune', 'managedDevices.json', JSON.stringify(MANAGED_DEVICES_PAGE, null, 2)],
  ['intune', 'detectedApps.json', JSON.stringify(DETECTED_APPS_PAGE, null, 2)],
  ['intune', 'device.json', JSON.stringify(COMPANY_IPHONE)],
  ['santa', 'eventupload.json', JSON.stringify(SANTA_UPLOAD)],
];

describe('each source recognises its own files and scores the others low', () => {
  for (const [owner, fileName, content] of OWN_FILES) {
    it(`${owner} claims ${fileName}`, () => {
      const head = content.slice(0, 65536);
      const scores = Object.fromEntries(SOURCES.map((source) => [source.name, source.sniff(head, fileName)]));
      expect(scores[owner]).toBeGreaterThanOrEqual(0.8);
      for (const source of SOURCES) {
        if (source.name !== owner)
          expect(scores[source.name], `${source.name} on ${fileName}`).toBeLessThan(0.5);
      }
    });
  }
});

describe.skipIf(!samplesAvailable)('public samples of other formats score low', () => {
  const foreign = [
    ['fleet', 'cmd_osquery-perf_macos_vulnerable-software.json'],
    ['osquery', 'result-logs', 'elastic-beats_filebeat_module_osquery_result_test_test.log'],
    ['osquery', 'packs', 'it-compliance.conf'],
    ['santa', 'google-santa_sync_preflight_request.json'],
    ['santa', 'google-santa_sync_ruledownload_batch2.json'],
    ['santa', 'google-santa_com.google.santa.example.mobileconfig'],
    ['enforcement-tamu', 'apple_mobile-devices_Global_-_Block_TikTok_V2.mobileconfig'],
    ['apple-device-management', 'mdm_commands_application.installed.list.yaml'],
  ];
  for (const parts of foreign) {
    it(parts.join('/'), async () => {
      const head = (await readFile(sample(...parts), 'utf8')).slice(0, 65536);
      const name = parts.at(-1) ?? '';
      for (const source of SOURCES) expect(source.sniff(head, name), source.name).toBeLessThan(0.5);
    });
  }
});
