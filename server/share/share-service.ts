// Share links end to end: create, open with a token (and passcode), guest passes, and cutting guests at revocation or expiry.
import { randomUUID } from 'node:crypto';
import type { CreatedShareLink, GuestTicket, GuestView, ShareEventKind, ShareEventView, ShareLinkView, ShareMode } from '../../shared/share-types.js';
import { createShareSchema, GUEST_PAGE_PATH } from '../../shared/share-types.js';
import { CloseCode } from '../../shared/close-codes.js';
import { GuacStatus } from '../../shared/guac-status.js';
import type { ViewerRole } from '../../shared/terminal-protocol.js';
import { actorOf } from '../audit/actor.js';
import { GATEWAY_ACTOR, type AuditActor, type AuditLog } from '../audit/audit-log.js';
import { createAuditLog } from '../audit/create-audit-log.js';
import { guestPrincipal, type Identity } from '../auth/identity.js';
import { newSecretToken } from '../crypto/tokens.js';
import type { Logger } from '../log.js';
import { can } from '../policy/can.js';
import { NO_PERMISSIONS } from '../policy/grants.js';
import { storedHostFacts } from '../policy/host-facts.js';
import type { DesktopSessionRegistry } from '../sessions/desktop-session-registry.js';
import { DesktopSession } from '../sessions/desktop-session.js';
import type { SessionRegistry } from '../sessions/session-registry.js';
import type { TerminalSession } from '../sessions/terminal-session.js';
import type { ViewerFacts } from '../sessions/viewer.js';
import { TAILNET_HOST_ID_PREFIX } from '../store/host-keys.js';
import type { ShareLinkRecord, Store } from '../store/types.js';
import { AttemptLimiter, type AttemptLimit } from './attempt-limiter.js';
import { refusalText, shareState } from './link-state.js';
import { hashPasscode, verifyPasscode } from './passcode.js';
import { ShareError } from './share-errors.js';

/** Per source: wrong tokens and wrong passcodes together. A 256-bit token is past guessing; this stops the noise. */
const SOURCE_LIMIT: AttemptLimit = { failures: 10, windowMs: 10 * 60_000 };
/** Per link: wrong passcodes from anywhere (a short passcode is guessable; sources are cheap to change). */
const LINK_LIMIT: AttemptLimit = { failures: 5, windowMs: 15 * 60_000 };
/** How often expiry is checked for links with guests attached: revocation is immediate, expiry within this. */
const SWEEP_MS = 250;

type AnySession = TerminalSession | DesktopSession;
type CreateShare = ReturnType<typeof createShareSchema.parse>;

/** A pass's session slot while its session is being set up. */
const STARTING = 'starting';
/** Guests one live link may have out at once, and connections one pass may hold (a page and its reconnect). */
const MAX_PASSES_PER_LINK = 100;
export const MAX_VIEWERS_PER_PASS = 2;

/** Who is opening a link, as the guest route saw the request. */
export interface GuestRequest {
  /** Their tailnet identity (or the local owner's); undefined for an anonymous visitor (Funnel, or no login). */
  identity?: Identity;
  /** For audit and the owner's list: "bob@example.com · bob-phone", or "203.0.113.5 (internet)". */
  source: string;
  /** Rate-limit key for this source. */
  sourceKey: string;
}

/** A guest's key to the WebSockets after opening a link: lives in memory until the link ends. */
export interface GuestPass {
  readonly id: string;
  readonly secret: string;
  readonly link: ShareLinkRecord;
  /** The identity viewers and sessions of this guest carry. */
  readonly identity: Identity;
  /** Set for tailnet guests: every WebSocket must come from the same tailnet identity. */
  readonly tailnetPrincipal: string | null;
  readonly source: string;
  /** Host links: the guest's own session, once started (one pass, one session). */
  sessionId: string | null;
}

/** What a guest WebSocket attaches to. */
export type GuestAdmission =
  | { kind: 'attach'; session: AnySession; role: ViewerRole; pass: GuestPass }
  | { kind: 'start'; pass: GuestPass };

