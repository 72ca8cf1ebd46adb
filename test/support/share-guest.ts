// A guest's side of a share link, scripted: open it with the token (and passcode), then attach a terminal with the pass.
import { CSRF_HEADER } from '../../shared/api-types.js';
import type { CreatedShareLink, GuestTicket } from '../../shared/share-types.js';
import { GuacTestClient } from './guac-client.js';
import { TerminalClient } from './terminal-client.js';

/** The token is what follows '#' in the link: it never reaches a server as part of a URL. */
export function tokenOf(link: CreatedShareLink): string {
  return link.url.slice(link.url.indexOf('#') + 1);
}

export interface GuestOptions {
  passcode?: string;
  /** Extra headers, e.g. the ones Funnel adds. */
  headers?: Record<string, string>;
  localAddress?: string;
}

export async function openShare(gatewayUrl: string, token: string, options: GuestOptions = {}) {
  const res = await fetch(`${gatewayUrl}/share/api/open`, {
    method: 'POST',
    headers: { origin: gatewayUrl, [CSRF_HEADER]: '1', 'content-type': 'application/json', ...options.headers },
    body: JSON.stringify({ token, ...(options.passcode !== undefined ? { passcode: options.passcode } : {}) }),
  });
  const text = await res.text();
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (text ? JSON.parse(text) : undefined) as GuestTicket & { error?: { code: string; message: string } } };
}

export function guestTerminal(
  gatewayUrl: string,
  pass: string,
  options: { cols?: number; rows?: number; autoAck?: boolean; headers?: Record<string, string>; localAddress?: string } = {},
) {
  const url = `${gatewayUrl.replace('http', 'ws')}/share/api/terminal?pass=${encodeURIComponent(pass)}&cols=${options.cols ?? 80}&rows=${options.rows ?? 24}`;
  return TerminalClient.open({ url, headers: { origin: gatewayUrl, ...options.headers }, autoAck: options.autoAck, localAddress: options.localAddress });
}

/** A guest's desktop tunnel (what the guest page's guacamole-common-js opens) with the pass from openShare. */
export function guestDesktop(gatewayUrl: string, pass: string, options: { width?: number; height?: number; headers?: Record<string, string>; localAddress?: string } = {}) {
  const url = `${gatewayUrl.replace('http', 'ws')}/share/api/desktop?pass=${encodeURIComponent(pass)}&width=${options.width ?? 1024}&height=${options.height ?? 768}`;
  return GuacTestClient.open(url, { origin: gatewayUrl, ...options.headers }, options.localAddress);
}
