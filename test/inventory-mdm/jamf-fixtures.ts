/**
 * Jamf Pro API responses, shaped after Jamf's published examples for
 * GET /api/v1/computers-inventory, GET /api/v2/mobile-devices/detail and
 * GET /api/v2/mobile-devices/{id}/detail (values invented; TikTok and CapCut among the apps).
 */
export const COMPUTERS_PAGE = {
  totalCount: 2,
  results: [
    {
      id: '17',
      udid: '5E2B1C4D-8F3A-4B6E-9D0C-1A2B3C4D5E6F',
      general: {
        name: 'FIN-MBP-0042',
        platform: 'Mac',
        reportDate: '2024-03-10T09:12:33.123Z',
        lastContactTime: '2024-03-11T07:00:00.000Z',
        site: { id: '-1', name: 'None' },
        remoteManagement: { managed: true },
      },
      hardware: { make: 'Apple', model: 'MacBook Pro (14-inch, 2023)', serialNumber: 'C02FIN0042XYZ' },
      operatingSystem: { name: 'macOS', version: '14.3.1', build: '23D60' },
      userAndLocation: {
        username: 'a.janssens',
        realname: 'An Janssens',
        email: 'a.janssens@fin.example.be',
        departmentId: '4',
      },
      purchasing: { leased: true, purchased: false, vendor: 'Lease Co' },
      applications: [
        {
          name: 'CapCut.app',
          path: '/Applications/CapCut.app',
          version: '3.6.0',
          macAppStore: true,
          sizeMegabytes: 812,
          bundleId: 'com.lemon.lvoverseas',
          updateAvailable: false,
          externalVersionId: '862347263',
        },
        {
          name: 'Safari.app',
          path: '/Applications/Safari.app',
          version: '17.3.1',
          bundleId: 'com.apple.Safari',
        },
        { name: 'Legacy Tool.app', path: '/Applications/Legacy Tool.app', version: '1.0' },
      ],
    },
    {
      id: '18',
      general: { name: 'FIN-MBA-0043', lastContactTime: '2024-03-09T16:45:00Z' },
      hardware: { serialNumber: 'C02FIN0043XYZ' },
      purchasing: { leased: false, purchased: true },
      applications: null,
    },
  ],
};

export const MOBILE_DEVICES_PAGE = {
  totalCount: 2,
  results: [
    {
      mobileDeviceId: '301',
      deviceType: 'iOS',
      hardware: { serialNumber: 'F2LXJ0TIKTOK', model: 'iPhone 14', modelIdentifier: 'iPhone14,7' },
      userAndLocation: {
        username: 'b.dubois',
        emailAddress: 'b.dubois@fin.example.be',
        departmentId: '4',
        department: 'Finance',
        building: 'Rue de la Loi 16',
      },
      applications: [
        {
          identifier: 'com.zhiliaoapp.musically',
          name: 'TikTok',
          version: '341002',
          shortVersion: '34.1.0',
          managementStatus: 'Unmanaged',
          validationStatus: true,
          bundleSize: '412000000',
          dynamicSize: '1200000000',
        },
        { identifier: 'com.microsoft.Office.Outlook', name: 'Outlook', version: '4.2408.0' },
      ],
      general: {
        udid: '00008110-000A1C2E3F4A801E',
        displayName: "Benoît's iPhone",
        lastInventoryUpdateDate: '2024-03-10T11:48:56.307Z',
        osVersion: '17.3.1',
        managed: true,
        supervised: true,
        deviceOwnershipType: 'Institutional',
      },
      purchasing: { purchased: true, leased: false },
    },
    {
      mobileDeviceId: '302',
      deviceType: 'iOS',
      hardware: { serialNumber: 'G7PERSONAL01' },
      userAndLocation: { username: 'c.martin', department: 'Finance' },
      applications: [{ identifier: 'com.microsoft.Office.Outlook', name: 'Outlook', version: '4.2408.0' }],
      general: {
        udid: '00008030-001D64322168202E',
        displayName: 'iPhone',
        lastInventoryUpdateDate: '2024-03-10T12:00:00Z',
        deviceOwnershipType: 'AccountDrivenUserEnrollment',
      },
    },
  ],
};

export const MOBILE_DEVICE_DETAIL = {
  id: '301',
  name: "Benoît's iPhone",
  assetTag: 'FIN-0301',
  lastInventoryUpdateTimestamp: '2024-03-10T11:48:56.307Z',
  osVersion: '17.3.1',
  serialNumber: 'F2LXJ0TIKTOK',
  udid: '00008110-000A1C2E3F4A801E',
  managed: true,
  deviceOwnershipLevel: 'institutional',
  enrollmentMethod: 'Automated Device Enrollment',
  site: { id: '1', name: 'Brussels' },
  location: {
    username: 'b.dubois',
    realName: 'Benoît Dubois',
    emailAddress: 'b.dubois@fin.example.be',
    departmentId: '4',
  },
  type: 'ios',
  ios: {
    model: 'iPhone 14',
    supervised: true,
    unlockToken: 'VU5MT0NLVE9LRU4tU0VDUkVU',
    purchasing: { purchased: true, leased: false },
    applications: [
      { identifier: 'com.zhiliaoapp.musically', name: 'TikTok', version: '341002', shortVersion: '34.1.0' },
      { identifier: 'com.apple.mobilesafari', name: 'Safari', version: '8618.1.15', shortVersion: '17.3' },
    ],
  },
};
