// Pure security-type logic: names for messages, which offered type to pick given our credentials, what a failure means.
import { RfbAuthError } from './errors.js';

export const SECURITY_NONE = 1;
export const SECURITY_VNC = 2;
export const SECURITY_VENCRYPT = 19;

/** IANA's RFB security types plus the common vendor ones, so a refusal can name what the server wanted. */
const TYPE_NAMES: Record<number, string> = {
  1: 'None',
  2: 'VNC Authentication',
  5: 'RA2',
  6: 'RA2ne',
  16: 'Tight',
  17: 'Ultra',
  18: 'TLS',
  19: 'VeNCrypt',
  20: 'SASL',
  21: 'MD5 hash',
  22: 'xvp',
  30: 'Apple Remote Desktop',
  113: 'MS-Logon II',
  129: 'Unix Login',
  130: 'External',
  256: 'Plain',
  257: 'TLSNone',
  258: 'TLSVnc',
  259: 'TLSPlain',
  260: 'X509None',
  261: 'X509Vnc',
  262: 'X509Plain',
  263: 'TLSSASL',
  264: 'X509SASL',
};

export const securityTypeName = (type: number) => `${TYPE_NAMES[type] ?? 'unknown'} (${type})`;

export interface Credentials {
  username?: string | undefined;
  password?: string | undefined;
  /**
   * The host's X509 certificate is pinned: only VeNCrypt X509 subtypes are acceptable, so a machine in the
   * middle cannot downgrade to VNC auth, anonymous TLS or cleartext Plain and skip the pin.
   */
  requireX509?: boolean;
}

/** What a (sub)type needs from us: nothing, the VNC password, or user name and password. */
export type InnerAuth = 'none' | 'vnc' | 'plain';
export type TlsMode = 'none' | 'anonymous' | 'x509';

export interface Scheme {
  type: number;
  tls: TlsMode;
  auth: InnerAuth;
}

const VENCRYPT_SCHEMES: Scheme[] = [
  // Servers that prove who they are first, then anonymous TLS, then cleartext; within each, the credential we hold.
  { type: 262, tls: 'x509', auth: 'plain' },
  { type: 261, tls: 'x509', auth: 'vnc' },
  { type: 260, tls: 'x509', auth: 'none' },
  { type: 259, tls: 'anonymous', auth: 'plain' },
  { type: 258, tls: 'anonymous', auth: 'vnc' },
  { type: 257, tls: 'anonymous', auth: 'none' },
  { type: SECURITY_VNC, tls: 'none', auth: 'vnc' },
  // Plain without TLS sends the password in the clear: only when nothing else is on offer.
  { type: 256, tls: 'none', auth: 'plain' },
  { type: SECURITY_NONE, tls: 'none', auth: 'none' },
];

const usable = (auth: InnerAuth, c: Credentials) =>
  auth === 'none' || (auth === 'vnc' ? c.password !== undefined : c.username !== undefined && c.password !== undefined);

/**
 * Top-level choice. With a password: VeNCrypt (it may add TLS), VNC auth, None. Without: None first, since
 * every other type would need the password we lack.
 */
export function chooseSecurityType(offered: number[], credentials: Credentials): number {
  if (credentials.requireX509) {
    if (offered.includes(SECURITY_VENCRYPT)) return SECURITY_VENCRYPT;
    throw downgrade(offered);
  }
  const order = credentials.password !== undefined ? [SECURITY_VENCRYPT, SECURITY_VNC, SECURITY_NONE] : [SECURITY_NONE, SECURITY_VENCRYPT, SECURITY_VNC];
  const pick = order.find((type) => offered.includes(type));
  if (pick === undefined) throw unsupported(offered);
  if (pick === SECURITY_VNC && credentials.password === undefined) throw passwordRequired();
  return pick;
}

export function chooseVencryptScheme(offered: number[], credentials: Credentials): Scheme {
  const candidates = VENCRYPT_SCHEMES.filter((scheme) => offered.includes(scheme.type) && (!credentials.requireX509 || scheme.tls === 'x509'));
  if (credentials.requireX509 && candidates.length === 0) throw downgrade(offered, 'VeNCrypt ');
  const pick = candidates.find((scheme) => usable(scheme.auth, credentials));
  if (pick) return pick;
  if (candidates.length > 0) throw passwordRequired(candidates.some((s) => s.auth === 'plain') && credentials.username === undefined);
  throw unsupported(offered, 'VeNCrypt ');
}

/** A pinned certificate and a server that no longer offers certificate TLS: refused, naming what it offered. */
export function downgrade(offered: number[], prefix = ''): RfbAuthError {
  return new RfbAuthError(
    'certificate-rejected',
    `this host's TLS certificate is pinned, but the server now offers only ${prefix}${offered.map(securityTypeName).join(', ') || 'nothing'} (possible downgrade); refused`,
  );
}

function unsupported(offered: number[], prefix = ''): RfbAuthError {
  const names = offered.map(securityTypeName);
  const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : (names[0] ?? 'nothing');
  return new RfbAuthError('unsupported-security', `the server offers only ${prefix}${list}, which Porthole does not support`);
}

export function passwordRequired(needsUser = false): RfbAuthError {
  return new RfbAuthError('password-required', `the VNC server asks for ${needsUser ? 'a user name and password' : 'a password'}, and none is stored for this host`);
}

/** TigerVNC says "Too many security failures" (or nothing at all) while it blacklists an address. */
export function isBlacklistReason(reason: string): boolean {
  return reason.trim() === '' || /too many|blacklist/i.test(reason);
}

/** A connection refused before any security type (zero types, or type 0 on RFB 3.3). */
export function refusalError(reason: string): RfbAuthError {
  if (isBlacklistReason(reason)) {
    return new RfbAuthError('blacklisted', `the VNC server is refusing this gateway for now after repeated failed logins${said(reason)}`);
  }
  return new RfbAuthError('server-refused', `the VNC server refused the connection${said(reason)}`);
}

/** A failed SecurityResult: status 2 is "too many attempts"; otherwise it depends on whether a credential was sent. */
export function securityResultError(status: number, reason: string, auth: InnerAuth): RfbAuthError {
  if (status === 2 || /too many|blacklist/i.test(reason)) {
    return new RfbAuthError('blacklisted', `the VNC server is refusing this gateway for now after repeated failed logins${said(reason)}`);
  }
  if (auth === 'vnc') return new RfbAuthError('wrong-password', `the VNC server rejected the password${said(reason)}`);
  if (auth === 'plain') return new RfbAuthError('wrong-password', `the VNC server rejected the user name or password${said(reason)}`);
  return new RfbAuthError('server-refused', `the VNC server refused the connection${said(reason)}`);
}

const said = (reason: string) => (reason.trim() ? ` (it said: "${reason.trim()}")` : '');
