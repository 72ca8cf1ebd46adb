import { describe, expect, it } from 'vitest';
import { canonicalKeysym, isLayoutId, KEYBOARD_LAYOUTS, RdpKeyboard, SCANCODE, type KeyAction, type LayoutId } from './keymap.js';
import { LAYOUTS } from './layouts.generated.js';

/** The keysym guacamole-common-js sends for a typed character. */
const ks = (char: string) => {
  const codePoint = char.codePointAt(0)!;
  return codePoint <= 0xff ? codePoint : 0x1000000 + codePoint;
};
const down = (code: number): KeyAction => ({ kind: 'scancode', code, down: true });
const up = (code: number): KeyAction => ({ kind: 'scancode', code, down: false });
const uni = (codeUnit: number, isDown: boolean): KeyAction => ({ kind: 'unicode', codeUnit, down: isDown });

const SHIFT_L = 0xffe1;
const CONTROL_L = 0xffe3;
const ALT_L = 0xffe9;
const ALT_R = 0xffea;
const ALTGR = 0xfe03; // ISO_Level3_Shift: guacamole's AltGraph
const { leftShift: LSHIFT, leftCtrl: LCTRL, leftAlt: LALT, rightAlt: RALT } = SCANCODE;

/** Press and release one keysym; returns [press actions, release actions]. */
function tap(keyboard: RdpKeyboard, keysym: number): [KeyAction[], KeyAction[]] {
  return [keyboard.press(keysym, true), keyboard.press(keysym, false)];
}

describe('the layout list', () => {
  it('names every layout with its RDP keyboard layout id', () => {
    expect(KEYBOARD_LAYOUTS.map(({ id, rdpLayoutId }) => [id, rdpLayoutId])).toEqual([
      ['en-US', 0x409], ['en-GB', 0x809], ['de-DE', 0x407], ['fr-FR', 0x40c],
      ['es-ES', 0x40a], ['it-IT', 0x410], ['sv-SE', 0x41d], ['ja-JP', 0x411],
    ]);
    expect(KEYBOARD_LAYOUTS.find((l) => l.id === 'de-DE')?.name).toBe('German');
    expect(KEYBOARD_LAYOUTS.every((l) => l.name.length > 0)).toBe(true);
    expect(isLayoutId('de-DE')).toBe(true);
    expect(isLayoutId('xx-XX')).toBe(false);
    expect(isLayoutId('toString')).toBe(false);
  });

  it('has every printable ASCII character on each layout, except the ones a dead key makes there', () => {
    // Genuinely absent as plain keys: ^ and ` (and ~ in Sweden) are dead keys there (typed as dead key + Space).
    const expectedMissing: Record<LayoutId, string> = {
      'en-US': '', 'en-GB': '', 'de-DE': '^`', 'fr-FR': '', 'es-ES': '^`', 'it-IT': '', 'sv-SE': '^`~', 'ja-JP': '',
    };
    for (const layout of Object.values(LAYOUTS)) {
      let missing = '';
      for (let c = 0x20; c <= 0x7e; c++) if (!layout.keys[c]) missing += String.fromCharCode(c);
      expect(missing, layout.id).toBe(expectedMissing[layout.id]);
    }
  });

  it('only has AltGr levels on layouts with an AltGr', () => {
    for (const layout of Object.values(LAYOUTS)) {
      const levels = new Set(Object.values(layout.keys).map(([, level]) => level));
      expect(levels.has(3), layout.id).toBe(layout.altGr);
    }
    expect(LAYOUTS['en-US'].altGr).toBe(false);
    expect(LAYOUTS['ja-JP'].altGr).toBe(false);
  });
});