export interface ShareServiceDeps {
  store: Store;
  sessions: SessionRegistry;
  desktops: DesktopSessionRegistry;
  log: Logger;
  /** Where the links' trail goes (as `share.<event>`); a queue of its own over `store` when omitted (tests). */
  audit?: AuditLog & { flush?(): Promise<void> };
  mode: 'local' | 'tailnet';
  /** Where links for anyone point in tailnet mode: the Funnel origin, e.g. https://gw.tail1234.ts.net:8443. */
  funnelOrigin?: string;
  /** Replaceable clock (tests). */
  now?: () => number;
  sweepMs?: number;
  limits?: { source?: AttemptLimit; link?: AttemptLimit };
}

export class ShareService {
  private readonly now: () => number;
  private readonly passes = new Map<string, GuestPass>();
  /** Links with passes out, so revocation and expiry can find their guests. */
  private readonly linkPasses = new Map<string, Set<GuestPass>>();
  private readonly viewerPasses = new Map<string, GuestPass>();
  private readonly sourceLimiter: AttemptLimiter;
  private readonly linkLimiter: AttemptLimiter;
  private readonly refusalNotes: AttemptLimiter;
  private readonly sweeper: NodeJS.Timeout;
  private readonly auditLog: AuditLog & { flush?(): Promise<void> };

  constructor(private readonly deps: ShareServiceDeps) {
    this.now = deps.now ?? Date.now;
    this.auditLog = deps.audit ?? createAuditLog({ store: deps.store, log: deps.log, now: this.now });
    this.sourceLimiter = new AttemptLimiter(deps.limits?.source ?? SOURCE_LIMIT, this.now);
    this.linkLimiter = new AttemptLimiter(deps.limits?.link ?? LINK_LIMIT, this.now);
    this.refusalNotes = new AttemptLimiter({ failures: 3, windowMs: 10 * 60_000 }, this.now);
    this.sweeper = setInterval(() => this.sweep(), deps.sweepMs ?? SWEEP_MS);
    this.sweeper.unref();
  }

  close(): void {
    clearInterval(this.sweeper);
    this.passes.clear();
    this.linkPasses.clear();
    this.viewerPasses.clear();
  }

  /* ---------------- owner side ---------------- */

  /** `address`: where the owner's request came from, for the audit log. */
  async create(owner: Identity, input: CreateShare, pageOrigin: string, address?: string): Promise<CreatedShareLink> {
    if (input.audience === 'tailnet' && this.deps.mode === 'local') {
      throw new ShareError('bad-request', 'this gateway runs in local mode, without a tailnet: a link can only be for anyone who has it');
    }
    const target = input.kind === 'host' ? await this.hostTarget(owner, input.hostId) : this.sessionTarget(owner, input.sessionId);
    const now = this.now();
    const token = newSecretToken();
    const record = await this.deps.store.shares.create(token, {
      kind: input.kind,
      hostId: target.hostId,
      hostName: target.hostName,
      protocol: target.protocol,
      sessionId: input.kind === 'session' ? input.sessionId : null,
      // A host link opens a session of the guest's own: there is nothing to watch, only to drive.
      mode: input.kind === 'host' ? 'control' : input.mode,
      audience: input.audience,
      label: input.label ?? '',
      createdBy: owner.principal,
      createdByName: owner.name,
      passcodeHash: input.passcode ? await hashPasscode(input.passcode) : null,
      maxUses: input.kind === 'host' ? (input.maxUses ?? 1) : (input.maxUses ?? null),
      createdAt: now,
      expiresAt: now + input.expiresInMinutes * 60_000,
    });
    this.audit(record, 'created', actorOf(owner, address), null, describeCreated(record));
    this.deps.log.info({ event: 'share.created', link: record.id, kind: record.kind, host: record.hostName, by: owner.principal, audience: record.audience }, 'share link created');
    const origin = input.audience === 'anyone' && this.deps.funnelOrigin ? this.deps.funnelOrigin : pageOrigin;
    return { ...this.view(record), url: `${origin}${GUEST_PAGE_PATH}#${token}` };
  }

