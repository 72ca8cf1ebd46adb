// Local mode authentication: the one-time owner login link, browser login sessions, and owner-created API tokens.
import { parse as parseCookies } from 'hono/utils/cookie';
import { LOGIN_LINK_TTL_MS, LOGIN_SESSION_TTL_MS } from '../config/defaults.js';
import { newSecretToken } from '../crypto/tokens.js';
import type { ApiTokenRecord, AuthStore } from '../store/types.js';
import { parsePermissions } from '../policy/grants.js';
import { OWNER_PRINCIPAL, ownerIdentity, type Identity } from './identity.js';

export const SESSION_COOKIE = 'porthole_session';
export const API_TOKEN_PREFIX = 'pt_';

/** What a request presents; the same for HTTP requests and WebSocket upgrades. */
export interface Credentials {
  cookieHeader?: string | undefined;
  authorizationHeader?: string | undefined;
}

export class LocalAuth {
  constructor(
    private readonly store: AuthStore,
    private readonly now: () => number = Date.now,
  ) {}

  /** A fresh one-time link. The token sits in the URL fragment so it never reaches logs, proxies or Referer. */
  async issueLoginLink(baseUrl: string): Promise<string> {
    const token = newSecretToken();
    await this.store.createLoginLink(token, this.now() + LOGIN_LINK_TTL_MS);
    return `${baseUrl}/login#${token}`;
  }

  /** Exchanges a login-link token for a new browser session id, or undefined if the link is unknown, used or expired. */
  async redeemLoginLink(token: string): Promise<{ sessionId: string; maxAgeSeconds: number } | undefined> {
    const now = this.now();
    if (!(await this.store.redeemLoginLink(token, now))) return undefined;
    const sessionId = newSecretToken();
    await this.store.createLoginSession(sessionId, OWNER_PRINCIPAL, now, now + LOGIN_SESSION_TTL_MS);
    return { sessionId, maxAgeSeconds: Math.floor(LOGIN_SESSION_TTL_MS / 1000) };
  }

  /** True when a live login was ended (a made-up cookie ends nothing, and is not worth an audit row). */
  async logout(credentials: Credentials): Promise<boolean> {
    const sessionId = sessionIdFrom(credentials.cookieHeader);
    if (!sessionId || !(await this.store.getLoginSession(sessionId, this.now()))) return false;
    await this.store.deleteLoginSession(sessionId);
    return true;
  }

  /** Bearer token first (scripts), then the session cookie (the page). Undefined means not logged in. */
  async identify(credentials: Credentials): Promise<Identity | undefined> {
    const bearer = bearerFrom(credentials.authorizationHeader);
    if (bearer !== undefined) {
      const token = bearer.startsWith(API_TOKEN_PREFIX) ? await this.store.useApiToken(bearer, this.now()) : undefined;
      if (!token) return undefined;
      if (!token.owner) return ownerIdentity('token', `token ${token.name}`);
      // A tailnet token acts as its maker, with the rights the maker had when making it.
      return { principal: token.owner.principal, via: 'token', kind: 'token', name: `token ${token.name} of ${token.owner.name}`, tags: [], permissions: parsePermissions(token.owner.permissions) };
    }
    const sessionId = sessionIdFrom(credentials.cookieHeader);
    if (!sessionId) return undefined;
    const session = await this.store.getLoginSession(sessionId, this.now());
    return session?.identity === OWNER_PRINCIPAL ? ownerIdentity('browser') : undefined;
  }

  /**
   * The local owner's tokens carry every right. Anyone else's token (tailnet mode) carries its maker's
   * principal and a snapshot of the maker's permissions, so minting a token never widens what one can do.
   */
  async createApiToken(name: string, creator: Identity): Promise<ApiTokenRecord & { token: string }> {
    const token = newSecretToken(API_TOKEN_PREFIX);
    const owner = creator.principal === OWNER_PRINCIPAL ? null : { principal: creator.principal, name: creator.name, permissions: JSON.stringify(creator.permissions) };
    const record = await this.store.createApiToken(token, name, this.now(), owner);
    return { ...record, token };
  }

  listApiTokens(): Promise<ApiTokenRecord[]> {
    return this.store.listApiTokens();
  }

  deleteApiToken(id: string): Promise<boolean> {
    return this.store.deleteApiToken(id);
  }
}

export function sessionIdFrom(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  const value = parseCookies(cookieHeader, SESSION_COOKIE)[SESSION_COOKIE];
  return value && value.length <= 200 ? value : undefined;
}

/** undefined: no bearer header. '': a malformed one, which must fail rather than fall back to the cookie. */
function bearerFrom(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S{1,200})$/i.exec(header.trim());
  return match ? match[1] : '';
}