describe('de-DE', () => {
  it('swaps y and z', () => {
    const keyboard = new RdpKeyboard('de-DE');
    expect(tap(keyboard, ks('y'))).toEqual([[down(0x2c)], [up(0x2c)]]);
    expect(tap(keyboard, ks('z'))).toEqual([[down(0x15)], [up(0x15)]]);
  });

  it('has ü, ö, ä and ß on their own keys', () => {
    const keyboard = new RdpKeyboard('de-DE');
    expect(keyboard.press(ks('ü'), true)).toEqual([down(0x1a)]);
    expect(keyboard.press(ks('ö'), true)).toEqual([down(0x27)]);
    expect(keyboard.press(ks('ä'), true)).toEqual([down(0x28)]);
    expect(keyboard.press(ks('ß'), true)).toEqual([down(0x0c)]);
  });

  it('types @ as AltGr+Q, pressing AltGr only around the Q', () => {
    const keyboard = new RdpKeyboard('de-DE');
    expect(tap(keyboard, ks('@'))).toEqual([[down(RALT), down(0x10), up(RALT)], [up(0x10)]]);
    expect(tap(keyboard, ks('€'))).toEqual([[down(RALT), down(0x12), up(RALT)], [up(0x12)]]);
  });

  it('types " as Shift+2, using the Shift the browser already holds', () => {
    const keyboard = new RdpKeyboard('de-DE');
    expect(keyboard.press(SHIFT_L, true)).toEqual([down(LSHIFT)]);
    expect(keyboard.press(ks('"'), true)).toEqual([down(0x03)]);
    expect(keyboard.press(ks('"'), false)).toEqual([up(0x03)]);
    expect(keyboard.press(SHIFT_L, false)).toEqual([up(LSHIFT)]);
    // Without the browser's Shift (e.g. a US browser, where " is Shift+'), Shift is added around the key.
    expect(keyboard.press(ks('"'), true)).toEqual([down(LSHIFT), down(0x03), up(LSHIFT)]);
  });

  it("releases the browser's Shift around a character the host types unshifted", () => {
    const keyboard = new RdpKeyboard('de-DE');
    keyboard.press(SHIFT_L, true);
    // "?" needs Shift on de too: nothing changes.
    expect(keyboard.press(ks('?'), true)).toEqual([down(0x0c)]);
    keyboard.press(ks('?'), false);
    // "#" (a US browser's Shift+3) is unshifted on de: Shift goes up around it and comes back.
    expect(keyboard.press(ks('#'), true)).toEqual([up(LSHIFT), down(0x2b), down(LSHIFT)]);
  });

  it('keeps Ctrl for shortcuts: Ctrl+C and Ctrl+Z hit the c and z keys of the layout', () => {
    const keyboard = new RdpKeyboard('de-DE');
    expect(keyboard.press(CONTROL_L, true)).toEqual([down(LCTRL)]);
    expect(tap(keyboard, ks('c'))).toEqual([[down(0x2e)], [up(0x2e)]]);
    expect(tap(keyboard, ks('z'))).toEqual([[down(0x15)], [up(0x15)]]);
    expect(keyboard.press(CONTROL_L, false)).toEqual([up(LCTRL)]);
  });

  it('maps dead keys to their keys', () => {
    const keyboard = new RdpKeyboard('de-DE');
    expect(keyboard.press(0xfe51, true)).toEqual([down(0x0d)]); // dead_acute
    expect(keyboard.press(0xfe52, true)).toEqual([down(0x29)]); // dead_circumflex
    expect(keyboard.press(0xfe50, true)).toEqual([down(LSHIFT), down(0x0d), up(LSHIFT)]); // dead_grave
  });

  it("types with a Windows browser's AltGr (Control_L + AltGraph) without leaving Ctrl pressed for the character", () => {
    const keyboard = new RdpKeyboard('de-DE');
    expect(keyboard.press(CONTROL_L, true)).toEqual([down(LCTRL)]);
    expect(keyboard.press(ALTGR, true)).toEqual([down(RALT)]);
    // Ctrl goes up; right Alt is pressed afresh so Windows fakes its AltGr Ctrl again; then all is restored.
    expect(keyboard.press(ks('@'), true)).toEqual([up(RALT), up(LCTRL), down(RALT), down(0x10), up(RALT), down(LCTRL), down(RALT)]);
    expect(keyboard.press(ks('@'), false)).toEqual([up(0x10)]);
    // A character the host types without AltGr: the whole chord goes up around it.
    expect(keyboard.press(ks('"'), true)).toEqual([up(RALT), up(LCTRL), down(LSHIFT), down(0x03), up(LSHIFT), down(LCTRL), down(RALT)]);
  });

  it("sends the browser's plain Alt_R as left Alt, since right Alt is AltGr here", () => {
    const keyboard = new RdpKeyboard('de-DE');
    expect(keyboard.press(ALT_R, true)).toEqual([down(LALT)]);
    expect(tap(keyboard, ks('f'))).toEqual([[down(0x21)], [up(0x21)]]); // Alt+F stays Alt+F
    expect(keyboard.press(ALT_R, false)).toEqual([up(LALT)]);
    expect(new RdpKeyboard('en-US').press(ALT_R, true)).toEqual([down(RALT)]);
  });

  it('releases the scancode that was pressed, even if the modifiers changed in between', () => {
    const keyboard = new RdpKeyboard('de-DE');
    keyboard.press(SHIFT_L, true);
    expect(keyboard.press(ks('A'), true)).toEqual([down(0x1e)]);
    keyboard.press(SHIFT_L, false);
    expect(keyboard.press(ks('A'), false)).toEqual([up(0x1e)]);
    expect(keyboard.press(ks('A'), false)).toEqual([]); // not pressed any more
  });
});

