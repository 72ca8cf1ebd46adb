// Browser keysyms (guacamole-common-js `key,<keysym>,<pressed>`) -> RDP keyboard input for the HOST's layout.
//
// RDP carries scancodes, and the host turns them into characters with its own layout: to type "@" on a German host
// the client must press AltGr+Q, whatever the browser's layout is. So a character keysym is looked up in the host
// layout (layouts.generated.ts, read from XKB) and sent as that key, with Shift/AltGr pressed or released around it
// to reach the right level. Characters the layout lacks go as Unicode events. Keys without a character (Return,
// arrows, modifiers, F-keys) go by their fixed scancode.
import { FUNCTION_KEYS, KEYSYM_ALIASES, LAYOUTS, type GeneratedLayout, type KeyPosition, type LayoutId } from './layouts.generated.js';

export type { LayoutId } from './layouts.generated.js';

/**
 * One RDP input event. `code` is a PC set-1 scancode with FreeRDP's keyboard flags in the high byte: 0x100
 * extended (E0), 0x200 extended1 (E1, only Pause). `codeUnit` is a UTF-16 code unit (two events for a surrogate pair).
 */
export type KeyAction =
  | { kind: 'scancode'; code: number; down: boolean }
  | { kind: 'unicode'; codeUnit: number; down: boolean };

export interface KeyboardLayout {
  id: LayoutId;
  /** For FreeRDP's KeyboardLayout setting (the client core data keyboardLayout): 0x407 for de-DE. */
  rdpLayoutId: number;
  /** Human-readable (XKB's name), e.g. "German". */
  name: string;
}

/** The host layouts the gateway can type for, in a stable order (en-US first). */
export const KEYBOARD_LAYOUTS: readonly KeyboardLayout[] = Object.values(LAYOUTS).map(({ id, rdpLayoutId, name }) => ({ id, rdpLayoutId, name }));

export function isLayoutId(value: unknown): value is LayoutId {
  return typeof value === 'string' && Object.hasOwn(LAYOUTS, value);
}

/** Scancodes the mapping itself presses or releases. */
export const SCANCODE = {
  leftShift: 0x2a,
  rightShift: 0x36,
  leftCtrl: 0x1d,
  rightCtrl: 0x11d,
  leftAlt: 0x38,
  /** Right Alt: AltGr on layouts that have one. */
  rightAlt: 0x138,
  capsLock: 0x3a,
  numLock: 0x45,
  /** Pause is E1 1D 45: sent as this (E1-flagged 0x1D) then 0x45, make and break at once on press. */
  pause: 0x21d,
} as const;

type Modifier = 'shift' | 'ctrl' | 'alt' | 'altgr' | 'super';

const MODIFIER_KEYSYMS: ReadonlyMap<number, Modifier> = new Map([
  [0xffe1, 'shift'], // Shift_L
  [0xffe2, 'shift'], // Shift_R
  [0xffe3, 'ctrl'], // Control_L
  [0xffe4, 'ctrl'], // Control_R
  [0xffe9, 'alt'], // Alt_L
  [0xffea, 'alt'], // Alt_R
  [0xfe03, 'altgr'], // ISO_Level3_Shift (guacamole's AltGraph)
  [0xff7e, 'altgr'], // Mode_switch
  [0xffe7, 'super'], // Meta_L
  [0xffe8, 'super'], // Meta_R
  [0xffeb, 'super'], // Super_L
  [0xffec, 'super'], // Super_R
]);
const KEYSYM_ALT_R = 0xffea;
const KEYSYM_CAPS_LOCK = 0xffe5;
const SHIFTS: readonly number[] = [SCANCODE.leftShift, SCANCODE.rightShift];
const CTRLS: readonly number[] = [SCANCODE.leftCtrl, SCANCODE.rightCtrl];
const ALTS: readonly number[] = [SCANCODE.leftAlt, SCANCODE.rightAlt];

/**
 * Spacing characters some layouts have only as a dead key (de-DE's ^ and `, sv-SE's ~): typed as that dead key then
 * Space, which Windows and X both turn into the character. Better than Unicode there: xrdp 0.9 types a Unicode event
 * by looking the character up in its own keymap, finds the dead key, and leaves it pending.
 */
const DEAD_KEY_SPACING: ReadonlyMap<number, number> = new Map([
  [0x5e, 0xfe52], // ^ dead_circumflex
  [0x60, 0xfe50], // ` dead_grave
  [0x7e, 0xfe53], // ~ dead_tilde
  [0xa8, 0xfe57], // ¨ dead_diaeresis
  [0xb4, 0xfe51], // ´ dead_acute
  [0xb8, 0xfe5b], // ¸ dead_cedilla
]);
const KEYSYM_SPACE = 0x20;

