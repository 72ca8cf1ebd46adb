// Who is asking: the identity every HTTP request and WebSocket carries after authentication.

/**
 * In local mode there is one principal, the owner, reached by the browser login or by an API token the
 * owner created. The tailnet issue adds people and tagged devices as further principals.
 */
export interface Identity {
  /** Stable key for ownership checks (sessions belong to a principal). */
  principal: string;
  /** How this request authenticated. */
  via: 'browser' | 'token';
  /** For display and logs. */
  name: string;
}

export const OWNER_PRINCIPAL = 'owner';

export function ownerIdentity(via: Identity['via'], name = 'Owner'): Identity {
  return { principal: OWNER_PRINCIPAL, via, name };
}