describe('fr-FR (AZERTY)', () => {
  it('swaps a/q and z/w', () => {
    const keyboard = new RdpKeyboard('fr-FR');
    expect(keyboard.press(ks('a'), true)).toEqual([down(0x10)]);
    expect(keyboard.press(ks('q'), true)).toEqual([down(0x1e)]);
    expect(keyboard.press(ks('z'), true)).toEqual([down(0x11)]);
    expect(keyboard.press(ks('w'), true)).toEqual([down(0x2c)]);
    expect(keyboard.press(ks('m'), true)).toEqual([down(0x27)]);
  });

  it('needs Shift for digits and types the unshifted symbols plain', () => {
    const keyboard = new RdpKeyboard('fr-FR');
    expect(keyboard.press(ks('1'), true)).toEqual([down(LSHIFT), down(0x02), up(LSHIFT)]);
    expect(keyboard.press(ks('0'), true)).toEqual([down(LSHIFT), down(0x0b), up(LSHIFT)]);
    expect(keyboard.press(ks('&'), true)).toEqual([down(0x02)]);
    expect(keyboard.press(ks('é'), true)).toEqual([down(0x03)]);
    expect(keyboard.press(ks('@'), true)).toEqual([down(RALT), down(0x0b), up(RALT)]);
  });
});

describe('en-GB', () => {
  it('has £ on Shift+3 and @ on Shift+\'', () => {
    const keyboard = new RdpKeyboard('en-GB');
    expect(keyboard.press(ks('£'), true)).toEqual([down(LSHIFT), down(0x04), up(LSHIFT)]);
    expect(keyboard.press(ks('@'), true)).toEqual([down(LSHIFT), down(0x28), up(LSHIFT)]);
    expect(keyboard.press(ks('"'), true)).toEqual([down(LSHIFT), down(0x03), up(LSHIFT)]);
    expect(keyboard.press(ks('#'), true)).toEqual([down(0x2b)]);
    expect(keyboard.press(ks('\\'), true)).toEqual([down(0x56)]);
  });
});

