// Who is opening a share link: a tailnet identity when there is one, else the source address (Funnel's, when it carried the request).
import { isIP } from 'node:net';
import type { AuthRequest, Authenticator } from '../../auth/authenticator.js';
import { isFunnelRequest } from '../../auth/authenticator.js';
import type { GuestRequest } from '../../share/share-service.js';
import { isLoopbackAddress } from '../../config/config.js';
import { ApiFailure } from '../errors.js';

/**
 * Funnel puts the public client's address in X-Forwarded-For. It is believed only when the request came
 * from tailscaled itself (loopback or the serve socket), so nobody can pick their own rate-limit key.
 */
function funnelClientAddress(request: AuthRequest): string | undefined {
  if (!isFunnelRequest(request.header)) return undefined;
  if (!request.fromServeSocket && !isLoopbackAddress(request.remoteAddress.replace(/^::ffff:/, ''))) return undefined;
  const first = request.header('x-forwarded-for')?.split(',')[0]?.trim();
  return first && isIP(first) ? first : undefined;
}

export async function guestRequestOf(authenticator: Authenticator, request: AuthRequest): Promise<GuestRequest> {
  const outcome = await authenticator.identify(request);
  if (outcome.ok) {
    const { identity } = outcome;
    const who = identity.login ?? identity.name;
    return { identity, source: identity.device ? `${who} · ${identity.device.name}` : who, sourceKey: `id:${identity.principal}` };
  }
  // Fail closed like every other route when tailscaled does not answer: a tailnet guest must not be taken for a stranger.
  if (outcome.refusal === 'unavailable') throw new ApiFailure('unavailable', outcome.reason);
  const forwarded = funnelClientAddress(request);
  const address = forwarded ?? request.remoteAddress.replace(/^::ffff:/, '');
  return { source: forwarded ? `${address} (internet)` : address, sourceKey: `ip:${rateLimitPrefix(address)}` };
}

/**
 * What one source is for rate limiting: an IPv4 address, or an IPv6 /64 (one home network or host gets a
 * whole /64, so keying by full address would hand an attacker 2^64 fresh keys).
 */
export function rateLimitPrefix(address: string): string {
  if (isIP(address) !== 6) return address;
  const [head, tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = address.includes('::') && tail ? tail.split(':') : [];
  if (right.some((part) => part.includes('.')) || left.some((part) => part.includes('.'))) return address; // IPv4-mapped forms: rare, keep whole
  const groups = [...left, ...Array(8 - left.length - right.length).fill('0'), ...right].map((g) => parseInt(g || '0', 16).toString(16));
  return `${groups.slice(0, 4).join(':')}::/64`;
}
