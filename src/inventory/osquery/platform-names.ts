import type { DevicePlatform } from '../../catalog/catalog.types.js';

const LINUX_NAMES =
  /\b(linux|ubuntu|debian|rhel|red hat|centos|fedora|amzn|amazon|arch|manjaro|opensuse|suse|sles|gentoo|rocky|almalinux|alma|kali|pop|mint|nixos|oracle|alpine)\b/;

/**
 * Maps the platform words osquery and Fleet report (`darwin`, `ubuntu`, `ipados`, `chrome`,
 * `Microsoft Windows 11 Pro`, ...) to a device platform; undefined when the word says nothing.
 * Fleet's values: fleetdm/fleet docs/REST API/rest-api.md (host summary `platforms`).
 */
export function platformFromName(raw: string | undefined): DevicePlatform | undefined {
  if (!raw) return undefined;
  const name = raw.trim().toLowerCase();
  if (name === '') return undefined;
  if (name === 'darwin' || name.startsWith('mac') || name === 'osx' || name === 'os x') return 'macos';
  if (name === 'ios' || name === 'ipados' || name === 'iphone os' || name === 'tvos') return 'ios';
  if (name.startsWith('android')) return 'android';
  if (name.includes('windows')) return 'windows';
  if (name === 'chrome' || name.startsWith('chromeos') || name.startsWith('chrome os')) return 'chromeos';
  if (LINUX_NAMES.test(name)) return 'linux';
  return undefined;
}