  async list(viewer: Identity): Promise<ShareLinkView[]> {
    const records = await this.deps.store.shares.list(viewer.permissions.role === 'admin' ? undefined : viewer.principal);
    return records.map((r) => this.view(r));
  }

  async events(viewer: Identity, linkId: string): Promise<ShareEventView[]> {
    await this.ownedLink(viewer, linkId);
    // What this process recorded a moment ago (the link's creation, say) is on the page too.
    await this.auditLog.flush?.();
    const events = await this.deps.store.shares.listEvents(linkId);
    return events.map(({ at, event, actor, source, sessionId, detail }) => ({ at, event: event as ShareEventKind, actor, source, sessionId, detail }));
  }

  /** Revokes the link and cuts everyone who came through it, before returning. */
  async revoke(viewer: Identity, linkId: string, address?: string): Promise<void> {
    const link = await this.ownedLink(viewer, linkId);
    const revoked = await this.deps.store.shares.revoke(linkId, this.now());
    if (!revoked) return;
    this.cut(link.id, `${viewer.name} revoked this link`);
    this.audit(link, 'revoked', actorOf(viewer, address), link.sessionId, '');
    this.deps.log.info({ event: 'share.revoked', link: link.id, by: viewer.principal }, 'share link revoked');
  }

  /** The owner removes one guest: that viewer is closed and its pass forgotten, so it cannot come back without a new use. */
  async removeGuest(viewer: Identity, linkId: string, viewerId: string, address?: string): Promise<void> {
    const link = await this.ownedLink(viewer, linkId);
    const pass = this.viewerPasses.get(viewerId);
    if (!pass || pass.link.id !== link.id) throw new ShareError('not-found', 'no such guest on this link');
    this.dropPass(pass, 'removed', `${viewer.name} removed you`);
    this.audit(link, 'removed', actorOf(viewer, address), pass.sessionId ?? link.sessionId, `removed ${pass.identity.name} (${pass.source})`);
  }

  /** A session's owner removed a viewer from the session page: if it came through a link, its pass goes too. */
  forgetViewer(viewerId: string, by: Identity): void {
    const pass = this.viewerPasses.get(viewerId);
    if (!pass) return;
    this.dropPass(pass, 'removed', `${by.name} removed you`);
    this.audit(pass.link, 'removed', actorOf(by), pass.sessionId ?? pass.link.sessionId, `removed ${pass.identity.name} (${pass.source})`);
  }

  /** A host was removed or moved: its links die with it. */
  async endForHost(hostId: string): Promise<void> {
    const ids = await this.deps.store.shares.revokeForHost(hostId, this.now());
    for (const id of ids) this.cut(id, 'the shared host was removed or changed');
  }

  /* ---------------- guest side ---------------- */

