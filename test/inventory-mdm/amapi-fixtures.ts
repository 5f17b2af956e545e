import type { androidmanagement_v1 } from '@googleapis/androidmanagement';

type Device = androidmanagement_v1.Schema$Device;

/** A fully managed, company-owned phone with TikTok installed and an old app removed. */
export const COMPANY_PHONE: Device = {
  name: 'enterprises/LC02abcd/devices/3a7f9c21e4b05d68',
  managementMode: 'DEVICE_OWNER',
  ownership: 'COMPANY_OWNED',
  state: 'ACTIVE',
  userName: 'enterprises/LC02abcd/users/110023456789012345678',
  user: { accountIdentifier: 'j.peeters@fed.example.be' },
  enrollmentTime: '2023-01-09T10:00:00Z',
  lastPolicySyncTime: '2023-03-20T07:58:10.120Z',
  lastStatusReportTime: '2023-03-20T08:01:02.345678Z',
  policyCompliant: false,
  hardwareInfo: {
    brand: 'google',
    manufacturer: 'Google',
    model: 'Pixel 7',
    hardware: 'panther',
    serialNumber: '28211FDH2000KX',
  },
  softwareInfo: { androidVersion: '14', securityPatchLevel: '2024-02-05' },
  applicationReports: [
    {
      packageName: 'com.zhiliaoapp.musically',
      displayName: 'TikTok',
      versionName: '34.1.3',
      versionCode: 2023401030,
      state: 'INSTALLED',
      applicationSource: 'INSTALLED_FROM_PLAY_STORE',
      installerPackageName: 'com.android.vending',
    },
    {
      packageName: 'com.google.android.youtube',
      displayName: 'YouTube',
      versionName: '19.09.37',
      state: 'INSTALLED',
      applicationSource: 'SYSTEM_APP_UPDATED_VERSION',
    },
    {
      packageName: 'com.ss.android.ugc.trill',
      displayName: 'TikTok',
      versionName: '30.0.0',
      state: 'REMOVED',
      events: [{ eventType: 'REMOVED', createTime: '2023-03-15T12:00:00Z' }],
    },
  ],
  nonComplianceDetails: [
    {
      settingName: 'applications',
      nonComplianceReason: 'APP_INSTALLED',
      packageName: 'com.zhiliaoapp.musically',
      fieldPath: 'applications[3].installType',
    },
  ],
};

/** A personal phone with a work profile: no app reports, but AMAPI says a blocked app is installed. */
export const PERSONAL_WORK_PROFILE: Device = {
  name: 'enterprises/LC02abcd/devices/9b1e5f70c2a84d13',
  managementMode: 'PROFILE_OWNER',
  ownership: 'PERSONALLY_OWNED',
  state: 'ACTIVE',
  enrollmentTime: '2023-02-01T09:00:00Z',
  lastPolicySyncTime: '2023-03-19T18:20:00Z',
  hardwareInfo: {
    manufacturer: 'samsung',
    model: 'SM-S911B',
    serialNumber: 'Z2EXAMPLE5PERSONALID',
    enterpriseSpecificId: 'Z2EXAMPLE5PERSONALID',
  },
  softwareInfo: { androidVersion: '13' },
  nonComplianceDetails: [
    {
      settingName: 'applications',
      nonComplianceReason: 'APP_INSTALLED',
      packageName: 'com.zhiliaoapp.musically',
    },
    { settingName: 'passwordPolicies', nonComplianceReason: 'USER_ACTION' },
  ],
};

export const DEVICES_PAGE: androidmanagement_v1.Schema$ListDevicesResponse = {
  devices: [COMPANY_PHONE, PERSONAL_WORK_PROFILE],
  nextPageToken: 'CkQKB2RldmljZXMSOQo3ZW50ZXJwcmlzZXM',
};
