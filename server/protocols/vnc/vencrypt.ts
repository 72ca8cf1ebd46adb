// VeNCrypt (security type 19): version 0.2, subtype choice, TLS on the same socket, then the inner authentication.
import type { ConnectionOptions, PeerCertificate, TLSSocket } from 'node:tls';
import { RfbAuthError, RfbError } from './errors.js';
import { chooseVencryptScheme, securityTypeName, type Credentials, type InnerAuth, type TlsMode } from './security.js';
import type { RfbWire } from './wire.js';

/** Resolve false to refuse the server (e.g. the fingerprint differs from the pinned one). */
export type TlsCertificateCheck = (cert: { fingerprint256: string; subject: string }) => Promise<boolean>;

/**
 * Anonymous TLS (TLSNone/TLSVnc/TLSPlain) needs cipher suites OpenSSL 3 hides at its default security level.
 * TigerVNC (GnuTLS) agrees on AECDH-AES256-SHA; ADH suites are listed for servers with finite-field DH
 * parameters. Anonymous suites do not exist in TLS 1.3, hence the 1.2 cap. These subtypes encrypt but
 * cannot tell who the server is: the X509 subtypes (with onTlsCertificate pinning) can.
 */
export const ANONYMOUS_TLS: ConnectionOptions = {
  ciphers: [
    'AECDH-AES256-SHA',
    'AECDH-AES128-SHA',
    'ADH-AES256-GCM-SHA384',
    'ADH-AES128-GCM-SHA256',
    'ADH-AES256-SHA256',
    'ADH-AES128-SHA256',
    'ADH-AES256-SHA',
    'ADH-AES128-SHA',
    '@SECLEVEL=0',
  ].join(':'),
  maxVersion: 'TLSv1.2',
  rejectUnauthorized: false,
};

/** Self-signed certificates are the norm on VNC servers: chain checks are off, pinning is the caller's job. */
export const X509_TLS: ConnectionOptions = { rejectUnauthorized: false, checkServerIdentity: () => undefined };

export interface VencryptOptions extends Credentials {
  onTlsCertificate?: TlsCertificateCheck | undefined;
}

/** Returns the inner authentication used, so a failed SecurityResult can be explained. */
export async function negotiateVencrypt(wire: RfbWire, options: VencryptOptions, answerVncChallenge: (wire: RfbWire) => Promise<void>): Promise<InnerAuth> {
  const { reader } = wire;
  const major = await reader.u8();
  const minor = await reader.u8();
  if (major === 0 && minor < 2) throw new RfbAuthError('unsupported-security', `the server speaks VeNCrypt ${major}.${minor}; Porthole needs 0.2`);
  wire.write(Buffer.from([0, 2]));
  if ((await reader.u8()) !== 0) throw new RfbAuthError('server-refused', 'the VNC server refused VeNCrypt version 0.2');

  const count = await reader.u8();
  const offered: number[] = [];
  for (let i = 0; i < count; i++) offered.push(await reader.u32());
  const scheme = chooseVencryptScheme(offered, options);
  const choice = Buffer.alloc(4);
  choice.writeUInt32BE(scheme.type);
  wire.write(choice);

  if (scheme.tls !== 'none') {
    if ((await reader.u8()) !== 1) throw new RfbAuthError('server-refused', `the VNC server could not start TLS for ${securityTypeName(scheme.type)}`);
    await upgrade(wire, scheme.tls, options.onTlsCertificate);
  }
  if (scheme.auth === 'vnc') await answerVncChallenge(wire);
  if (scheme.auth === 'plain') wire.write(plainCredentials(options.username ?? '', options.password ?? ''));
  return scheme.auth;
}

async function upgrade(wire: RfbWire, mode: Exclude<TlsMode, 'none'>, check: TlsCertificateCheck | undefined): Promise<void> {
  const secure = await wire.startTls(mode === 'anonymous' ? ANONYMOUS_TLS : X509_TLS);
  if (mode !== 'x509' || !check) return;
  const cert = describeCertificate(secure);
  if (!(await check(cert))) {
    throw new RfbAuthError('certificate-rejected', `the VNC server's TLS certificate (${cert.fingerprint256}) was not trusted`);
  }
}

function describeCertificate(secure: TLSSocket): { fingerprint256: string; subject: string } {
  const cert: PeerCertificate = secure.getPeerCertificate();
  if (!cert?.fingerprint256) throw new RfbError('protocol', 'the VNC server offered X509 security but sent no certificate');
  const subject = Object.entries(cert.subject ?? {})
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : value}`)
    .join(', ');
  return { fingerprint256: cert.fingerprint256, subject };
}

/** VeNCrypt Plain: U32 user length, U32 password length, then both (UTF-8). */
export function plainCredentials(username: string, password: string): Buffer {
  const user = Buffer.from(username, 'utf8');
  const pass = Buffer.from(password, 'utf8');
  const header = Buffer.alloc(8);
  header.writeUInt32BE(user.length, 0);
  header.writeUInt32BE(pass.length, 4);
  return Buffer.concat([header, user, pass]);
}