  /** Opens a link: token, then link state, then passcode; counts a use; returns the guest's pass. */
  async open(token: string, passcode: string | undefined, guest: GuestRequest): Promise<GuestTicket> {
    this.throttle(this.sourceLimiter, guest.sourceKey, 'from your address');
    const link = await this.deps.store.shares.findByToken(token);
    if (!link) {
      this.sourceLimiter.fail(guest.sourceKey);
      this.deps.log.warn({ event: 'share.unknown_token', source: guest.source }, 'a share link token matched nothing');
      throw new ShareError('not-found', 'this link does not exist; check that it was copied whole');
    }
    const refuse = (code: Exclude<ReturnType<typeof shareState>, 'active'> | 'tailnet-only', message: string): never => {
      // Someone holding a dead link may retry forever: the trail notes it a few times per source, not each time.
      const noteKey = `${link.id}|${guest.sourceKey}`;
      if (this.refusalNotes.retryAfter(noteKey) === 0) {
        this.refusalNotes.fail(noteKey);
        this.audit(link, 'refused', guestActor(guest), null, message);
      }
      throw new ShareError(code, message);
    };
    const state = shareState(link, this.now(), this.sessionAlive(link));
    if (state !== 'active') refuse(state, refusalText(state, link));
    if (link.audience === 'tailnet' && !isTailnetIdentity(guest.identity)) refuse('tailnet-only', 'this link is only for people on the tailnet');
    if ((this.linkPasses.get(link.id)?.size ?? 0) >= MAX_PASSES_PER_LINK) refuse('used-up', `this link already has ${MAX_PASSES_PER_LINK} guests`);
    if (link.passcodeHash) {
      this.throttle(this.linkLimiter, link.id, 'on this link');
      if (!passcode) throw new ShareError('passcode-required', 'this link needs a passcode');
      // Counted before the check, not after: guesses sent in parallel must not all slip in while scrypt runs.
      this.sourceLimiter.fail(guest.sourceKey);
      this.linkLimiter.fail(link.id);
      if (!(await verifyPasscode(passcode, link.passcodeHash))) {
        this.audit(link, 'refused', guestActor(guest), null, 'wrong passcode');
        throw new ShareError('wrong-passcode', 'that passcode is not right');
      }
      this.sourceLimiter.forgive(guest.sourceKey);
      this.linkLimiter.reset(link.id);
    }
    if (!(await this.deps.store.shares.claimUse(link.id, this.now()))) {
      const fresh = (await this.deps.store.shares.get(link.id)) ?? link;
      const now = shareState(fresh, this.now(), this.sessionAlive(fresh));
      refuse(now === 'active' ? 'used-up' : now, refusalText(now === 'active' ? 'used-up' : now, fresh));
    }
    const pass = this.issuePass({ ...link, uses: link.uses + 1 }, guest);
    this.audit(link, 'opened', passActor(pass), link.sessionId, `use ${link.uses + 1}${link.maxUses ? ` of ${link.maxUses}` : ''}`);
    this.deps.log.info({ event: 'share.opened', link: link.id, source: guest.source, guest: pass.identity.principal }, 'share link opened');
    return {
      pass: pass.secret,
      link: {
        kind: link.kind, sharedBy: link.createdByName, hostName: link.hostName, protocol: link.protocol, mode: link.mode, label: link.label,
        expiresAt: link.expiresAt, serverNow: this.now(),
      },
    };
  }

  /**
   * For a guest WebSocket: what this pass opens right now. `principal` is the tailnet identity of the
   * upgrade, if any: a tailnet guest's pass works only from that same identity.
   */
  admit(secret: string, principal: string | undefined, sourceKey: string): GuestAdmission {
    this.throttle(this.sourceLimiter, sourceKey, 'from your address');
    const pass = this.passes.get(secret);
    if (!pass) {
      this.sourceLimiter.fail(sourceKey);
      throw new ShareError('not-found', 'this guest pass is no longer valid; open the link again');
    }
    if (pass.tailnetPrincipal !== null && pass.tailnetPrincipal !== principal) throw new ShareError('tailnet-only', 'this pass belongs to someone else on the tailnet');
    const state = shareState(pass.link, this.now(), this.sessionAlive(pass.link));
    if (state === 'revoked' || state === 'expired' || state === 'ended') throw new ShareError(state, refusalText(state, pass.link));
    if (pass.link.kind === 'session') {
      const session = this.findSession(pass.link.sessionId!);
      if (!session) throw new ShareError('ended', 'the session this link shared has ended');
      return { kind: 'attach', session, role: pass.link.mode === 'control' ? 'control' : 'view', pass };
    }
    if (pass.sessionId === null) return { kind: 'start', pass };
    if (pass.sessionId === STARTING) throw new ShareError('conflict', 'your session is starting; try again in a moment');
    const own = this.findSession(pass.sessionId);
    if (!own) throw new ShareError('ended', 'your session on this link has ended; open the link again for another');
    return { kind: 'attach', session: own, role: 'owner', pass };
  }