describe('ja-JP', () => {
  it('uses the yen key (0x7D) and the ro key (0x73)', () => {
    const keyboard = new RdpKeyboard('ja-JP');
    expect(keyboard.press(ks('\\'), true)).toEqual([down(0x7d)]);
    expect(keyboard.press(ks('|'), true)).toEqual([down(LSHIFT), down(0x7d), up(LSHIFT)]);
    expect(keyboard.press(ks('_'), true)).toEqual([down(LSHIFT), down(0x73), up(LSHIFT)]);
    expect(keyboard.press(ks('@'), true)).toEqual([down(0x1a)]);
    expect(keyboard.press(ks(':'), true)).toEqual([down(0x28)]);
    expect(keyboard.press(ks('~'), true)).toEqual([down(LSHIFT), down(0x0d), up(LSHIFT)]);
  });

  it('sends the JIS input-mode keys by scancode', () => {
    const keyboard = new RdpKeyboard('ja-JP');
    expect(keyboard.press(0xff22, true)).toEqual([down(0x7b)]); // Muhenkan
    expect(keyboard.press(0xff23, true)).toEqual([down(0x79)]); // Henkan
    expect(keyboard.press(0xff27, true)).toEqual([down(0x70)]); // Hiragana_Katakana
    expect(keyboard.press(0xff2a, true)).toEqual([down(0x29)]); // Zenkaku_Hankaku
  });

  it('has no AltGr, so € goes as Unicode', () => {
    expect(new RdpKeyboard('ja-JP').press(ks('€'), true)).toEqual([uni(0x20ac, true)]);
  });
});

describe('sv-SE', () => {
  it('has å, ä and ö on their own keys', () => {
    const keyboard = new RdpKeyboard('sv-SE');
    expect(keyboard.press(ks('å'), true)).toEqual([down(0x1a)]);
    expect(keyboard.press(ks('ä'), true)).toEqual([down(0x28)]);
    expect(keyboard.press(ks('ö'), true)).toEqual([down(0x27)]);
    expect(keyboard.press(ks('Å'), true)).toEqual([down(LSHIFT), down(0x1a), up(LSHIFT)]);
  });
});

describe('Unicode fallback', () => {
  it('sends a character the layout lacks as a Unicode event, pressed and released', () => {
    const keyboard = new RdpKeyboard('en-US');
    expect(tap(keyboard, ks('€'))).toEqual([[uni(0x20ac, true)], [uni(0x20ac, false)]]);
    expect(tap(keyboard, ks('中'))).toEqual([[uni(0x4e2d, true)], [uni(0x4e2d, false)]]);
    expect(tap(keyboard, ks('ü'))).toEqual([[uni(0xfc, true)], [uni(0xfc, false)]]);
  });

  it('sends both halves of a surrogate pair', () => {
    const keyboard = new RdpKeyboard('de-DE');
    expect(tap(keyboard, ks('😀'))).toEqual([[uni(0xd83d, true), uni(0xde00, true)], [uni(0xd83d, false), uni(0xde00, false)]]);
  });

  it('releases held modifiers for the Unicode event and presses them again after it', () => {
    const keyboard = new RdpKeyboard('en-US');
    keyboard.press(SHIFT_L, true);
    keyboard.press(CONTROL_L, true);
    expect(keyboard.press(ks('Ω'), true)).toEqual([up(LCTRL), up(LSHIFT), uni(0x3a9, true), down(LSHIFT), down(LCTRL)]);
  });

  it('types a character the layout has only as a dead key as that dead key, then Space', () => {
    const keyboard = new RdpKeyboard('de-DE');
    expect(tap(keyboard, ks('^'))).toEqual([[down(0x29), up(0x29), down(0x39), up(0x39)], []]);
    expect(keyboard.press(ks('`'), true)).toEqual([down(LSHIFT), down(0x0d), up(0x0d), up(LSHIFT), down(0x39), up(0x39)]);
    expect(new RdpKeyboard('sv-SE').press(ks('~'), true)).toEqual([down(RALT), down(0x1b), up(0x1b), up(RALT), down(0x39), up(0x39)]);
  });

  it('types every printable ASCII character with scancodes alone on every layout', () => {
    for (const { id } of KEYBOARD_LAYOUTS) {
      const keyboard = new RdpKeyboard(id);
      for (let c = 0x20; c <= 0x7e; c++) {
        const actions = [...keyboard.press(c, true), ...keyboard.press(c, false)];
        expect(actions.every((a) => a.kind === 'scancode'), `${id} ${String.fromCharCode(c)}`).toBe(true);
        expect(actions.filter((a) => a.down).length, `${id} ${String.fromCharCode(c)}`).toBe(actions.filter((a) => !a.down).length);
      }
    }
  });

  it('accepts legacy keysyms for characters (EuroSign 0x20ac)', () => {
    expect(canonicalKeysym(0x20ac)).toBe(0x10020ac);
    expect(canonicalKeysym(0x10000e9)).toBe(0xe9);
    expect(new RdpKeyboard('de-DE').press(0x20ac, true)).toEqual([down(RALT), down(0x12), up(RALT)]);
  });

  it('ignores keysyms that are neither keys nor characters', () => {
    const keyboard = new RdpKeyboard('en-US');
    expect(keyboard.press(0x1008ff13, true)).toEqual([]); // XF86AudioRaiseVolume
    expect(keyboard.press(0x1008ff13, false)).toEqual([]);
  });
});

