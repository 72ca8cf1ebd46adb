// Assembles the Hono app: guards, the API routes and the web page, with one error handler.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { MeView } from '../../shared/api-types.js';
import type { AuditLog } from '../audit/audit-log.js';
import type { Authenticator } from '../auth/authenticator.js';
import type { LocalAuth } from '../auth/local-auth.js';
import type { Logger } from '../log.js';
import type { PeerDirectory } from '../mesh/peer-directory.js';
import type { ProbePorts } from '../mesh/port-probe.js';
import { can } from '../policy/can.js';
import type { DesktopSessionRegistry } from '../sessions/desktop-session-registry.js';
import type { SessionRegistry } from '../sessions/session-registry.js';
import type { Store } from '../store/types.js';
import { ApiFailure, errorHandler } from './errors.js';
import type { OriginPolicy } from './origin-policy.js';
import { funnelGuard, hostGuard, requireIdentity, securityHeaders, type GatewayEnv } from './request-guards.js';
import { auditRoutes } from './routes/audit.js';
import { authRoutes } from './routes/auth.js';
import { hostRoutes } from './routes/hosts.js';
import { sessionRoutes } from './routes/sessions.js';
import { tailnetRoutes } from './routes/tailnet.js';
import { tokenRoutes } from './routes/tokens.js';
import { guestRoutes } from './routes/guest.js';
import { shareRoutes } from './routes/shares.js';
import { recordingRoutes } from './routes/recordings.js';
import type { RecordingService } from '../record/recording-service.js';
import type { RecordingSettings } from '../../shared/api-types.js';
import type { ShareService } from '../share/share-service.js';
import { webPages } from './web-pages.js';

export interface AppDeps {
  store: Store;
  /** Owner login links (local mode) and API tokens (both modes). */
  auth: LocalAuth;
  authenticator: Authenticator;
  sessions: SessionRegistry;
  desktops: DesktopSessionRegistry;
  policy: OriginPolicy;
  log: Logger;
  webRoot: string;
  /** Tailnet mode only. */
  peers?: PeerDirectory;
  capabilityName?: string;
  peerSshPort: number;
  probePorts?: ProbePorts;
  shares: ShareService;
  recordings: RecordingService;
  /** The recording policy of tailnet machines' sessions (they have no stored settings). */
  tailnetRecording: RecordingSettings;
  /** Why RDP cannot be used on this gateway (its helper is not built); undefined when it can. */
  rdpUnavailable?: string;
  /** Where a share link points when the request names no Origin (a script with a token). */
  publicUrl: string;
  /** Logins, tokens, host and host-key changes are recorded here; /api/audit reads it back. */
  audit: AuditLog & { flush?(): Promise<void> };
}

export function createApp(deps: AppDeps) {
  const { store, auth, sessions, policy, log } = deps;
  const app = new Hono<GatewayEnv>();
  app.onError(errorHandler(log));
  app.use('*', securityHeaders());
  app.use('*', hostGuard(policy));
  app.use('*', funnelGuard());
  app.use('/api/*', bodyLimit({ maxSize: 64 * 1024, onError: () => { throw new ApiFailure('too-large', 'request body over 64 KiB'); } }));

  app.get('/api/health', (c) => c.json({ ok: true }));
  // The owner link is local mode's login; in tailnet mode tailscaled says who you are and there is nothing to redeem.
  if (deps.authenticator.mode === 'local') app.route('/api/auth', authRoutes(auth, policy, log, deps.audit));

  const api = new Hono<GatewayEnv>();
  api.use('*', requireIdentity(deps.authenticator, policy));
  api.get('/me', (c) => {
    const { kind, name, login, tags, device, via, permissions } = c.get('identity');
    // Guests hold a share link's pass, which opens only the guest routes under /share/.
    if (kind === 'guest' || via === 'share') throw new ApiFailure('forbidden', 'guests have no API');
    const me: MeView = {
      identity: { kind, name, login, tags, device, via },
      mode: deps.authenticator.mode,
      permissions: { ...permissions, manageHosts: can(permissions, { kind: 'manage-hosts' }) },
      capability: deps.capabilityName,
    };
    return c.json(me);
  });
  api.route(
    '/hosts',
    hostRoutes(store, { endForHost: (id, why) => (sessions.endForHost(id, why), deps.desktops.endForHost(id, why), void deps.shares.endForHost(id).catch((err) => log.error({ event: 'share.revoke_failed', err }, 'could not revoke the host\'s share links'))) }, log, deps.rdpUnavailable, deps.audit),
  );
  api.route('/sessions', sessionRoutes({ store, sessions, desktops: deps.desktops, peers: deps.peers, peerSshPort: deps.peerSshPort, shares: deps.shares, rdpUnavailable: deps.rdpUnavailable, tailnetRecording: deps.tailnetRecording, audit: deps.audit, log }));
  api.route('/recordings', recordingRoutes(deps.recordings));
  api.route('/shares', shareRoutes(deps.shares, deps.publicUrl));
  if (deps.peers) api.route('/tailnet', tailnetRoutes({ store, peers: deps.peers, probePorts: deps.probePorts, log, audit: deps.audit }));
  api.route('/tokens', tokenRoutes(auth, log, deps.audit));
  api.route('/audit', auditRoutes({ store, audit: deps.audit }));
  api.all('*', () => {
    throw new ApiFailure('not-found', 'no such API route');
  });
  app.route('/api', api);
  // Guests: the only routes a Funnel request reaches (funnelGuard), and no login on them.
  app.route('/share/api', guestRoutes({ authenticator: deps.authenticator, shares: deps.shares, policy }));

  app.route('/', webPages(deps.webRoot));
  return app;
}
