// The Live page's calls: every live session on the gateway (admins only), and the read-only watch socket and tunnel of one.
import type { LiveSessionView } from '../../shared/recording-types';
import { terminalSocketUrl } from '../api';
import { request, type RequestOptions } from '../api/client';
import { desktopTunnelUrl, type DesktopEndpoint } from '../desktop/desktop-view';
import type { SessionProbe, SocketUrlBuilder } from '../terminal/connection';

export function listLiveSessions(options?: RequestOptions): Promise<LiveSessionView[]> {
  return request<LiveSessionView[]>('GET', '/api/sessions/live', undefined, options);
}

/** `watch=1` asks the gateway for a read-only seat; the owner sees it in their viewer list. */
export function watchTerminalSocket(sessionId: string): SocketUrlBuilder {
  return ({ cols, rows }) => `${terminalSocketUrl(sessionId, cols, rows)}&watch=1`;
}

/** The desktop tunnel sends its connect data as the query string, so `watch=1` travels there. */
export function watchDesktopEndpoint(sessionId: string): DesktopEndpoint {
  return { tunnelUrl: desktopTunnelUrl(sessionId), connectData: ({ width, height }) => `watch=1&width=${width}&height=${height}` };
}

/** After a drop: is the watched session still on the list? (A watcher cannot ask /api/sessions, which lists only its own.) */
export async function probeLiveSession(sessionId: string): Promise<SessionProbe> {
  try {
    const live = await listLiveSessions();
    return live.some((s) => s.id === sessionId && s.stage !== 'closed') ? 'alive' : 'gone';
  } catch {
    return 'unknown';
  }
}