  /** Host links: the guest's own session, started with the host's stored credential (never shown to the guest). */
  async startGuestSession(pass: GuestPass): Promise<AnySession> {
    if (pass.sessionId !== null) throw new ShareError('conflict', 'this pass already has a session');
    // Claim the slot now, before anything async: a burst of upgrades on one pass must not start many sessions.
    pass.sessionId = STARTING;
    let host;
    try {
      host = await this.deps.store.hosts.get(pass.link.hostId);
      if (!host) throw new ShareError('ended', 'the shared host no longer exists');
      // A host link lends a host the owner already trusts: a guest never decides which host key to pin.
      if (host.protocol === 'ssh' && !(await this.deps.store.hostKeys.getPinned(host.id))) {
        throw new ShareError('conflict', `${host.name}'s host key is not trusted yet: its owner must connect once before lending it`);
      }
    } catch (error) {
      pass.sessionId = null;
      throw error;
    }
    // Revoked or expired while we looked the host up: start nothing.
    if (!this.passes.has(pass.secret)) throw new ShareError('revoked', 'this link ended');
    const facts = storedHostFacts(host);
    const opener = actorOf(pass.identity, pass.source);
    const session = host.protocol !== 'ssh' ? this.deps.desktops.create(opener, host, facts) : this.deps.sessions.create(opener, host, facts);
    pass.sessionId = session.id;
    this.deps.log.info({ event: 'share.session_started', link: pass.link.id, session: session.id, host: host.name, guest: pass.identity.principal }, 'guest session started');
    return session;
  }

  /** The WebSocket layer reports guest viewers coming and going, for the audit trail and removal. */
  viewerAttached(pass: GuestPass, viewer: ViewerFacts, sessionId: string): void {
    this.viewerPasses.set(viewer.id, pass);
    this.audit(pass.link, 'joined', passActor(pass), sessionId, viewer.role === 'view' ? 'watching' : viewer.role === 'control' ? 'co-driving' : 'own session');
  }

  viewerDetached(pass: GuestPass, viewer: ViewerFacts, sessionId: string): void {
    if (this.viewerPasses.get(viewer.id) !== pass) return;
    this.viewerPasses.delete(viewer.id);
    this.audit(pass.link, 'left', passActor(pass), sessionId, '');
  }

  /** A pass holds at most MAX_VIEWERS_PER_PASS connections (a page and its reconnect): a new one replaces the oldest. */
  makeRoom(pass: GuestPass): void {
    const mine = [...this.viewerPasses].filter(([, p]) => p === pass).map(([id]) => id); // attach order
    while (mine.length >= MAX_VIEWERS_PER_PASS) {
      const oldest = mine.shift()!;
      this.viewerPasses.delete(oldest);
      const session = this.findSession(pass.sessionId ?? pass.link.sessionId ?? '');
      if (session) removeViewer(session, oldest, CloseCode.replaced, 'this link was opened again in another window');
    }
  }

  /** Rate-limit bookkeeping for guest upgrades refused before a pass was looked at. */
  isThrottled(sourceKey: string): boolean {
    return this.sourceLimiter.retryAfter(sourceKey) > 0;
  }

  /* ---------------- internals ---------------- */

  private issuePass(link: ShareLinkRecord, guest: GuestRequest): GuestPass {
    const id = randomUUID();
    const tailnet = isTailnetIdentity(guest.identity) ? guest.identity! : undefined;
    const identity: Identity = {
      principal: guestPrincipal(id),
      via: 'share',
      kind: 'guest',
      name: tailnet?.name ?? 'Guest',
      login: tailnet?.login,
      tags: [],
      device: { name: guest.source },
      // Guests carry no grants of their own: the pass is the whole of what they may do.
      permissions: NO_PERMISSIONS,
    };
    const pass: GuestPass = { id, secret: newSecretToken(), link, identity, tailnetPrincipal: tailnet?.principal ?? null, source: guest.source, sessionId: null };
    this.passes.set(pass.secret, pass);
    let set = this.linkPasses.get(link.id);
    if (!set) this.linkPasses.set(link.id, (set = new Set()));
    set.add(pass);
    return pass;
  }

