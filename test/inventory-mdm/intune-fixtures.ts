import type { DetectedApp, ManagedDevice } from '@microsoft/microsoft-graph-types';

/** `detectedApps` is a managedDevice relationship in Graph beta; the v1.0 typings do not list it. */
export type ManagedDeviceWithApps = ManagedDevice & { detectedApps?: DetectedApp[] };
/** `publisher` and `platform` are beta properties; they are typed here on DetectedApp already. */

const TIKTOK: DetectedApp = {
  id: '0000b1f5c1a2d3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8',
  displayName: 'TikTok',
  version: '34.1.0',
  sizeInByte: 412000000,
  deviceCount: 2,
  publisher: 'TikTok Ltd.',
  platform: 'ios',
};

const OUTLOOK: DetectedApp = {
  id: '0000c2a6d2b3e4f5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9',
  displayName: 'Microsoft Outlook',
  version: '4.2408.0',
  sizeInByte: 310000000,
  deviceCount: 2,
};

export const COMPANY_IPHONE: ManagedDeviceWithApps = {
  id: '6f1c2b3a-4d5e-4f60-8a9b-0c1d2e3f4a5b',
  userId: '0a1b2c3d-0000-4000-8000-000000000001',
  deviceName: 'FIN-IPH-0042',
  managedDeviceOwnerType: 'company',
  enrolledDateTime: '2023-01-09T10:00:00Z',
  lastSyncDateTime: '2023-03-20T08:01:02Z',
  operatingSystem: 'iOS',
  complianceState: 'noncompliant',
  managementAgent: 'mdm',
  osVersion: '16.3.1',
  azureADRegistered: true,
  deviceEnrollmentType: 'appleBulkWithUser',
  emailAddress: 'j.peeters@fed.example.be',
  azureADDeviceId: 'c6a49c6d-8c09-4d71-a37d-2f6a9dfbb69b',
  deviceCategoryDisplayName: 'Finance',
  isSupervised: true,
  model: 'iPhone 14',
  manufacturer: 'Apple',
  serialNumber: 'F2LXJ0TIKTOK',
  userPrincipalName: 'j.peeters@fed.example.be',
  udid: '00008110-000A1C2E3F4A801E',
  detectedApps: [TIKTOK, OUTLOOK],
};

export const PERSONAL_ANDROID: ManagedDeviceWithApps = {
  id: '7a2d3c4b-5e6f-4071-9bac-1d2e3f4a5b6c',
  deviceName: 'Galaxy S23',
  managedDeviceOwnerType: 'personal',
  enrolledDateTime: '2023-02-01T09:00:00Z',
  lastSyncDateTime: '0001-01-01T00:00:00Z',
  operatingSystem: 'Android',
  managementAgent: 'mdm',
  osVersion: '13',
  deviceCategoryDisplayName: 'Unknown',
  userPrincipalName: 'c.martin@fed.example.be',
  detectedApps: [{ ...OUTLOOK, deviceCount: 1 }],
};

export const COMPANY_LAPTOP: ManagedDevice = {
  id: '8b3e4d5c-6f70-4182-acbd-2e3f4a5b6c7d',
  deviceName: 'FIN-LT-0007',
  managedDeviceOwnerType: 'company',
  lastSyncDateTime: '2023-03-19T17:30:00Z',
  operatingSystem: 'Windows',
  osVersion: '10.0.22631.3155',
  managementAgent: 'configurationManagerClientMdm',
  serialNumber: 'PF3XYZ12',
  azureADDeviceId: 'd7b5ad7e-9d1a-4e82-b48e-3e0b7ecc0c70',
};

export const MANAGED_DEVICES_PAGE = {
  '@odata.context':
    'https://graph.microsoft.com/beta/$metadata#deviceManagement/managedDevices(detectedApps())',
  '@odata.count': 3,
  value: [COMPANY_IPHONE, PERSONAL_ANDROID, COMPANY_LAPTOP],
  '@odata.nextLink':
    'https://graph.microsoft.com/beta/deviceManagement/managedDevices?$expand=detectedApps&$skiptoken=abc',
};

/** The tenant-wide list, each app with the devices it is on. */
export const DETECTED_APPS_PAGE = {
  '@odata.context':
    'https://graph.microsoft.com/beta/$metadata#deviceManagement/detectedApps(managedDevices())',
  value: [
    {
      ...TIKTOK,
      managedDevices: [
        {
          id: COMPANY_IPHONE.id,
          deviceName: COMPANY_IPHONE.deviceName,
          operatingSystem: 'iOS',
          managedDeviceOwnerType: 'company',
          lastSyncDateTime: '2023-03-20T08:01:02Z',
          serialNumber: COMPANY_IPHONE.serialNumber,
          userPrincipalName: COMPANY_IPHONE.userPrincipalName,
        },
        { id: '9c4f5e6d-7081-4293-bdce-3f4a5b6c7d8e', deviceName: 'iPad' },
      ],
    },
    {
      ...OUTLOOK,
      managedDevices: [
        {
          id: COMPANY_IPHONE.id,
          deviceName: COMPANY_IPHONE.deviceName,
          lastSyncDateTime: '2023-03-20T08:01:02Z',
        },
      ],
    },
    { ...OUTLOOK, id: 'unused', displayName: 'Unused App', managedDevices: [] },
  ],
};

/** GET /deviceManagement/managedDevices('{id}')/detectedApps: the device is named only in the context. */
export const ONE_DEVICE_DETECTED_APPS = {
  '@odata.context': `https://graph.microsoft.com/beta/$metadata#deviceManagement/managedDevices('${COMPANY_IPHONE.id}')/detectedApps`,
  value: [TIKTOK, OUTLOOK],
};
