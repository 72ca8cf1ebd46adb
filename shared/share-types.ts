// Share links between browser and server: what an owner creates and sees, and what a guest's page is told.
import { z } from 'zod';

/** `host`: open a host with its stored credential; `session`: watch or co-drive a live session. */
export const SHARE_KINDS = ['host', 'session'] as const;
export type ShareKind = (typeof SHARE_KINDS)[number];

/** `view`: read-only; `control`: keys, mouse and clipboard reach the host (the terminal size stays the owner's). */
export const SHARE_MODES = ['view', 'control'] as const;
export type ShareMode = (typeof SHARE_MODES)[number];

/** `tailnet`: only people on the tailnet; `anyone`: whoever has the link, also through Funnel. */
export const SHARE_AUDIENCES = ['tailnet', 'anyone'] as const;
export type ShareAudience = (typeof SHARE_AUDIENCES)[number];

/** Longest a link may live: 30 days. */
export const MAX_SHARE_MINUTES = 30 * 24 * 60;
export const MAX_SHARE_USES = 1000;
export const MIN_PASSCODE_CHARS = 4;
export const MAX_PASSCODE_CHARS = 64;

/** Everything up to and including `/share/` is the guest page; the secret token travels after `#`, never to a server log. */
export const GUEST_PAGE_PATH = '/share/';

const common = {
  expiresInMinutes: z.number().int().min(1).max(MAX_SHARE_MINUTES),
  /** Omitted: unlimited (live-session links); host links need a number. */
  maxUses: z.number().int().min(1).max(MAX_SHARE_USES).optional(),
  passcode: z.string().min(MIN_PASSCODE_CHARS).max(MAX_PASSCODE_CHARS).optional(),
  audience: z.enum(SHARE_AUDIENCES),
  /** A note for the owner's list ("for Sam, printer fix"); shown to the guest too. */
  label: z.string().trim().max(100).optional(),
};

export const createShareSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('host'), hostId: z.string().min(1).max(200), mode: z.literal('control').default('control'), ...common }),
  z.object({ kind: z.literal('session'), sessionId: z.string().min(1).max(64), mode: z.enum(SHARE_MODES), ...common }),
]);
export type CreateShareInput = z.input<typeof createShareSchema>;

export type ShareState = 'active' | 'expired' | 'revoked' | 'used-up' | 'ended';

/** Someone attached through a link right now. */
export interface GuestView {
  /** The viewer id: DELETE /api/shares/:linkId/guests/:id removes this one viewer. */
  id: string;
  name: string;
  /** Where they came from: a tailnet device or login, or the public address Funnel reported. */
  source: string;
  mode: ShareMode;
  sessionId: string;
  since: number;
}

export interface ShareLinkView {
  id: string;
  kind: ShareKind;
  hostId: string;
  hostName: string;
  protocol: 'ssh' | 'vnc' | 'rdp';
  /** Live-session links only. */
  sessionId: string | null;
  mode: ShareMode;
  audience: ShareAudience;
  label: string;
  createdBy: string;
  createdAt: number;
  expiresAt: number;
  revokedAt: number | null;
  maxUses: number | null;
  uses: number;
  hasPasscode: boolean;
  state: ShareState;
  guests: GuestView[];
}

/** Returned once, at creation: the token is never stored or shown again. */
export interface CreatedShareLink extends ShareLinkView {
  url: string;
}

export const SHARE_EVENTS = ['created', 'opened', 'refused', 'joined', 'left', 'removed', 'revoked', 'expired'] as const;
export type ShareEventKind = (typeof SHARE_EVENTS)[number];

/** One line of a link's audit trail. */
export interface ShareEventView {
  at: number;
  event: ShareEventKind;
  /** Who: the owner, a tailnet login or device, or "guest". */
  actor: string;
  /** Which source address or device. */
  source: string;
  sessionId: string | null;
  detail: string;
}

/* ---- guest side: everything below /share/api ---- */

export const openShareSchema = z.object({
  token: z.string().min(16).max(128),
  passcode: z.string().max(MAX_PASSCODE_CHARS).optional(),
});

/** What the guest page shows: who shared what, until when. */
export interface GuestLinkView {
  kind: ShareKind;
  sharedBy: string;
  hostName: string;
  protocol: 'ssh' | 'vnc' | 'rdp';
  mode: ShareMode;
  label: string;
  expiresAt: number;
  /** The server's clock when this was sent: the countdown corrects for a skewed guest clock. */
  serverNow: number;
}

/** POST /share/api/open answers with a pass: the guest's key for the WebSockets until the link ends. */
export interface GuestTicket {
  pass: string;
  link: GuestLinkView;
}

/** Error codes of /share/api/open besides the common ones. */
export type GuestRefusal = 'passcode-required' | 'wrong-passcode' | 'rate-limited' | 'not-found' | 'expired' | 'revoked' | 'used-up' | 'ended' | 'tailnet-only';

/* ---- who is attached to a session (sent to its owner) ---- */

export interface SessionViewerInfo {
  id: string;
  name: string;
  role: 'owner' | 'control' | 'view';
  /** The device or address they came from (a tailnet device name, or the public address Funnel reported). */
  source: string;
  /** A share link's id when the viewer came through one. */
  linkId: string | null;
  since: number;
}
