// Typed calls for every route in docs/api.md; the rest of the page talks to the gateway only through these.
import type {
  ApiTokenView,
  CreatedApiToken,
  CreateHostRequest,
  HostView,
  MeView,
  PeerView,
  PortProbeView,
  SessionView,
  UpdateHostRequest,
} from '../../shared/api-types';
import type { CreatedShareLink, CreateShareInput, ShareEventView, ShareLinkView } from '../../shared/share-types';
import { request, type RequestOptions } from './client';

export { ApiRequestError, errorText, onUnauthorized } from './client';

const id = (value: string): string => encodeURIComponent(value);

export const api = {
  redeemLoginLink: (token: string) =>
    request<void>('POST', '/api/auth/login-link', { token }, { quietUnauthorized: true }),
  logout: () => request<void>('POST', '/api/auth/logout', undefined, { quietUnauthorized: true }),
  me: (options?: RequestOptions) => request<MeView>('GET', '/api/me', undefined, options),

  listHosts: () => request<HostView[]>('GET', '/api/hosts'),
  getHost: (hostId: string) => request<HostView>('GET', `/api/hosts/${id(hostId)}`),
  createHost: (body: CreateHostRequest) => request<HostView>('POST', '/api/hosts', body),
  updateHost: (hostId: string, body: UpdateHostRequest) => request<HostView>('PATCH', `/api/hosts/${id(hostId)}`, body),
  deleteHost: (hostId: string) => request<void>('DELETE', `/api/hosts/${id(hostId)}`),
  acceptHostKey: (hostId: string, fingerprint: string) =>
    request<HostView>('POST', `/api/hosts/${id(hostId)}/host-key/accept`, { fingerprint }),
  forgetHostKey: (hostId: string) => request<void>('DELETE', `/api/hosts/${id(hostId)}/host-key`),

  listSessions: (options?: RequestOptions) => request<SessionView[]>('GET', '/api/sessions', undefined, options),
  /** `username` is for tailnet machines, which have no stored account. */
  createSession: (hostId: string, username?: string) => request<SessionView>('POST', '/api/sessions', username ? { hostId, username } : { hostId }),

  listPeers: () => request<PeerView[]>('GET', '/api/tailnet/peers'),
  probePeer: (peerId: string) => request<PortProbeView>('POST', `/api/tailnet/peers/${id(peerId)}/probe`),
  acceptPeerHostKey: (peerId: string, fingerprint: string) =>
    request<PeerView>('POST', `/api/tailnet/peers/${id(peerId)}/host-key/accept`, { fingerprint }),
  forgetPeerHostKey: (peerId: string) => request<void>('DELETE', `/api/tailnet/peers/${id(peerId)}/host-key`),
  endSession: (sessionId: string) => request<void>('DELETE', `/api/sessions/${id(sessionId)}`),
  /** The owner cuts one viewer (a guest or a watcher) off their session. */
  removeViewer: (sessionId: string, viewerId: string) => request<void>('DELETE', `/api/sessions/${id(sessionId)}/viewers/${id(viewerId)}`),

  listShares: (options?: RequestOptions) => request<ShareLinkView[]>('GET', '/api/shares', undefined, options),
  createShare: (body: CreateShareInput) => request<CreatedShareLink>('POST', '/api/shares', body),
  revokeShare: (linkId: string) => request<void>('DELETE', `/api/shares/${id(linkId)}`),
  shareEvents: (linkId: string) => request<ShareEventView[]>('GET', `/api/shares/${id(linkId)}/events`),
  removeShareGuest: (linkId: string, viewerId: string) => request<void>('DELETE', `/api/shares/${id(linkId)}/guests/${id(viewerId)}`),

  listTokens: () => request<ApiTokenView[]>('GET', '/api/tokens'),
  createToken: (name: string) => request<CreatedApiToken>('POST', '/api/tokens', { name }),
  deleteToken: (tokenId: string) => request<void>('DELETE', `/api/tokens/${id(tokenId)}`),
};

/** The terminal WebSocket URL for a session, on the page's own origin (ws: or wss: to match). */
export function terminalSocketUrl(sessionId: string, cols: number, rows: number, loc: Location = location): string {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${loc.host}/api/sessions/${id(sessionId)}/terminal?cols=${cols}&rows=${rows}`;
}
