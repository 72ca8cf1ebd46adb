// Turns why a desktop connection failed into words a person understands and the Guacamole status the page receives.
import { GuacStatus } from '../../shared/guac-status.js';
import { RdpError } from '../protocols/rdp/errors.js';
import { RfbError } from '../protocols/vnc/errors.js';

export interface DesktopFailure {
  /** For the log event (desktop.<kind>) and tests. */
  kind: string;
  status: number;
  message: string;
}

/** A connect deadline passed (the session's own timer, not a socket error). */
export class DesktopTimeoutError extends Error {
  override name = 'DesktopTimeoutError';
}

export function describeDesktopFailure(error: unknown): DesktopFailure {
  if (error instanceof DesktopTimeoutError) return { kind: 'timeout', status: GuacStatus.upstreamTimeout, message: error.message };
  if (error instanceof RfbError) {
    switch (error.kind) {
      case 'wrong-password':
        return { kind: error.kind, status: GuacStatus.clientUnauthorized, message: 'The VNC server refused the password. Check it on the Hosts page.' };
      case 'password-required':
        return { kind: error.kind, status: GuacStatus.clientUnauthorized, message: 'The VNC server asks for a password, and none is stored for this host.' };
      case 'blacklisted':
        return { kind: error.kind, status: GuacStatus.clientForbidden, message: 'The VNC server is refusing this gateway for a while after too many failed logins. Wait, or restart the VNC server.' };
      case 'unsupported-security':
        return { kind: error.kind, status: GuacStatus.unsupported, message: error.message };
      case 'certificate-rejected':
        return { kind: error.kind, status: GuacStatus.clientForbidden, message: error.message };
      case 'server-refused':
        return { kind: error.kind, status: GuacStatus.upstreamUnavailable, message: `The VNC server refused the connection: ${error.message}` };
      case 'protocol':
        return { kind: error.kind, status: GuacStatus.upstreamError, message: `The VNC server sent something invalid, so the session was closed: ${error.message}` };
      case 'closed':
        return { kind: error.kind, status: GuacStatus.sessionClosed, message: 'The VNC server closed the connection.' };
    }
  }
  if (error instanceof RdpError) return describeRdpFailure(error);
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return { kind: 'dns', status: GuacStatus.upstreamNotFound, message: 'The host name does not resolve.' };
    case 'ECONNREFUSED':
      return { kind: 'refused', status: GuacStatus.upstreamUnavailable, message: 'Nothing is listening on that port (connection refused). Is the VNC server running?' };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return { kind: 'unreachable', status: GuacStatus.upstreamNotFound, message: 'The host cannot be reached from the gateway.' };
    case 'ETIMEDOUT':
      return { kind: 'timeout', status: GuacStatus.upstreamTimeout, message: 'The host did not answer in time.' };
    case 'ECONNRESET':
    case 'EPIPE':
      return { kind: 'closed', status: GuacStatus.sessionClosed, message: 'The VNC server closed the connection.' };
  }
  return { kind: 'error', status: GuacStatus.serverError, message: `The desktop connection failed: ${error instanceof Error ? error.message : String(error)}` };
}

function describeRdpFailure(error: RdpError): DesktopFailure {
  const said = error.message ? ` (${error.message})` : '';
  switch (error.kind) {
    case 'auth-failed':
    case 'login-dialog':
      return { kind: error.kind, status: GuacStatus.clientUnauthorized, message: `The RDP server refused the user name or password. Check them on the Hosts page.${said}` };
    case 'nla-required':
      return { kind: error.kind, status: GuacStatus.clientUnauthorized, message: `The RDP server requires Network Level Authentication (NLA), and it failed or is turned off for this host: set Security to "any" or "NLA" and check the account.${said}` };
    case 'certificate-rejected':
      return { kind: error.kind, status: GuacStatus.clientForbidden, message: error.message };
    case 'unreachable':
      return { kind: error.kind, status: GuacStatus.upstreamNotFound, message: `The RDP host cannot be reached from the gateway.${said}` };
    case 'refused':
      return { kind: error.kind, status: GuacStatus.upstreamUnavailable, message: `Nothing is listening on that port (connection refused). Is the RDP server running?${said}` };
    case 'timeout':
      return { kind: error.kind, status: GuacStatus.upstreamTimeout, message: `The RDP host did not answer in time.${said}` };
    case 'security-negotiation':
      return { kind: error.kind, status: GuacStatus.upstreamError, message: `The RDP server and the gateway found no security both accept: try another Security setting for this host.${said}` };
    case 'disconnected-by-server':
      return { kind: error.kind, status: GuacStatus.sessionClosed, message: error.message || 'The RDP server ended the session.' };
    case 'helper-missing':
      return { kind: error.kind, status: GuacStatus.unsupported, message: error.message };
    case 'helper-crashed':
      return { kind: error.kind, status: GuacStatus.serverError, message: `${error.message}; only this session ended. Open it again.` };
    case 'protocol':
    case 'internal':
      return { kind: error.kind, status: GuacStatus.upstreamError, message: `The RDP connection failed: ${error.message}` };
  }
}
