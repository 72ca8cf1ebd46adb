// Turns the host dialog's fields into a create or update request, with checks a person can act on (pure).
import {
  AUTH_METHODS_BY_PROTOCOL,
  DEFAULT_PORTS,
  DEFAULT_RDP_SETTINGS,
  DEFAULT_RECORDING_SETTINGS,
  type AuthMethod,
  type CreateHostRequest,
  type HostProtocol,
  type HostView,
  type RdpSettings,
  type RecordingMode,
  type RecordingSettings,
  type UpdateHostRequest,
} from '../../shared/api-types';

export interface HostFormValues {
  protocol: HostProtocol;
  name: string;
  address: string;
  port: string;
  username: string;
  method: AuthMethod;
  password: string;
  privateKey: string;
  passphrase: string;
  /** RDP hosts only (ignored for the other kinds). */
  keyboardLayout: RdpSettings['keyboardLayout'];
  security: RdpSettings['security'];
  domain: string;
  /** Every kind of host: whether its sessions are recorded, and whether typed input is kept too. */
  recordingMode: RecordingMode;
  recordInput: boolean;
}

export type FormResult<T> = { ok: true; value: T } | { ok: false; field: keyof HostFormValues | 'method'; message: string };

type Basics = Required<Pick<CreateHostRequest, 'name' | 'address' | 'port' | 'username'>>;
const PROTOCOL_LABEL: Record<HostProtocol, string> = { ssh: 'SSH', vnc: 'VNC', rdp: 'RDP' };

// These repeat the server's rules (shared/api-types.ts) only to answer before a round trip; the server decides.
function checkBasics(v: HostFormValues): FormResult<Basics> {
  const name = v.name.trim();
  const address = v.address.trim();
  const username = v.username.trim();
  const port = v.port.trim() === '' ? DEFAULT_PORTS[v.protocol] : Number(v.port.trim());
  if (!name) return { ok: false, field: 'name', message: 'Give the host a name.' };
  if (name.length > 100) return { ok: false, field: 'name', message: 'The name is longer than 100 characters.' };
  if (!address) return { ok: false, field: 'address', message: 'Enter a host name or IP address.' };
  if (!/^[A-Za-z0-9._:%\-[\]]{1,253}$/.test(address)) {
    return { ok: false, field: 'address', message: 'An address is a host name, IPv4 or IPv6 address (no spaces or "user@").' };
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    return { ok: false, field: 'port', message: 'The port is a whole number from 1 to 65535.' };
  }
  // VNC servers mostly have no user; only VeNCrypt Plain asks for one. SSH and RDP always log in as someone.
  if (!username && v.protocol !== 'vnc') return { ok: false, field: 'username', message: 'Enter the user to log in as.' };
  if (username && !/^[^\s:@]{1,64}$/.test(username)) {
    return { ok: false, field: 'username', message: 'A user name has no spaces, ":" or "@" (at most 64 characters).' };
  }
  return { ok: true, value: { name, address, port, username } };
}

