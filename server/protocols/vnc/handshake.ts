// The RFB handshake up to ServerInit (RFC 6143 §7.1-7.3): version, security, ClientInit, ServerInit.
import { vncAuthResponse } from './des.js';
import type { ByteReader } from './encodings/types.js';
import { RfbAuthError, RfbError } from './errors.js';
import { MAX_FRAMEBUFFER_PIXELS, MAX_FRAMEBUFFER_SIDE, MAX_NAME_BYTES, MAX_REASON_BYTES } from './limits.js';
import {
  chooseSecurityType,
  downgrade,
  passwordRequired,
  refusalError,
  securityResultError,
  securityTypeName,
  SECURITY_NONE,
  SECURITY_VENCRYPT,
  SECURITY_VNC,
  type Credentials,
  type InnerAuth,
} from './security.js';
import { negotiateVencrypt, type TlsCertificateCheck } from './vencrypt.js';
import type { RfbWire } from './wire.js';

/** The minor version we speak with major 3: 3, 7 or 8. */
export type RfbMinorVersion = 3 | 7 | 8;

/**
 * RFC 6143 §7.1.1: 3.3, 3.7 and 3.8 exist; 3.5 (and anything else below 3.7) means 3.3. Apple's 3.889
 * and any later version speak 3.8 to a 3.8 client, so anything newer gets 3.8.
 */
export function chooseVersion(greeting: Buffer): RfbMinorVersion {
  const match = /^RFB (\d{3})\.(\d{3})\n$/.exec(greeting.toString('latin1'));
  if (!match) {
    const shown = greeting.toString('latin1').replace(/[^\x20-\x7e]/g, '.');
    throw new RfbError('protocol', `this is not a VNC server: it greeted with "${shown}" instead of "RFB 003.008"`);
  }
  const major = Number(match[1]);
  const minor = Number(match[2]);
  if (major < 3) throw new RfbError('protocol', `the VNC server speaks RFB ${major}.${minor}, older than 3.3`);
  if (major > 3 || minor >= 8) return 8;
  return minor === 7 ? 7 : 3;
}

export async function negotiateVersion(wire: RfbWire): Promise<RfbMinorVersion> {
  const minor = chooseVersion(await wire.reader.read(12));
  wire.write(Buffer.from(`RFB 003.00${minor}\n`, 'latin1'));
  return minor;
}

export interface SecurityOptions extends Credentials {
  onTlsCertificate?: TlsCertificateCheck | undefined;
}

/** Runs the security phase to the end; throws RfbAuthError when the server or we refuse. */
export async function negotiateSecurity(wire: RfbWire, minor: RfbMinorVersion, options: SecurityOptions): Promise<void> {
  const { reader } = wire;
  let type: number;
  if (minor === 3) {
    type = await reader.u32(); // the server decides alone
    if (type === 0) throw refusalError(await readString(reader, MAX_REASON_BYTES, 'reason'));
    if (options.requireX509) throw downgrade([type]);
    if (type !== SECURITY_NONE && type !== SECURITY_VNC) throw new RfbAuthError('unsupported-security', `the server insists on ${securityTypeName(type)}, which Porthole does not support`);
    if (type === SECURITY_VNC && options.password === undefined) throw passwordRequired();
  } else {
    const count = await reader.u8();
    if (count === 0) throw refusalError(await readString(reader, MAX_REASON_BYTES, 'reason'));
    type = chooseSecurityType([...(await reader.read(count))], options);
    wire.write(Buffer.from([type]));
  }

  let auth: InnerAuth = 'none';
  if (type === SECURITY_VNC) {
    auth = 'vnc';
    await answerVncChallenge(wire, options.password ?? '');
  } else if (type === SECURITY_VENCRYPT) {
    auth = await negotiateVencrypt(wire, options, (w) => answerVncChallenge(w, options.password ?? ''));
  }
  // §7.1.3: no SecurityResult after None before 3.8.
  if (type === SECURITY_NONE && minor < 8) return;
  const status = await reader.u32();
  if (status === 0) return;
  const reason = minor === 8 ? await readString(reader, MAX_REASON_BYTES, 'reason') : '';
  throw securityResultError(status, reason, auth);
}

async function answerVncChallenge(wire: RfbWire, password: string): Promise<void> {
  const challenge = await wire.reader.read(16);
  wire.write(vncAuthResponse(challenge, password));
}

export interface ServerInit {
  width: number;
  height: number;
  name: string;
}

export async function readServerInit(reader: ByteReader): Promise<ServerInit> {
  const width = await reader.u16();
  const height = await reader.u16();
  checkFramebufferSize(width, height);
  await reader.read(16); // the server's own pixel format: we replace it with SetPixelFormat at once
  const name = await readString(reader, MAX_NAME_BYTES, 'desktop name');
  return { width, height, name };
}

export function checkFramebufferSize(width: number, height: number): void {
  if (width > MAX_FRAMEBUFFER_SIDE || height > MAX_FRAMEBUFFER_SIDE || width * height > MAX_FRAMEBUFFER_PIXELS) {
    throw new RfbError('protocol', `the VNC server announced a ${width}x${height} framebuffer, larger than the ${MAX_FRAMEBUFFER_SIDE}x${MAX_FRAMEBUFFER_SIDE} limit`);
  }
}

/** A U32 length and that many bytes, bounded before reading; control characters blanked for display. */
export async function readString(reader: ByteReader, max: number, what: string): Promise<string> {
  const length = await reader.u32();
  if (length > max) throw new RfbError('protocol', `the VNC server sent a ${length}-byte ${what} (limit ${max})`);
  return (await reader.read(length)).toString('utf8').replace(/[\x00-\x1f\x7f]/g, ' ');
}
