// Turns the share dialog's fields into a create request, with checks a person can act on (pure).
import {
  MAX_PASSCODE_CHARS,
  MAX_SHARE_MINUTES,
  MAX_SHARE_USES,
  MIN_PASSCODE_CHARS,
  type CreateShareInput,
  type ShareAudience,
  type ShareMode,
} from '../../shared/share-types';

/** The expiry choices; `custom` reads the minutes field. */
export const EXPIRY_PRESETS = [
  { id: '15m', label: '15 min', minutes: 15 },
  { id: '1h', label: '1 hour', minutes: 60 },
  { id: '1d', label: '1 day', minutes: 24 * 60 },
  { id: '7d', label: '7 days', minutes: 7 * 24 * 60 },
  { id: 'custom', label: 'Custom', minutes: 0 },
] as const;
export type ExpiryPreset = (typeof EXPIRY_PRESETS)[number]['id'];

export type ShareTargetValue = { kind: 'host'; hostId: string } | { kind: 'session'; sessionId: string };

export interface ShareFormValues {
  target: ShareTargetValue | null;
  mode: ShareMode;
  expiry: ExpiryPreset;
  customMinutes: string;
  /** Empty: one use for a host link, unlimited for a live session. */
  maxUses: string;
  passcode: string;
  audience: ShareAudience;
  label: string;
}

export type ShareFormField = 'target' | 'customMinutes' | 'maxUses' | 'passcode' | 'label';
export type ShareFormResult = { ok: true; value: CreateShareInput } | { ok: false; field: ShareFormField; message: string };

// These repeat the server's rules (shared/share-types.ts) only to answer before a round trip; the server decides.
export function readShareForm(v: ShareFormValues): ShareFormResult {
  if (!v.target) return { ok: false, field: 'target', message: 'Choose what to share.' };
  const preset = EXPIRY_PRESETS.find((p) => p.id === v.expiry) ?? EXPIRY_PRESETS[1];
  const minutes = preset.id === 'custom' ? Number(v.customMinutes.trim()) : preset.minutes;
  if (!v.customMinutes.trim() && preset.id === 'custom') return { ok: false, field: 'customMinutes', message: 'Enter how many minutes the link lasts.' };
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > MAX_SHARE_MINUTES) {
    return { ok: false, field: 'customMinutes', message: `A link lasts from 1 to ${MAX_SHARE_MINUTES} minutes (30 days), in whole minutes.` };
  }
  const usesText = v.maxUses.trim();
  const maxUses = usesText === '' ? (v.target.kind === 'host' ? 1 : undefined) : Number(usesText);
  if (maxUses !== undefined && (!Number.isInteger(maxUses) || maxUses < 1 || maxUses > MAX_SHARE_USES)) {
    return { ok: false, field: 'maxUses', message: `Uses are a whole number from 1 to ${MAX_SHARE_USES}.` };
  }
  const passcode = v.passcode;
  if (passcode && (passcode.length < MIN_PASSCODE_CHARS || passcode.length > MAX_PASSCODE_CHARS)) {
    return { ok: false, field: 'passcode', message: `A passcode has ${MIN_PASSCODE_CHARS} to ${MAX_PASSCODE_CHARS} characters (or leave it empty).` };
  }
  const label = v.label.trim();
  if (label.length > 100) return { ok: false, field: 'label', message: 'The label is longer than 100 characters.' };
  const common = {
    expiresInMinutes: minutes,
    audience: v.audience,
    ...(maxUses === undefined ? {} : { maxUses }),
    ...(passcode ? { passcode } : {}),
    ...(label ? { label } : {}),
  };
  const value: CreateShareInput =
    v.target.kind === 'host' ? { kind: 'host', hostId: v.target.hostId, mode: 'control', ...common } : { kind: 'session', sessionId: v.target.sessionId, mode: v.mode, ...common };
  return { ok: true, value };
}