/** What a press sent, so its release sends the same thing. */
type Pressed = { kind: 'scancode'; code: number } | { kind: 'unicode'; units: number[] } | { kind: 'none' };

/** The keysym a browser sends for a character: Latin-1 as is, else 0x1000000 + code point; legacy keysyms mapped. */
export function canonicalKeysym(keysym: number): number {
  if (keysym >= 0x1000000 && keysym <= 0x110ffff) {
    const codePoint = keysym - 0x1000000;
    return codePoint <= 0xff ? codePoint : keysym;
  }
  return KEYSYM_ALIASES[keysym] ?? keysym;
}

/** The character a canonical keysym stands for, if it is one. */
export function codePointOf(keysym: number): number | undefined {
  if ((keysym >= 0x20 && keysym <= 0x7e) || (keysym >= 0xa0 && keysym <= 0xff)) return keysym;
  if (keysym >= 0x1000100 && keysym <= 0x110ffff) {
    const codePoint = keysym - 0x1000000;
    return codePoint >= 0xd800 && codePoint <= 0xdfff ? undefined : codePoint;
  }
  return undefined;
}

function isCasedLetter(keysym: number): boolean {
  const codePoint = codePointOf(keysym);
  if (codePoint === undefined) return false;
  const text = String.fromCodePoint(codePoint);
  return text.toLowerCase() !== text.toUpperCase();
}

const scancode = (code: number, down: boolean): KeyAction => ({ kind: 'scancode', code, down });

/**
 * One per RDP session: turns the browser's key events into RDP input for the host layout, tracking which modifiers
 * the browser holds (they are forwarded as they come) and which keysym pressed what.
 */
export class RdpKeyboard {
  private readonly layout: GeneratedLayout;
  /** Modifier keysyms the browser holds -> the scancode sent for each, in press order. */
  private readonly held = new Map<number, number>();
  /** Non-modifier keysyms pressed and not yet released -> what their press sent. */
  private readonly pressed = new Map<number, Pressed>();
  private capsLock = false;

  constructor(readonly layoutId: LayoutId) {
    this.layout = LAYOUTS[layoutId];
  }

  /** The RDP keyboard layout id to announce (FreeRDP's KeyboardLayout). */
  get rdpLayoutId(): number {
    return this.layout.rdpLayoutId;
  }

  /** One browser key event -> the RDP events to send, in order (empty for keysyms with no meaning here). */
  press(keysym: number, down: boolean): KeyAction[] {
    if (MODIFIER_KEYSYMS.has(keysym)) return this.modifier(keysym, down);
    if (!down) return this.release(keysym);

    const fixed = FUNCTION_KEYS[keysym];
    if (fixed !== undefined) {
      if (keysym === KEYSYM_CAPS_LOCK && !this.pressed.has(keysym)) this.capsLock = !this.capsLock;
      if (fixed === SCANCODE.pause) {
        this.pressed.set(keysym, { kind: 'none' });
        return [scancode(SCANCODE.pause, true), scancode(SCANCODE.numLock, true), scancode(SCANCODE.pause, false), scancode(SCANCODE.numLock, false)];
      }
      this.pressed.set(keysym, { kind: 'scancode', code: fixed });
      return [scancode(fixed, true)];
    }

    const character = canonicalKeysym(keysym);
    const position = this.layout.keys[character];
    if (position) return this.typeKey(keysym, character, position);
    const deadKey = this.layout.keys[DEAD_KEY_SPACING.get(character) ?? -1];
    const space = this.layout.keys[KEYSYM_SPACE];
    if (deadKey && space) return this.typeDeadKeyAndSpace(keysym, deadKey, space);
    const codePoint = codePointOf(character);
    if (codePoint !== undefined) return this.typeUnicode(keysym, codePoint);
    return [];
  }

  /** The host's lock state as the browser reports it (the RDP synchronize event sets the same on the host). */
  syncLocks(locks: { capsLock?: boolean }): void {
    if (locks.capsLock !== undefined) this.capsLock = locks.capsLock;
  }

  /** Releases everything still down (the browser lost focus, or the session ends). */
  releaseAll(): KeyAction[] {
    const actions: KeyAction[] = [];
    for (const keysym of [...this.pressed.keys()]) actions.push(...this.release(keysym));
    for (const code of [...this.held.values()].reverse()) actions.push(scancode(code, false));
    this.held.clear();
    return actions;
  }

  private modifier(keysym: number, down: boolean): KeyAction[] {
    const code = this.held.get(keysym) ?? this.modifierScancode(keysym);
    if (down) this.held.set(keysym, code);
    else this.held.delete(keysym);
    return [scancode(code, down)];
  }

