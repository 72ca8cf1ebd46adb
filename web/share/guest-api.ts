// The guest page's only calls: open a link with its token (and passcode), and the WebSocket addresses its pass opens.
import type { GuestTicket } from '../../shared/share-types';
import { request } from '../api/client';
import type { DesktopEndpoint } from '../desktop/desktop-view';
import type { SocketUrlBuilder } from '../terminal/connection';

/** The token goes in this body and nowhere else (never a URL, so no log or Referer ever holds it). */
export function openShare(token: string, passcode?: string): Promise<GuestTicket> {
  return request<GuestTicket>('POST', '/share/api/open', passcode ? { token, passcode } : { token }, { quietUnauthorized: true });
}

function wsBase(loc: Location): string {
  return `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}/share/api`;
}

export function guestTerminalSocket(pass: string, loc: Location = location): SocketUrlBuilder {
  return ({ cols, rows }) => `${wsBase(loc)}/terminal?pass=${encodeURIComponent(pass)}&cols=${cols}&rows=${rows}`;
}

export function guestDesktopEndpoint(pass: string, loc: Location = location): DesktopEndpoint {
  return {
    tunnelUrl: `${wsBase(loc)}/desktop`,
    connectData: ({ width, height }) => `pass=${encodeURIComponent(pass)}&width=${width}&height=${height}`,
  };
}