describe('keys without characters', () => {
  it('sends them by fixed scancode, extended ones with 0x100', () => {
    const keyboard = new RdpKeyboard('fr-FR');
    expect(tap(keyboard, 0xff0d)).toEqual([[down(0x1c)], [up(0x1c)]]); // Return
    expect(tap(keyboard, 0xff51)).toEqual([[down(0x14b)], [up(0x14b)]]); // Left
    expect(tap(keyboard, 0xff8d)).toEqual([[down(0x11c)], [up(0x11c)]]); // KP_Enter
    expect(tap(keyboard, 0xffff)).toEqual([[down(0x153)], [up(0x153)]]); // Delete
    expect(tap(keyboard, 0xffc9)).toEqual([[down(0x58)], [up(0x58)]]); // F12
    expect(tap(keyboard, 0xffb1)).toEqual([[down(0x4f)], [up(0x4f)]]); // KP_1
    expect(tap(keyboard, 0xff61)).toEqual([[down(0x137)], [up(0x137)]]); // Print
    expect(tap(keyboard, 0xff67)).toEqual([[down(0x15d)], [up(0x15d)]]); // Menu
    expect(tap(keyboard, 0xffeb)).toEqual([[down(0x15b)], [up(0x15b)]]); // Super_L
  });

  it('sends Pause as its E1 sequence on press only', () => {
    expect(tap(new RdpKeyboard('en-US'), 0xff13)).toEqual([[down(0x21d), down(0x45), up(0x21d), up(0x45)], []]);
  });

  it('follows Caps Lock: letters then need Shift the other way round', () => {
    const keyboard = new RdpKeyboard('de-DE');
    expect(tap(keyboard, 0xffe5)).toEqual([[down(0x3a)], [up(0x3a)]]);
    expect(keyboard.press(ks('A'), true)).toEqual([down(0x1e)]);
    expect(keyboard.press(ks('a'), true)).toEqual([down(LSHIFT), down(0x1e), up(LSHIFT)]);
    expect(keyboard.press(ks('1'), true)).toEqual([down(0x02)]); // digits ignore Caps Lock
    keyboard.syncLocks({ capsLock: false });
    expect(keyboard.press(ks('a'), true)).toEqual([down(0x1e)]);
  });

  it('releases everything still down', () => {
    const keyboard = new RdpKeyboard('en-US');
    keyboard.press(CONTROL_L, true);
    keyboard.press(ALT_L, true);
    keyboard.press(ks('x'), true);
    keyboard.press(ks('€'), true);
    expect(keyboard.releaseAll()).toEqual([up(0x2d), uni(0x20ac, false), up(LALT), up(LCTRL)]);
    expect(keyboard.releaseAll()).toEqual([]);
  });
});