  /**
   * Right Alt is AltGr on a host layout with one, so the browser's plain Alt_R (its layout has no AltGr) goes as left
   * Alt there, to stay an Alt; AltGr (ISO_Level3_Shift) goes as right Alt everywhere.
   */
  private modifierScancode(keysym: number): number {
    if (keysym === KEYSYM_ALT_R && this.layout.altGr) return SCANCODE.leftAlt;
    return FUNCTION_KEYS[keysym] ?? SCANCODE.leftAlt;
  }

  private release(keysym: number): KeyAction[] {
    const pressed = this.pressed.get(keysym);
    if (!pressed) return [];
    this.pressed.delete(keysym);
    if (pressed.kind === 'scancode') return [scancode(pressed.code, false)];
    if (pressed.kind === 'unicode') return pressed.units.map((codeUnit) => ({ kind: 'unicode', codeUnit, down: false }));
    return [];
  }

  private typeKey(keysym: number, character: number, [code, level]: KeyPosition): KeyAction[] {
    let shift = level === 2 || level === 4;
    const altGr = level >= 3;
    // Caps Lock on the host flips Shift for letters on their first two levels.
    if (this.capsLock && level <= 2 && isCasedLetter(character)) shift = !shift;
    const { before, after } = this.adjustModifiers({ shift, altGr });
    this.pressed.set(keysym, { kind: 'scancode', code });
    return [...before, scancode(code, true), ...after];
  }

  /** Dead key, then Space, each with its own modifiers; all on the press, nothing left down for the release. */
  private typeDeadKeyAndSpace(keysym: number, [deadCode, deadLevel]: KeyPosition, [spaceCode, spaceLevel]: KeyPosition): KeyAction[] {
    const actions: KeyAction[] = [];
    for (const [code, level] of [[deadCode, deadLevel], [spaceCode, spaceLevel]] as const) {
      const { before, after } = this.adjustModifiers({ shift: level === 2 || level === 4, altGr: level >= 3 });
      actions.push(...before, scancode(code, true), scancode(code, false), ...after);
    }
    this.pressed.set(keysym, { kind: 'none' });
    return actions;
  }

  private typeUnicode(keysym: number, codePoint: number): KeyAction[] {
    const units = [...String.fromCodePoint(codePoint)].flatMap((c) => [c.charCodeAt(0), ...(c.length > 1 ? [c.charCodeAt(1)] : [])]);
    const { before, after } = this.adjustModifiers(null);
    this.pressed.set(keysym, { kind: 'unicode', units });
    return [...before, ...units.map((codeUnit): KeyAction => ({ kind: 'unicode', codeUnit, down: true })), ...after];
  }

  /**
   * The modifier changes around one key press, and their undoing right after it (so the host's modifiers match the
   * browser's again; a held key's release needs nothing more). `want` null: release every modifier (Unicode events).
   */
  private adjustModifiers(want: { shift: boolean; altGr: boolean } | null): { before: KeyAction[]; after: KeyAction[] } {
    const down = [...this.held.values()];
    const desired = new Set(want === null ? [] : down);
    let cycleAltGr = false;
    if (want) {
      const holds = (m: Modifier) => [...this.held.keys()].some((k) => MODIFIER_KEYSYMS.get(k) === m);
      // AltGr (or Windows' Ctrl+Alt spelling of it) produced this character in the browser: not a shortcut.
      const altGrChord = holds('altgr') || (holds('ctrl') && holds('alt'));
      if (altGrChord) {
        const releasesCtrl = CTRLS.some((c) => desired.has(c));
        for (const c of [...CTRLS, ...ALTS]) desired.delete(c);
        // Windows turns right Alt into AltGr by faking a left Ctrl with it; releasing our Ctrl would cancel that,
        // so a right Alt that stays down is pressed afresh after the Ctrl goes.
        cycleAltGr = releasesCtrl && want.altGr && this.layout.altGr && down.includes(SCANCODE.rightAlt);
      }
      if (want.shift) {
        if (!SHIFTS.some((c) => desired.has(c))) desired.add(SCANCODE.leftShift);
      } else {
        for (const c of SHIFTS) desired.delete(c);
      }
      if (this.layout.altGr) {
        if (want.altGr) desired.add(SCANCODE.rightAlt);
        else desired.delete(SCANCODE.rightAlt);
      }
    }
    const released = down.filter((c) => !desired.has(c) || (cycleAltGr && c === SCANCODE.rightAlt));
    const added = [...desired].filter((c) => !down.includes(c) || (cycleAltGr && c === SCANCODE.rightAlt));
    return {
      before: [...[...released].reverse().map((c) => scancode(c, false)), ...added.map((c) => scancode(c, true))],
      after: [...[...added].reverse().map((c) => scancode(c, false)), ...released.map((c) => scancode(c, true))],
    };
  }
}
