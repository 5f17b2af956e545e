import { adguardTarget } from './adguard.target.js';
import { dnsmasqTarget } from './dnsmasq.target.js';
import { hostsTarget } from './hosts.target.js';
import { rpzTarget } from './rpz.target.js';
import { unboundTarget } from './unbound.target.js';

/** The DNS targets in the order the manifest lists them; the registry takes them from here. */
export const DNS_TARGETS = [hostsTarget, dnsmasqTarget, unboundTarget, rpzTarget, adguardTarget] as const;
