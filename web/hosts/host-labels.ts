// Human names of an RDP host's settings, for the host dialog and the host card.
import type { RdpSettings } from '../../shared/api-types';

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
