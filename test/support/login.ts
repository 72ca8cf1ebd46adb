// Redeems a one-time owner login link the way the page does (same-site POST with the CSRF header).
import { CSRF_HEADER, CSRF_HEADER_VALUE } from '../../shared/api-types.js';

/** `link` is the printed login URL (`BASE/login#TOKEN`); resolves to the raw response. */
export function redeemLoginLink(link: string): Promise<Response> {
  const base = link.slice(0, link.indexOf('/login'));
  const token = link.slice(link.indexOf('#') + 1);
  return fetch(`${base}/api/auth/login-link`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: base, [CSRF_HEADER]: CSRF_HEADER_VALUE },
    body: JSON.stringify({ token }),
  });
}

/** The `name=value` part of the session cookie a successful redeem sets. */
export function sessionCookieOf(response: Response): string {
  return response.headers.getSetCookie()[0]!.split(';')[0]!;
}