function checkRdp(v: HostFormValues): FormResult<RdpSettings> {
  const domain = v.domain.trim();
  if (domain.length > 64) return { ok: false, field: 'domain', message: 'The domain is longer than 64 characters.' };
  if (!/^[^\s\\/:*?"<>|]*$/.test(domain)) {
    return { ok: false, field: 'domain', message: 'A Windows domain name has no spaces or any of \\ / : * ? " < > |.' };
  }
  return { ok: true, value: { keyboardLayout: v.keyboardLayout, security: v.security, domain } };
}

/** No secret in it, so it is always sent as the form shows it (the input choice is kept even while recording is off). */
function recordingOf(v: HostFormValues): RecordingSettings {
  return { mode: v.recordingMode, input: v.recordInput };
}

type AuthInput = CreateHostRequest['auth'];

function newAuth(v: HostFormValues): FormResult<AuthInput> {
  switch (v.method) {
    case 'password':
      return v.password
        ? { ok: true, value: { method: 'password', password: v.password } }
        : { ok: false, field: 'password', message: 'Enter the password.' };
    case 'key': {
      const privateKey = v.privateKey.trim();
      if (!privateKey) return { ok: false, field: 'privateKey', message: 'Paste the private key or load it from a file.' };
      if (!/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.test(privateKey)) {
        return { ok: false, field: 'privateKey', message: 'That does not look like a private key (it starts with "-----BEGIN … PRIVATE KEY-----").' };
      }
      // ssh2 wants the trailing newline of a PEM block.
      const value: AuthInput = { method: 'key', privateKey: `${privateKey}\n` };
      if (v.passphrase) value.passphrase = v.passphrase;
      return { ok: true, value };
    }
    case 'keyboard-interactive':
      return { ok: true, value: { method: 'keyboard-interactive' } };
    case 'none':
      return { ok: true, value: { method: 'none' } };
  }
}

/** The methods each protocol offers, so a VNC host never gets a key, an SSH host never "none", an RDP host only a password. */
export function methodAllowed(protocol: HostProtocol, method: AuthMethod): boolean {
  return AUTH_METHODS_BY_PROTOCOL[protocol].includes(method);
}

export function buildCreateRequest(v: HostFormValues): FormResult<CreateHostRequest> {
  const basics = checkBasics(v);
  if (!basics.ok) return basics;
  if (!methodAllowed(v.protocol, v.method)) return { ok: false, field: 'method', message: `${PROTOCOL_LABEL[v.protocol]} hosts cannot log in that way.` };
  const rdp = v.protocol === 'rdp' ? checkRdp(v) : null;
  if (rdp && !rdp.ok) return rdp;
  const auth = newAuth(v);
  if (!auth.ok) return auth;
  return { ok: true, value: { ...basics.value, protocol: v.protocol, auth: auth.value, ...(rdp ? { rdp: rdp.value } : {}), recording: recordingOf(v) } };
}

/**
 * Empty secret fields keep the stored secret: `auth` is sent only when the method changes or a new
 * secret was typed. Switching to password or key therefore needs the new secret.
 */
export function buildUpdateRequest(v: HostFormValues, existing: HostView): FormResult<UpdateHostRequest> {
  const basics = checkBasics(v);
  if (!basics.ok) return basics;
  // An RDP host's settings hold no secret: they are always sent as the form shows them.
  const rdp = existing.protocol === 'rdp' ? checkRdp(v) : null;
  if (rdp && !rdp.ok) return rdp;
  const fields: UpdateHostRequest = { ...basics.value, ...(rdp ? { rdp: rdp.value } : {}), recording: recordingOf(v) };
  const sameMethod = v.method === existing.authMethod;
  const typedSecret = v.method === 'password' ? v.password !== '' : v.method === 'key' ? v.privateKey.trim() !== '' : false;
  if (sameMethod && !typedSecret) {
    if (v.method === 'key' && v.passphrase) {
      return { ok: false, field: 'privateKey', message: 'To change the passphrase, paste the private key again too.' };
    }
    return { ok: true, value: fields };
  }
  const auth = newAuth(v);
  if (!auth.ok) return auth;
  return { ok: true, value: { ...fields, auth: auth.value } };
}

export function formValuesFrom(host: HostView | null): HostFormValues {
  const rdp = host?.rdp ?? DEFAULT_RDP_SETTINGS;
  const recording = host?.recording ?? DEFAULT_RECORDING_SETTINGS;
  return {
    protocol: host?.protocol ?? 'ssh',
    name: host?.name ?? '',
    address: host?.address ?? '',
    port: String(host?.port ?? DEFAULT_PORTS[host?.protocol ?? 'ssh']),
    username: host?.username ?? '',
    method: host?.authMethod ?? 'password',
    password: '',
    privateKey: '',
    passphrase: '',
    keyboardLayout: rdp.keyboardLayout,
    security: rdp.security,
    domain: rdp.domain,
    recordingMode: recording.mode,
    recordInput: recording.input,
  };
}