  /** Ends every pass of a link and closes what came through it. */
  private cut(linkId: string, reason: string): void {
    for (const pass of [...(this.linkPasses.get(linkId) ?? [])]) this.dropPass(pass, 'ended', reason);
    this.linkPasses.delete(linkId);
  }

  private dropPass(pass: GuestPass, why: 'ended' | 'removed', reason: string): void {
    this.passes.delete(pass.secret);
    this.linkPasses.get(pass.link.id)?.delete(pass);
    const code = why === 'removed' ? CloseCode.removed : CloseCode.shareEnded;
    if (pass.link.kind === 'host') {
      // The guest's own session ends with its pass.
      const own = pass.sessionId ? this.findSession(pass.sessionId) : undefined;
      if (own) endSession(own, code, reason);
    } else {
      const shared = this.findSession(pass.link.sessionId!);
      for (const [viewerId, p] of this.viewerPasses) if (p === pass) shared && removeViewer(shared, viewerId, code, reason);
    }
    for (const [viewerId, p] of [...this.viewerPasses]) if (p === pass) this.viewerPasses.delete(viewerId);
  }

  private sweep(): void {
    const now = this.now();
    for (const [linkId, set] of this.linkPasses) {
      const link = set.values().next().value?.link;
      if (!link) {
        this.linkPasses.delete(linkId);
        continue;
      }
      if (now >= link.expiresAt) {
        this.cut(linkId, 'this link expired');
        this.audit(link, 'expired', GATEWAY_ACTOR, link.sessionId, '');
      } else if (link.kind === 'session' && !this.sessionAlive(link)) {
        this.cut(linkId, 'the shared session ended');
      }
    }
  }

  private throttle(limiter: AttemptLimiter, key: string, where: string): void {
    const wait = limiter.retryAfter(key);
    if (wait > 0) {
      const seconds = Math.ceil(wait / 1000);
      throw new ShareError('rate-limited', `too many wrong attempts ${where}; try again in ${seconds} s`, seconds);
    }
  }

  private async hostTarget(owner: Identity, hostId: string) {
    if (hostId.startsWith(TAILNET_HOST_ID_PREFIX)) {
      throw new ShareError('bad-request', 'a tailnet machine has no stored credential to lend: open it and share the live session instead');
    }
    const host = await this.deps.store.hosts.get(hostId);
    if (!host) throw new ShareError('not-found', `no host with id "${hostId}"`);
    if (!can(owner.permissions, { kind: 'share', protocol: host.protocol }, storedHostFacts(host))) {
      throw new ShareError('forbidden', `${owner.name} may not share ${host.name} over ${host.protocol.toUpperCase()}`);
    }
    return { hostId: host.id, hostName: host.name, protocol: host.protocol };
  }

  private sessionTarget(owner: Identity, sessionId: string) {
    const session = this.findSession(sessionId);
    // Someone else's session answers exactly like a missing one.
    if (!session || session.principal !== owner.principal || session.isClosed) throw new ShareError('not-found', 'no such session');
    const protocol = session.host.protocol;
    if (!can(owner.permissions, { kind: 'share', protocol }, session.hostFacts)) {
      throw new ShareError('forbidden', `${owner.name} may not share ${session.host.name} over ${protocol.toUpperCase()}`);
    }
    return { hostId: session.host.id, hostName: session.host.name, protocol };
  }

  private async ownedLink(viewer: Identity, linkId: string): Promise<ShareLinkRecord> {
    const link = await this.deps.store.shares.get(linkId);
    if (!link || (link.createdBy !== viewer.principal && viewer.permissions.role !== 'admin')) throw new ShareError('not-found', 'no such link');
    return link;
  }

  private findSession(id: string): AnySession | undefined {
    return this.deps.sessions.get(id) ?? this.deps.desktops.get(id);
  }

