// Words and numbers for recordings on the list and the player: states, protocols, durations, sizes (pure).
import type { HostProtocol } from '../../shared/api-types';
import type { RecordingState, RecordingView } from '../../shared/recording-types';

export const STATE_LABEL: Record<RecordingState, string> = {
  recording: 'Live',
  complete: 'Complete',
  interrupted: 'Interrupted',
  failed: 'Failed',
};

/** Badge class per state: a live one stands out, a broken one warns, a finished one stays quiet. */
export const STATE_BADGE: Record<RecordingState, string> = {
  recording: 'badge-ok',
  complete: '',
  interrupted: 'badge-warn',
  failed: 'badge-danger',
};

export const PROTOCOL_LABEL: Record<HostProtocol, string> = { ssh: 'SSH', vnc: 'VNC', rdp: 'RDP' };

/** "0:07", "12:34", "1:02:03" for a span in milliseconds (negative and NaN count as zero). */
export function formatDuration(ms: number): string {
  const total = Number.isFinite(ms) && ms > 0 ? Math.floor(ms / 1000) : 0;
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = String(total % 60).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

/** "512 B", "1.5 KB", "23 MB": one decimal only while it tells something. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 10 ? 0 : 1;
  return `${value.toFixed(digits)} ${units[unit]}`;
}

/** How long the session ran; a live one has run until `now`. */
export function recordingLength(view: Pick<RecordingView, 'startedAt' | 'endedAt'>, now = Date.now()): number {
  return (view.endedAt ?? now) - view.startedAt;
}

/** "Alice on laptop", or just the name when the device is unknown. */
export function describeUser(user: RecordingView['user']): string {
  return user.device ? `${user.name || user.principal} on ${user.device}` : user.name || user.principal;
}

/** A local date and time people read at a glance ("Mar 4, 14:05"; the year when it is not this one). */
export function formatStarted(ms: number, now = Date.now()): string {
  const date = new Date(ms);
  const sameYear = date.getFullYear() === new Date(now).getFullYear();
  return date.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', ...(sameYear ? {} : { year: 'numeric' }) });
}

/** The player's address for a recording, optionally at a moment (seconds, rounded up to the millisecond so the moment's own output is on screen). */
export function playerHref(id: string, atSeconds?: number): string {
  const at = atSeconds !== undefined && atSeconds > 0 ? `&t=${Math.ceil(atSeconds * 1000) / 1000}` : '';
  return `/recordings/play?id=${encodeURIComponent(id)}${at}`;
}
