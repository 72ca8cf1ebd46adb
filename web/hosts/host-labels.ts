// Human names of a host's settings (RDP options, recording policy), for the host dialog and the host card.
import type { RdpSettings, RecordingMode, RecordingSettings } from '../../shared/api-types';

// A layout or security mode added in shared/ fails to compile here until it has a name.
export const KEYBOARD_LAYOUT_NAMES: Record<RdpSettings['keyboardLayout'], string> = {
  'en-US': 'English (US)',
  'en-GB': 'English (UK)',
  'de-DE': 'German',
  'fr-FR': 'French',
  'es-ES': 'Spanish',
  'it-IT': 'Italian',
  'sv-SE': 'Swedish',
  'ja-JP': 'Japanese',
};
export const SECURITY_NAMES: Record<RdpSettings['security'], string> = {
  any: 'Automatic (recommended)',
  tls: 'TLS',
  nla: 'NLA',
  rdp: 'RDP security (legacy, no encryption of the login by TLS)',
};

export const RECORDING_MODE_NAMES: Record<RecordingMode, string> = { off: 'Off', on: 'On', required: 'Required' };
/** One line each, under the choice: what happens to a session on this host. */
export const RECORDING_MODE_HINTS: Record<RecordingMode, string> = {
  off: 'Sessions on this host are not recorded.',
  on: 'Sessions are recorded; if the recording cannot be written, the session goes on unrecorded.',
  required: 'The session does not start when the recording cannot be written.',
};

/** The host card's badge: nothing when recording is off. */
export function recordingBadge(recording: RecordingSettings): string | null {
  if (recording.mode === 'off') return null;
  return recording.mode === 'required' ? 'Recording required' : 'Recorded';
}
