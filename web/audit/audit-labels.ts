// Words for the audit page (pure): a readable label and tone per action, and a one-line summary of an event's details.
import type { AuditActionFamily, AuditEventView } from '../../shared/audit-types';

export const FAMILY_LABEL: Record<AuditActionFamily, string> = {
  auth: 'Logins',
  token: 'API tokens',
  session: 'Sessions',
  share: 'Share links',
  host: 'Hosts',
  hostkey: 'Host keys',
  recording: 'Recordings',
  audit: 'Audit exports',
};

const ACTION_LABEL: Record<string, string> = {
  'auth.login': 'Logged in',
  'auth.login_refused': 'Login refused',
  'auth.logout': 'Logged out',
  'auth.arrived': 'Arrived from the tailnet',
  'token.created': 'API token created',
  'token.deleted': 'API token deleted',
  'session.start': 'Session started',
  'session.end': 'Session ended',
  'share.created': 'Share link created',
  'share.opened': 'Share link used',
  'share.refused': 'Share link refused',
  'share.joined': 'Guest joined',
  'share.left': 'Guest left',
  'share.removed': 'Guest removed',
  'share.revoked': 'Share link revoked',
  'share.expired': 'Share link expired',
  'host.created': 'Host added',
  'host.updated': 'Host edited',
  'host.credential_changed': 'Credential changed',
  'host.deleted': 'Host removed',
  'hostkey.trusted': 'Host key trusted',
  'hostkey.accepted': 'Host key change accepted',
  'hostkey.forgotten': 'Host key forgotten',
  'hostkey.changed': 'Changed host key refused',
  'session.watch_started': 'Admin started watching',
  'session.watch_ended': 'Admin stopped watching',
  'session.ended_by_admin': 'Session ended by an admin',
  'recording.unavailable': 'Recording not possible',
  'recording.failed': 'Recording failed',
  'recording.pruned': 'Old recordings pruned',
  'recording.deleted': 'Recording deleted',
  'recording.damaged': 'Recording altered or damaged',
  'audit.exported': 'Audit log exported',
};

const WARN = new Set(['hostkey.changed', 'recording.damaged', 'recording.unavailable', 'recording.failed', 'recording.deleted', 'session.ended_by_admin', 'auth.login_refused', 'share.refused', 'share.removed', 'share.revoked', 'host.credential_changed', 'host.deleted', 'hostkey.accepted', 'hostkey.forgotten', 'token.deleted']);
const OK = new Set(['auth.login', 'auth.arrived', 'session.start', 'share.opened', 'share.joined', 'hostkey.trusted']);

/** "Share link used" for share.opened; an unknown action becomes words from its own name ("recording.pruned" → "Recording pruned"). */
export function actionLabel(action: string): string {
  const known = ACTION_LABEL[action];
  if (known) return known;
  const words = action.replace(/[._]+/g, ' ').trim();
  return words ? words[0]!.toUpperCase() + words.slice(1) : action;
}

export function actionTone(action: string): string {
  return WARN.has(action) ? 'badge-warn' : OK.has(action) ? 'badge-ok' : '';
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = n / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

const FIELD_LABEL: Record<string, string> = { authMethod: 'sign-in method', rdp: 'RDP settings', recording: 'recording policy', username: 'user' };

function plain(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** One line a person can read; every key this does not know still shows as `key: value`. */
export function detailSummary(event: AuditEventView): string {
  const d = event.detail;
  const parts: string[] = [];
  const used = new Set<string>();
  const take = (key: string): unknown => {
    used.add(key);
    return d[key];
  };
  if (typeof d.text === 'string') parts.push(take('text') as string);
  const changed = take('changed');
  if (Array.isArray(changed) && changed.length > 0) {
    const before = (take('before') ?? {}) as Record<string, unknown>;
    const after = (take('after') ?? {}) as Record<string, unknown>;
    take('credentialChanged');
    parts.push(
      changed
        .map((f: string) => (f in after && typeof after[f] !== 'object' ? `${FIELD_LABEL[f] ?? f} ${plain(before[f])} → ${plain(after[f])}` : (FIELD_LABEL[f] ?? f)))
        .join(', '),
    );
  } else if (Array.isArray(changed)) {
    take('before');
    take('after');
    take('credentialChanged');
    parts.push('no change');
  }
  if (take('hostKeyForgotten') === true) parts.push('host key forgotten (new address)');
  // A host as added or removed: where it is and how the gateway signs in (the protocol is in the Host column).
  if (typeof d.address === 'string') {
    const user = take('username');
    const port = take('port');
    parts.push(`${user ? `${plain(user)}@` : ''}${take('address') as string}${port ? `:${plain(port)}` : ''}`);
  }
  if (typeof d.authMethod === 'string') parts.push(`${take('authMethod') as string} sign-in`);
  if (d.protocol === event.protocol) take('protocol');
  if (d.source === 'config') parts.push('from porthole.yaml');
  if (d.source === 'ui' || d.source === 'config') take('source');
  // A tailnet arrival: how tailscaled vouched, the device's OS, and how long they had been away.
  if (event.action === 'auth.arrived') {
    const via = take('via');
    parts.push(via === 'serve' ? 'through tailscale serve' : 'identified by tailscaled');
    if (typeof d.os === 'string') parts.push(take('os') as string);
    if (typeof d.quietMinutes === 'number') parts.push(`back after ${formatDuration((take('quietMinutes') as number) * 60_000)}`);
  }
  if (d.method === 'login-link') {
    take('method');
    parts.push('with the login link');
  }
  // API tokens are known by name; the id is in the export.
  if (event.action.startsWith('token.') && typeof d.name === 'string') {
    take('tokenId');
    parts.push(`“${take('name') as string}”`);
  }
  for (const key of ['reason', 'endReason']) if (typeof d[key] === 'string') parts.push(take(key) as string);
  if (typeof d.bytes === 'number') parts.push(formatBytes(take('bytes') as number));
  // A session's traffic: what the host sent and was sent (terminals), or what browsers got and sent (desktops).
  if (typeof d.bytesFromHost === 'number') parts.push(`${formatBytes(take('bytesFromHost') as number)} from the host, ${formatBytes(Number(take('bytesToHost')))} to it`);
  if (typeof d.bytesToViewers === 'number') parts.push(`${formatBytes(take('bytesToViewers') as number)} to browsers, ${formatBytes(Number(take('bytesFromViewers')))} from them`);
  if (typeof d.user === 'string') parts.push(`as ${take('user') as string}`);
  if (d.recordingId === null) take('recordingId');
  if (typeof d.durationMs === 'number') parts.push(formatDuration(take('durationMs') as number));
  if (typeof d.fingerprint === 'string') parts.push(take('fingerprint') as string);
  if (typeof d.previous === 'string') parts.push(`was ${take('previous') as string}`);
  else take('previous');
  const filters = take('filters');
  if (filters && typeof filters === 'object') {
    const set = Object.entries(filters).map(([k, v]) => `${k}=${plain(v)}`);
    parts.push(set.length ? `filters ${set.join(', ')}` : 'everything');
  }
  for (const [key, value] of Object.entries(d)) if (!used.has(key) && value !== '' && value !== null) parts.push(`${key}: ${plain(value)}`);
  return parts.filter(Boolean).join(' · ');
}
