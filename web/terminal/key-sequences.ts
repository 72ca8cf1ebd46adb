// Bytes for keys a phone keyboard lacks (Esc, Tab, arrows, Ctrl+letter), for the touch key bar (pure).

export type TouchKey = 'esc' | 'tab' | 'up' | 'down' | 'left' | 'right';

const ARROWS = { up: 'A', down: 'B', right: 'C', left: 'D' } as const;

/** `applicationCursor` is DECCKM (vim, less and readline switch it on): arrows are then ESC O x, not ESC [ x. */
export function keySequence(key: TouchKey, applicationCursor: boolean): string {
  if (key === 'esc') return '\x1b';
  if (key === 'tab') return '\t';
  return `\x1b${applicationCursor ? 'O' : '['}${ARROWS[key]}`;
}

/**
 * What Ctrl plus the typed text sends: letters and @[\]^_ become C0 control codes (Ctrl+C = 0x03),
 * Ctrl+Space and Ctrl+? follow xterm. Anything else (several characters, digits) goes through unchanged.
 */
export function withCtrl(data: string): string {
  if (data.length !== 1) return data;
  if (data === ' ') return '\x00';
  if (data === '?') return '\x7f';
  const code = data.toUpperCase().charCodeAt(0);
  return code >= 0x40 && code <= 0x5f ? String.fromCharCode(code & 0x1f) : data;
}
