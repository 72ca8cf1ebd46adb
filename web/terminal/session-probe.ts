// After a socket drop: does the gateway still list the session? (A 401 raises the signed-out page via the API client.)
import { api, ApiRequestError } from '../api';
import type { SessionProbe } from './connection';

export async function probeSession(sessionId: string): Promise<SessionProbe> {
  try {
    const sessions = await api.listSessions();
    return sessions.some((s) => s.id === sessionId && s.stage !== 'closed') ? 'alive' : 'gone';
  } catch (err) {
    return err instanceof ApiRequestError && err.status === 404 ? 'gone' : 'unknown';
  }
}
