// Failures of an RFB connection, each with a kind a person (or the page) can act on.
import { RfbProtocolError } from './encodings/types.js';

export type RfbAuthErrorKind =
  | 'wrong-password'
  /** The server wants a password (or user name) and the gateway has none for this host. */
  | 'password-required'
  /** TigerVNC refuses a client address for a while after repeated failed logins. */
  | 'blacklisted'
  | 'unsupported-security'
  /** The server said no, with its own words (e.g. "connection rejected by user"). */
  | 'server-refused'
  /** onTlsCertificate turned the server's certificate down (e.g. it does not match the pinned one). */
  | 'certificate-rejected';

export type RfbErrorKind = RfbAuthErrorKind | 'protocol' | 'closed';

/** Any failure of the connection; `message` is safe to show (it never contains a password). */
export class RfbError extends RfbProtocolError {
  override name = 'RfbError';
  constructor(
    readonly kind: RfbErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export class RfbAuthError extends RfbError {
  override name = 'RfbAuthError';
  declare readonly kind: RfbAuthErrorKind;
  constructor(kind: RfbAuthErrorKind, message: string, options?: { cause?: unknown }) {
    super(kind, message, options);
  }
}

/** The kind of anything a connection threw: decoders throw plain RfbProtocolError, sockets throw errno errors. */
export function rfbErrorKind(error: unknown): RfbErrorKind {
  return toRfbError(error).kind;
}

/** Wraps whatever ended a connection into an RfbError, keeping the original as `cause`. */
export function toRfbError(error: unknown): RfbError {
  if (error instanceof RfbError) return error;
  if (error instanceof RfbProtocolError) return new RfbError('protocol', error.message, { cause: error });
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) {
    return new RfbError('closed', `the connection to the VNC server was lost (${code})`, { cause: error });
  }
  // Anything else came out of decoding (a library or a bug): the session cannot continue either way.
  const detail = error instanceof Error ? error.message : String(error);
  return new RfbError('protocol', `the gateway could not handle what the VNC server sent (${detail})`, { cause: error });
}
