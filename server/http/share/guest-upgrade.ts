// Accepts a guest's terminal or desktop WebSocket (/share/api/terminal, /share/api/desktop): checks Origin and the pass, then attaches.
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { CloseCode } from '../../../shared/close-codes.js';
import { GuacStatus } from '../../../shared/guac-status.js';
import type { Authenticator } from '../../auth/authenticator.js';
import type { Logger } from '../../log.js';
import { DesktopSession } from '../../sessions/desktop-session.js';
import { ShareError } from '../../share/share-errors.js';
import type { ShareService } from '../../share/share-service.js';
import type { ViewerFacts } from '../../sessions/viewer.js';
import type { DesktopUpgrade } from '../desktop/desktop-upgrade.js';
import { isAllowedHost, isAllowedOrigin, type OriginPolicy } from '../origin-policy.js';
import type { TerminalUpgrade } from '../terminal/terminal-upgrade.js';
import { authRequestOfUpgrade, refuseUpgrade } from '../upgrade-identity.js';
import { guestRequestOf } from './guest-request.js';

export const GUEST_UPGRADE_PATH = /^\/share\/api\/(terminal|desktop)$/;

export interface GuestUpgradeDeps {
  authenticator: Authenticator;
  policy: OriginPolicy;
  shares: ShareService;
  terminals: TerminalUpgrade;
  desktops: DesktopUpgrade;
  log: Logger;
}

export function createGuestUpgrade(deps: GuestUpgradeDeps) {
  async function handle(req: IncomingMessage, socket: Duplex, head: Buffer, kind: 'terminal' | 'desktop'): Promise<void> {
    socket.on('error', () => socket.destroy());
    // The same cross-site rule as every WebSocket: only our own page (tailnet or Funnel origin) may open one.
    if (!isAllowedHost(deps.policy, req.headers.host) || !isAllowedOrigin(deps.policy, req.headers.origin)) {
      deps.log.warn({ event: 'ws.origin_refused', origin: req.headers.origin, host: req.headers.host }, 'guest websocket from a foreign origin refused');
      return refuseUpgrade(socket, 403, 'Forbidden');
    }
    const refuse = (code: 'gone' | 'denied' | 'mismatch', message: string) => {
      if (kind === 'terminal') deps.terminals.refuse(req, socket, head, code === 'gone' ? CloseCode.shareEnded : CloseCode.forbidden, message.slice(0, 120));
      else deps.desktops.refuse(req, socket, head, code === 'gone' ? GuacStatus.clientForbidden : GuacStatus.clientUnauthorized, message);
    };
    const guest = await guestRequestOf(deps.authenticator, authRequestOfUpgrade(req)).catch(() => undefined);
    if (!guest) return refuse('denied', 'the gateway cannot tell who you are right now; try again shortly');
    const url = new URL(req.url ?? '/', 'http://gateway.invalid');
    let admission;
    try {
      admission = deps.shares.admit(url.searchParams.get('pass') ?? '', guest.identity?.principal, guest.sourceKey);
    } catch (error) {
      if (!(error instanceof ShareError)) throw error;
      return refuse(['revoked', 'expired', 'ended', 'used-up'].includes(error.code) ? 'gone' : 'denied', error.message);
    }
    const { pass } = admission;
    if ((pass.link.protocol === 'ssh') !== (kind === 'terminal')) return refuse('mismatch', `this link opens a ${pass.link.protocol === 'ssh' ? 'terminal' : 'desktop'}`);
    let session;
    try {
      session = admission.kind === 'start' ? await deps.shares.startGuestSession(pass) : admission.session;
    } catch (error) {
      return refuse('denied', error instanceof Error ? error.message : 'the session could not start');
    }
    const role = admission.kind === 'start' ? 'owner' : admission.role;
    deps.shares.makeRoom(pass);
    const grant = { identity: pass.identity, role, linkId: pass.link.id } as const;
    const hooks = {
      attached: (viewer: ViewerFacts) => deps.shares.viewerAttached(pass, viewer, session.id),
      detached: (viewer: ViewerFacts) => deps.shares.viewerDetached(pass, viewer, session.id),
    };
    if (session instanceof DesktopSession) deps.desktops.accept(req, socket, head, { ...grant, session }, hooks);
    else deps.terminals.accept(req, socket, head, { ...grant, session }, hooks);
  }

  return {
    handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, kind: 'terminal' | 'desktop'): void {
      handle(req, socket, head, kind).catch((err) => {
        deps.log.error({ event: 'ws.guest_upgrade_failed', err }, 'guest websocket upgrade failed');
        refuseUpgrade(socket, 500, 'Internal Server Error');
      });
    },
  };
}
