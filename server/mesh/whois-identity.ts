// Turns a whois answer into the identity the gateway authorises: a person or a tagged device, with its app caps.
import type { IdentityNode, MeshIdentity, WhoisResult } from './types.js';

/** The placeholder profile tailscaled reports for every tagged node. */
export const TAGGED_DEVICES_LOGIN = 'tagged-devices';

/**
 * `capabilityName` is the configurable app capability (e.g. "example.com/cap/porthole"); names under
 * tailscale.com are reserved, so it cannot be a constant here.
 */
export function identityFromWhois(whois: WhoisResult, capabilityName: string): MeshIdentity {
  if (!capabilityName) throw new TypeError('identityFromWhois: capabilityName is empty; give the app capability name from the policy grant');
  // hasOwn, not `?? []`: a capability named e.g. "constructor" must not read Object.prototype.
  const granted = Object.hasOwn(whois.capMap, capabilityName) ? whois.capMap[capabilityName] : undefined;
  const caps = Array.isArray(granted) ? granted : [];
  const node: IdentityNode = {
    stableId: whois.node.stableId,
    name: whois.node.name.replace(/\.$/, ''),
    os: whois.node.os,
    tags: whois.node.tags,
  };
  // Tags replace user ownership in Tailscale. The login check is belt and braces: a node reported as
  // tagged-devices must never become a person called "tagged-devices", even if its tags went missing.
  if (whois.node.tags.length > 0 || whois.user.loginName === TAGGED_DEVICES_LOGIN) {
    return { kind: 'tagged-device', tags: whois.node.tags, node, caps };
  }
  return { kind: 'person', login: whois.user.loginName, displayName: whois.user.displayName || whois.user.loginName, node: { ...node, tags: [] }, caps };
}
