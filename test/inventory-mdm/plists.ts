/** Hand-made Apple MDM command responses, written the way devices write them. */
export const PLIST_HEADER =
  '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0">\n';

export type PlistValue = string | number | boolean | PlistValue[] | { [key: string]: PlistValue };

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function plistValue(value: PlistValue, indent = ''): string {
  const inner = `${indent}\t`;
  if (typeof value === 'string') return `${indent}<string>${escapeXml(value)}</string>`;
  if (typeof value === 'boolean') return `${indent}<${value}/>`;
  if (typeof value === 'number') return `${indent}<integer>${value}</integer>`;
  if (Array.isArray(value))
    return `${indent}<array>\n${value.map((item) => plistValue(item, inner)).join('\n')}\n${indent}</array>`;
  const entries = Object.entries(value).map(
    ([key, item]) => `${inner}<key>${escapeXml(key)}</key>\n${plistValue(item, inner)}`,
  );
  return `${indent}<dict>\n${entries.join('\n')}\n${indent}</dict>`;
}

export function plist(value: PlistValue): string {
  return `${PLIST_HEADER}${plistValue(value)}\n</plist>\n`;
}

/** An iPhone's answer to InstalledApplicationList, TikTok among its apps. */
export const IOS_INSTALLED_APPS = {
  CommandUUID: '0C6E1F0A-7E2B-4C31-9C3B-2B1D6A1E0F11',
  InstalledApplicationList: [
    {
      BundleSize: 412_000_000,
      DynamicSize: 1_200_000_000,
      Identifier: 'com.zhiliaoapp.musically',
      Installing: false,
      IsValidated: true,
      Name: 'TikTok',
      ShortVersion: '34.1.0',
      Version: '341002',
    },
    { Identifier: 'com.apple.mobilesafari', Name: 'Safari', ShortVersion: '17.4', Version: '8618.1.15' },
    { Identifier: 'com.microsoft.Office.Outlook', Name: 'Outlook', Version: '4.2408.0' },
  ],
  Status: 'Acknowledged',
  UDID: '00008110-000A1C2E3F4A801E',
};