  private sessionAlive(link: ShareLinkRecord): boolean {
    if (link.kind !== 'session') return true;
    const session = this.findSession(link.sessionId!);
    return !!session && !session.isClosed;
  }

  private view(record: ShareLinkRecord): ShareLinkView {
    const guests: GuestView[] = [];
    for (const [viewerId, pass] of this.viewerPasses) {
      if (pass.link.id !== record.id) continue;
      const sessionId = pass.sessionId ?? record.sessionId;
      const info = sessionId ? this.findSession(sessionId)?.viewerList().find((v) => v.id === viewerId) : undefined;
      if (info) guests.push({ id: viewerId, name: info.name, source: pass.source, mode: modeOf(info.role), sessionId: sessionId!, since: info.since });
    }
    return {
      id: record.id, kind: record.kind, hostId: record.hostId, hostName: record.hostName, protocol: record.protocol, sessionId: record.sessionId,
      mode: record.mode, audience: record.audience, label: record.label, createdBy: record.createdByName, createdAt: record.createdAt,
      expiresAt: record.expiresAt, revokedAt: record.revokedAt, maxUses: record.maxUses, uses: record.uses, hasPasscode: record.passcodeHash !== null,
      state: shareState(record, this.now(), this.sessionAlive(record)), guests,
    };
  }

  /** The link's trail, in the audit log: the Sharing page reads it back by link id (store.shares.listEvents). */
  private audit(link: ShareLinkRecord, event: ShareEventKind, actor: AuditActor, sessionId: string | null, detail: string): void {
    this.auditLog.record({
      action: `share.${event}`, actor, at: this.now(), linkId: link.id, sessionId, hostId: link.hostId, hostName: link.hostName, protocol: link.protocol,
      detail: { text: detail },
    });
  }
}

function isTailnetIdentity(identity: Identity | undefined): boolean {
  return !!identity && (identity.via === 'tailnet' || identity.via === 'serve') && (identity.kind === 'person' || identity.kind === 'tagged-device');
}

/** How a guest appears in the audit trail before they hold a pass: their tailnet name, else "Guest" (as on their pass). */
function guestName(guest: GuestRequest): string {
  return isTailnetIdentity(guest.identity) ? guest.identity!.name : 'Guest';
}

/** Before a guest holds a pass: their tailnet principal (or "guest"), and the source as the Sharing page shows it. */
function guestActor(guest: GuestRequest): AuditActor {
  return { principal: isTailnetIdentity(guest.identity) ? guest.identity!.principal : 'guest', name: guestName(guest), device: guest.source };
}

function passActor(pass: GuestPass): AuditActor {
  return { principal: pass.identity.principal, name: pass.identity.name, device: pass.source };
}

function modeOf(role: ViewerRole): ShareMode {
  return role === 'view' ? 'view' : 'control';
}

function describeCreated(link: ShareLinkRecord): string {
  const what = link.kind === 'host' ? `${link.protocol.toUpperCase()} access to ${link.hostName}` : `${link.mode === 'view' ? 'watch' : 'co-drive'} a session on ${link.hostName}`;
  return `${what} for ${link.audience === 'anyone' ? 'anyone with the link' : 'the tailnet'}, until ${new Date(link.expiresAt).toISOString()}${link.maxUses ? `, ${link.maxUses} use(s)` : ''}${link.passcodeHash ? ', with passcode' : ''}`;
}

/** Desktops close with a Guacamole status the client shows; terminals with our close code. */
function endSession(session: AnySession, code: number, reason: string): void {
  if (session instanceof DesktopSession) session.end(GuacStatus.clientForbidden, reason);
  else session.end(code, reason);
}

function removeViewer(session: AnySession, viewerId: string, code: number, reason: string): void {
  if (session instanceof DesktopSession) session.removeViewer(viewerId, GuacStatus.clientForbidden, reason);
  else session.removeViewer(viewerId, code, reason);
}
