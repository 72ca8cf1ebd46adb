// Opens an RFB session over a connected socket: handshake and security, ClientInit, ServerInit, then an RfbConnection.
import type { Socket } from 'node:net';
import { RfbConnection, type SinkFactory } from './connection.js';
import type { RectDecoder } from './encodings/decoder.js';
import { toRfbError } from './errors.js';
import { negotiateSecurity, negotiateVersion, readServerInit } from './handshake.js';
import type { TlsCertificateCheck } from './vencrypt.js';
import { RfbWire } from './wire.js';

export interface RfbConnectOptions {
  /** Already connected; the caller resolves, connects and times out. From here on the connection owns it. */
  socket: Socket;
  password?: string | undefined;
  /** For VeNCrypt Plain (user name and password, e.g. checked by PAM on the server). */
  username?: string | undefined;
  /** false asks the server to disconnect its other viewers. */
  shared: boolean;
  /** Called at ServerInit and whenever the framebuffer size changes. */
  sink: SinkFactory;
  /** Extra encodings by number (Hextile 5, ZRLE 16, Tight 7); Raw and CopyRect are built in. */
  decoders?: ReadonlyMap<number, RectDecoder> | undefined;
  /** The host's certificate is pinned: accept only VeNCrypt X509 subtypes (no downgrade past the pin). */
  requireX509?: boolean | undefined;
  /** X509 VeNCrypt subtypes: resolve false to refuse the certificate. Without it any certificate is accepted. */
  onTlsCertificate?: TlsCertificateCheck | undefined;
}

/**
 * Resolves once ServerInit has arrived and our pixel format and encodings are sent; the caller then
 * attaches listeners and calls requestUpdate(false). Rejects with an RfbError (kind says why) and
 * destroys the socket on any failure.
 */
export async function connectRfb(options: RfbConnectOptions): Promise<RfbConnection> {
  const wire = new RfbWire(options.socket);
  try {
    const minor = await negotiateVersion(wire);
    await negotiateSecurity(wire, minor, options);
    wire.write(Buffer.from([options.shared ? 1 : 0])); // ClientInit
    const init = await readServerInit(wire.reader);
    return new RfbConnection(wire, init, options.sink, options.decoders);
  } catch (error) {
    const failure = toRfbError(error);
    wire.destroy(failure);
    throw failure;
  }
}
