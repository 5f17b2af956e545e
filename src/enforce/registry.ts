import { AppbanError } from '../lib/errors.js';
import { androidPolicyTarget } from './android/android-policy.target.js';
import { appleProfileTarget } from './apple/apple-profile.target.js';
import { DNS_TARGETS } from './dns/dns.targets.js';
import { intuneTarget } from './intune/intune.target.js';
import { santaTarget } from './santa/santa.target.js';
import type { EnforcementTarget } from './target.types.js';
import { windowsAppLockerTarget } from './windows/applocker.target.js';

/** Every enforcement target, in the order `--target all` writes them. A new target is one line here. */
export const TARGETS: readonly EnforcementTarget[] = [
  appleProfileTarget,
  androidPolicyTarget,
  intuneTarget,
  windowsAppLockerTarget,
  santaTarget,
  ...DNS_TARGETS,
];

export function findTarget(name: string): EnforcementTarget {
  const target = TARGETS.find((t) => t.name === name);
  if (!target) {
    throw new AppbanError(
      'UNKNOWN_TARGET',
      `no enforcement target ${name}; choose one of: ${TARGETS.map((t) => t.name).join(', ')}, or all`,
    );
  }
  return target;
}
