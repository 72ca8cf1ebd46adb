#!/usr/bin/env node
// Generates server/protocols/rdp/keyboard/layouts.generated.ts from this machine's XKB data: for each host
// keyboard layout the gateway supports, which RDP scancode (and Shift/AltGr level) types each character.
//
//   node scripts/generate-keymaps.mjs           writes the file
//   node scripts/generate-keymaps.mjs --check   exits 1 if the committed file differs from what it would write
//
// Reads /usr/share/X11/xkb/symbols/<layout> (the default variant, following includes such as "latin(type4)" and
// "level3(ralt_switch)"), /usr/share/X11/xkb/keycodes/evdev (key name aliases, and a cross-check of the hand-written
// scancodes below) and /usr/include/X11/keysymdef.h (keysym names and their Unicode code points). Debian packages:
// xkb-data, x11proto-dev.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const XKB = '/usr/share/X11/xkb';
const KEYSYMDEF = '/usr/include/X11/keysymdef.h';
const OUT = fileURLToPath(new URL('../server/protocols/rdp/keyboard/layouts.generated.ts', import.meta.url));

/** The host layouts: id, the RDP keyboard layout id (TS_UD_CS_CORE keyboardLayout), the XKB symbols file. */
const LAYOUTS = [
  { id: 'en-US', rdpLayoutId: 0x409, xkb: 'us' },
  { id: 'en-GB', rdpLayoutId: 0x809, xkb: 'gb' },
  { id: 'de-DE', rdpLayoutId: 0x407, xkb: 'de' },
  { id: 'fr-FR', rdpLayoutId: 0x40c, xkb: 'fr' },
  { id: 'es-ES', rdpLayoutId: 0x40a, xkb: 'es' },
  { id: 'it-IT', rdpLayoutId: 0x410, xkb: 'it' },
  { id: 'sv-SE', rdpLayoutId: 0x41d, xkb: 'se' },
  { id: 'ja-JP', rdpLayoutId: 0x411, xkb: 'jp' },
];

// The character keys, XKB name -> PC set-1 scancode, in the order that breaks ties when a layout has a character
// on two keys at the same level (ja-JP's backslash: the yen key wins over the ro key).
const CHARACTER_KEYS = [
  ['TLDE', 0x29],
  ...row('AE', 1, 12, 0x02), ['AE13', 0x7d], // AE13: JIS yen key
  ...row('AD', 1, 12, 0x10),
  ...row('AC', 1, 11, 0x1e), // AC12 is an alias of BKSL in evdev
  ['BKSL', 0x2b],
  ...row('AB', 1, 10, 0x2c), ['AB11', 0x73], // AB11: JIS ro key
  ['LSGT', 0x56], // the ISO key between left Shift and Z
  ['SPCE', 0x39],
];

// Keys whose meaning does not depend on the layout: keysym name, XKB key name (for the evdev cross-check), scancode.
// 0x100 = E0-extended. Pause is E1 1D 45: 0x200 marks E1 (KBD_FLAGS_EXTENDED1); keymap.ts sends its sequence.
const FUNCTION_KEYS = [
  ['Escape', 'ESC', 0x01], ['BackSpace', 'BKSP', 0x0e], ['Tab', 'TAB', 0x0f], ['ISO_Left_Tab', 'TAB', 0x0f],
  ['Return', 'RTRN', 0x1c],
  ['Shift_L', 'LFSH', 0x2a], ['Shift_R', 'RTSH', 0x36], ['Control_L', 'LCTL', 0x1d], ['Control_R', 'RCTL', 0x11d],
  ['Alt_L', 'LALT', 0x38], ['Alt_R', 'RALT', 0x138], ['ISO_Level3_Shift', 'RALT', 0x138], ['Mode_switch', 'RALT', 0x138],
  ['Super_L', 'LWIN', 0x15b], ['Super_R', 'RWIN', 0x15c], ['Meta_L', 'LWIN', 0x15b], ['Meta_R', 'RWIN', 0x15c],
  ['Menu', 'COMP', 0x15d],
  ['Caps_Lock', 'CAPS', 0x3a], ['Num_Lock', 'NMLK', 0x45], ['Scroll_Lock', 'SCLK', 0x46],
  ['Print', 'PRSC', 0x137], ['Sys_Req', null, 0x54], ['Pause', 'PAUS', 0x21d], ['Break', null, 0x146],
  ['Insert', 'INS', 0x152], ['Delete', 'DELE', 0x153], ['Home', 'HOME', 0x147], ['End', 'END', 0x14f],
  ['Prior', 'PGUP', 0x149], ['Next', 'PGDN', 0x151],
  ['Left', 'LEFT', 0x14b], ['Up', 'UP', 0x148], ['Right', 'RGHT', 0x14d], ['Down', 'DOWN', 0x150],
  ...Array.from({ length: 10 }, (_, i) => [`F${i + 1}`, `FK${String(i + 1).padStart(2, '0')}`, 0x3b + i]),
  ['F11', 'FK11', 0x57], ['F12', 'FK12', 0x58],
  ['KP_Enter', 'KPEN', 0x11c], ['KP_Divide', 'KPDV', 0x135], ['KP_Multiply', 'KPMU', 0x37],
  ['KP_Subtract', 'KPSU', 0x4a], ['KP_Add', 'KPAD', 0x4e], ['KP_Equal', 'KPEQ', 0x59],
  ['KP_Decimal', 'KPDL', 0x53], ['KP_Separator', 'KPDL', 0x53], ['KP_Delete', 'KPDL', 0x53],
  ['KP_0', 'KP0', 0x52], ['KP_Insert', 'KP0', 0x52], ['KP_1', 'KP1', 0x4f], ['KP_End', 'KP1', 0x4f],
  ['KP_2', 'KP2', 0x50], ['KP_Down', 'KP2', 0x50], ['KP_3', 'KP3', 0x51], ['KP_Next', 'KP3', 0x51],
  ['KP_4', 'KP4', 0x4b], ['KP_Left', 'KP4', 0x4b], ['KP_5', 'KP5', 0x4c], ['KP_Begin', 'KP5', 0x4c],
  ['KP_6', 'KP6', 0x4d], ['KP_Right', 'KP6', 0x4d], ['KP_7', 'KP7', 0x47], ['KP_Home', 'KP7', 0x47],
  ['KP_8', 'KP8', 0x48], ['KP_Up', 'KP8', 0x48], ['KP_9', 'KP9', 0x49], ['KP_Prior', 'KP9', 0x49],
  // JIS keys (ja-JP hosts; harmless elsewhere).
  ['Muhenkan', 'NFER', 0x7b], ['Henkan_Mode', 'XFER', 0x79], ['Hiragana_Katakana', 'HKTG', 0x70],
  ['Zenkaku_Hankaku', 'HZTG', 0x29],
];

// Where a layout has a character on two keys at the same level and the key order above picks the one a Windows host
// lacks: keysym name -> the key to use.
const PREFERRED_KEYS = {
  // jp(106) also has ~ on Shift+0, which Windows' Japanese layout leaves empty; Shift+^ has it on both.
  'ja-JP': { asciitilde: 'AE12' },
};

function row(prefix, from, to, firstScancode) {
  return Array.from({ length: to - from + 1 }, (_, i) => [`${prefix}${String(from + i).padStart(2, '0')}`, firstScancode + i]);
}

// --- keysymdef.h: name -> value, value -> Unicode code point

function readKeysyms() {
  const byName = new Map();
  const unicodeOf = new Map();
  for (const line of readFileSync(KEYSYMDEF, 'utf8').split('\n')) {
    const m = /^#define XK_(\w+)\s+0x([0-9a-fA-F]+)\s*(?:\/\*\s*\(?U\+([0-9A-Fa-f]{4,6}))?/.exec(line);
    if (!m) continue;
    const value = parseInt(m[2], 16);
    if (!byName.has(m[1])) byName.set(m[1], value);
    if (m[3] && !unicodeOf.has(value)) unicodeOf.set(value, parseInt(m[3], 16));
  }
  return { byName, unicodeOf };
}

// --- A small XKB lexer and parser, enough for the symbols and keycodes files (not a general xkbcomp)

function tokenize(text, file) {
  const tokens = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (/\s/.test(c)) { i++; continue; }
    if (c === '/' && text[i + 1] === '/') { while (i < text.length && text[i] !== '\n') i++; continue; }
    if (c === '/' && text[i + 1] === '*') { i = text.indexOf('*/', i + 2) + 2; if (i < 2) break; continue; }
    if (c === '#') { while (i < text.length && text[i] !== '\n') i++; continue; }
    if (c === '"') {
      const end = text.indexOf('"', i + 1);
      tokens.push({ kind: 'string', value: text.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    if (c === '<') {
      const end = text.indexOf('>', i + 1);
      tokens.push({ kind: 'keyname', value: text.slice(i + 1, end) });
      i = end + 1;
      continue;
    }
    const word = /^[A-Za-z0-9_]+/.exec(text.slice(i, i + 64));
    if (word) {
      tokens.push({ kind: 'word', value: word[0] });
      i += word[0].length;
      continue;
    }
    if ('{}[]()=,;.+-!|'.includes(c)) { tokens.push({ kind: 'punct', value: c }); i++; continue; }
    throw new Error(`${file}: unexpected character ${JSON.stringify(c)} at offset ${i}`);
  }
  return tokens;
}

/** The sections of an XKB file: name -> { flags, tokens of the body }. */
function sections(file) {
  const tokens = tokenize(readFileSync(file, 'utf8'), file);
  const result = [];
  let flags = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind === 'word' && /^xkb_(symbols|keycodes)$/.test(t.value)) {
      const name = tokens[i + 1]?.kind === 'string' ? tokens[++i].value : '';
      if (tokens[++i]?.value !== '{') throw new Error(`${file}: expected { after ${t.value} "${name}"`);
      const start = i + 1;
      let depth = 1;
      while (depth > 0) {
        i++;
        if (tokens[i].value === '{' && tokens[i].kind === 'punct') depth++;
        if (tokens[i].value === '}' && tokens[i].kind === 'punct') depth--;
      }
      result.push({ name, flags, body: tokens.slice(start, i) });
      flags = [];
      if (tokens[i + 1]?.value === ';') i++;
    } else if (t.kind === 'word') {
      flags.push(t.value);
    }
  }
  return result;
}

function findSection(kind, fileName, mapName) {
  const file = `${XKB}/${kind}/${fileName}`;
  const all = sections(file);
  const section = mapName ? all.find((s) => s.name === mapName) : (all.find((s) => s.flags.includes('default')) ?? all[0]);
  if (!section) throw new Error(`${file}: no section ${mapName ?? '(default)'}`);
  return { file, section };
}

const INCLUDE_WORDS = new Set(['include', 'augment', 'override', 'replace']);

/** Splits `body` into statements at top-level semicolons; `include "..."` needs none and ends at its string. */
function statements(body) {
  const result = [];
  let current = [];
  let depth = 0;
  for (const t of body) {
    if (depth === 0 && t.kind === 'string' && current.length === 1 && INCLUDE_WORDS.has(current[0].value)) {
      result.push([...current, t]);
      current = [];
      continue;
    }
    if (t.kind === 'punct' && (t.value === '{' || t.value === '[' || t.value === '(')) depth++;
    if (t.kind === 'punct' && (t.value === '}' || t.value === ']' || t.value === ')')) depth--;
    if (t.kind === 'punct' && t.value === ';' && depth === 0) {
      if (current.length) result.push(current);
      current = [];
    } else {
      current.push(t);
    }
  }
  if (current.length) result.push(current);
  return result;
}

/** `"pc+us(basic)|inet(evdev)"` -> [{ mode, file, map }]. */
function includeParts(spec, firstMode) {
  const parts = [];
  let mode = firstMode;
  for (const piece of spec.split(/([+|])/)) {
    if (piece === '+') { mode = 'override'; continue; }
    if (piece === '|') { mode = 'augment'; continue; }
    if (!piece) continue;
    const m = /^([^()]+)(?:\(([^()]+)\))?(?::\d+)?$/.exec(piece);
    if (!m) throw new Error(`cannot read include "${spec}"`);
    parts.push({ mode, file: m[1], map: m[2] });
  }
  return parts;
}

// --- keycodes: aliases (AC12 -> BKSL, HZTG -> TLDE, ...) and numbers

function readKeycodes(fileName = 'evdev', mapName, into = { codes: new Map(), aliases: new Map() }) {
  const { section } = findSection('keycodes', fileName, mapName);
  for (const st of statements(section.body)) {
    const [first] = st;
    if (first.kind === 'word' && first.value === 'include') {
      for (const part of includeParts(st[1].value, 'override')) readKeycodes(part.file, part.map, into);
    } else if (first.kind === 'word' && first.value === 'alias' && st[1]?.kind === 'keyname') {
      into.aliases.set(st[1].value, st[3].value);
    } else if (first.kind === 'keyname' && st[1]?.value === '=') {
      into.codes.set(first.value, Number(st[2].value));
    }
  }
  return into;
}

// --- symbols: key name -> { syms: [level1..], type }, following includes with XKB's merge modes

function readSymbols(fileName, mapName, keycodes, keysyms) {
  const keys = new Map();
  let name;
  const canonicalKey = (k) => keycodes.aliases.get(k) ?? k;

  function merge(keyName, syms, type, mode) {
    const key = canonicalKey(keyName);
    const old = keys.get(key);
    if (!old || mode === 'replace') {
      keys.set(key, { syms: [...syms], type });
      return;
    }
    const width = Math.max(old.syms.length, syms.length);
    const merged = [];
    for (let level = 0; level < width; level++) {
      const a = old.syms[level];
      const b = syms[level];
      const aSet = a !== undefined && a !== 'NoSymbol';
      const bSet = b !== undefined && b !== 'NoSymbol';
      merged.push(aSet && bSet ? (mode === 'augment' ? a : b) : (bSet ? b : a));
    }
    keys.set(key, { syms: merged, type: mode === 'augment' ? (old.type ?? type) : (type ?? old.type) });
  }

  function apply(fileName, mapName, mode) {
    const { file, section } = findSection('symbols', fileName, mapName);
    for (const st of statements(section.body)) {
      let i = 0;
      let stMode = mode;
      if (st[0].kind === 'word' && ['replace', 'override', 'augment'].includes(st[0].value) && st[1]?.kind !== 'string') {
        stMode = st[0].value;
        i = 1;
      }
      const head = st[i];
      if (head.kind === 'word' && ['include', 'replace', 'override', 'augment'].includes(head.value) && st[i + 1]?.kind === 'string') {
        const includeMode = head.value === 'include' ? 'override' : head.value;
        for (const part of includeParts(st[i + 1].value, includeMode)) {
          // An include inside an augmenting include augments too.
          apply(part.file, part.map, mode === 'augment' ? 'augment' : part.mode);
        }
      } else if (head.kind === 'word' && head.value === 'key' && st[i + 1]?.kind === 'keyname') {
        const { syms, type } = keyBody(st.slice(i + 2), file);
        if (syms) merge(st[i + 1].value, syms, type, stMode);
      } else if (head.kind === 'word' && head.value === 'name' && !name) {
        name = st.find((t) => t.kind === 'string')?.value;
      }
      // key.type defaults, modifier_map, virtual_modifiers: not needed for characters.
    }
  }

  // The evdev rules build every layout as "pc+<layout>": pc brings the space bar and right Alt as plain Alt.
  apply('pc', undefined, 'override');
  name = undefined;
  apply(fileName, mapName, 'override');
  return { keys, name };
}

/** The Group1 symbols and explicit type of a `{ ... }` key body. */
function keyBody(tokens, file) {
  if (tokens[0]?.value !== '{') throw new Error(`${file}: expected { in a key definition`);
  const items = [];
  let current = [];
  let depth = 0;
  for (const t of tokens.slice(1, -1)) {
    if (t.kind === 'punct' && '{[('.includes(t.value)) depth++;
    if (t.kind === 'punct' && '}])'.includes(t.value)) depth--;
    if (t.kind === 'punct' && t.value === ',' && depth === 0) {
      items.push(current);
      current = [];
    } else {
      current.push(t);
    }
  }
  items.push(current);
  let syms;
  let type;
  for (const item of items) {
    if (!item.length) continue;
    const field = item[0].kind === 'word' ? item[0].value : undefined;
    const group = item[1]?.value === '[' && item[2]?.kind === 'word' ? item[2].value : undefined;
    if (item[0].value === '[' && !syms) {
      syms = symbolList(item);
    } else if (field === 'symbols' && (group === undefined || /^group1$/i.test(group))) {
      syms = symbolList(item.slice(item.findIndex((t) => t.value === '=') + 1));
    } else if (field === 'type' && (group === undefined || /^group1$/i.test(group))) {
      type = item.find((t) => t.kind === 'string')?.value;
    }
  }
  return { syms, type };
}

function symbolList(tokens) {
  if (tokens[0]?.value !== '[') return undefined;
  const syms = [];
  let current;
  for (const t of tokens.slice(1)) {
    if (t.value === ']' || t.value === ',') {
      syms.push(current ?? 'NoSymbol');
      current = undefined;
      if (t.value === ']') break;
    } else if (t.value === '{' || t.value === '}') {
      // a level with several keysyms: keep the first
    } else if (current === undefined) {
      current = t.value;
    }
  }
  return syms;
}

// --- keysym names -> the keysym a browser sends (guacamole-common-js: Latin-1 as is, else 0x1000000 + code point)

function keysymOf(name, keysyms) {
  if (/^[0-9]$/.test(name)) return { value: name.charCodeAt(0), unicode: name.charCodeAt(0) };
  let value;
  const u = /^U([0-9A-Fa-f]{4,6})$/.exec(name);
  if (u) value = 0x1000000 + parseInt(u[1], 16);
  else if (/^0x[0-9A-Fa-f]+$/.test(name)) value = parseInt(name, 16);
  else value = keysyms.byName.get(name);
  if (value === undefined) return undefined;
  let unicode;
  if ((value >= 0x20 && value <= 0x7e) || (value >= 0xa0 && value <= 0xff)) unicode = value;
  else if (value >= 0x1000000 && value <= 0x110ffff) unicode = value - 0x1000000;
  else unicode = keysyms.unicodeOf.get(value);
  return { value, unicode };
}

function browserKeysym(unicode) {
  return unicode <= 0xff ? unicode : 0x1000000 + unicode;
}

// Explicit key types whose levels 1-4 are none / Shift / AltGr / AltGr+Shift (or a prefix of that).
const LEVEL_TYPES = new Set([
  'ONE_LEVEL', 'TWO_LEVEL', 'ALPHABETIC', 'FOUR_LEVEL', 'FOUR_LEVEL_ALPHABETIC', 'FOUR_LEVEL_SEMIALPHABETIC',
  'FOUR_LEVEL_PLUS_LOCK', 'EIGHT_LEVEL', 'EIGHT_LEVEL_ALPHABETIC', 'EIGHT_LEVEL_SEMIALPHABETIC',
]);

function buildLayout(layout, keycodes, keysyms, warnings) {
  const { keys, name } = readSymbols(layout.xkb, undefined, keycodes, keysyms);
  const defaultMap = findSection('symbols', layout.xkb).section.name;
  const altGr = keys.get('RALT')?.syms[0] === 'ISO_Level3_Shift';
  const levels = altGr ? 4 : 2;
  const entries = new Map(); // browser keysym -> { scancode, level, comment }
  const aliases = new Map(); // legacy keysym -> browser keysym
  const preferred = PREFERRED_KEYS[layout.id] ?? {};
  for (let level = 1; level <= levels; level++) {
    for (const [keyName, scancode] of CHARACTER_KEYS) {
      const key = keys.get(keyName);
      if (!key) continue;
      if (key.type && !LEVEL_TYPES.has(key.type)) {
        // e.g. ja-JP's <HZTG> (= <TLDE>): Zenkaku_Hankaku, Kanji. A character on such a key would need its own rule.
        const hasCharacter = key.syms.some((s) => (keysymOf(s, keysyms)?.unicode ?? 0) >= 0x20 || s.startsWith('dead_'));
        if (hasCharacter && level === 1) warnings.push(`${layout.id}: <${keyName}> has type ${key.type}; its characters are left out`);
        continue;
      }
      const symName = key.syms[level - 1];
      if (!symName || symName === 'NoSymbol' || symName === 'VoidSymbol') continue;
      const sym = keysymOf(symName, keysyms);
      if (!sym) {
        warnings.push(`${layout.id}: unknown keysym ${symName} on <${keyName}>`);
        continue;
      }
      let keysym;
      let comment;
      if (sym.unicode !== undefined && sym.unicode >= 0x20) {
        keysym = browserKeysym(sym.unicode);
        if (sym.value !== keysym) aliases.set(sym.value, { keysym, name: symName });
        comment = sym.unicode === 0x20 ? 'space' : sym.unicode === 0xa0 ? 'no-break space' : String.fromCodePoint(sym.unicode);
      } else if (symName.startsWith('dead_')) {
        keysym = sym.value;
        comment = symName;
      } else {
        continue; // not a character (e.g. ISO_Level3_Shift on a layout's extra key)
      }
      const want = preferred[symName];
      if (want && want !== keyName) continue; // the preferred key claims it (checked below)
      if (!entries.has(keysym)) entries.set(keysym, { scancode, level, comment: `${comment} <${keyName}>` });
    }
  }
  for (const [symName, keyName] of Object.entries(preferred)) {
    const sym = keysymOf(symName, keysyms);
    if (!sym || sym.unicode === undefined || !entries.has(browserKeysym(sym.unicode))) {
      throw new Error(`${layout.id}: preferred key <${keyName}> for ${symName} does not carry it`);
    }
  }
  return { ...layout, name: name ?? layout.id, source: `${layout.xkb}(${defaultMap})`, altGr, entries, aliases };
}

/** Checks the hand-written scancodes against evdev (keycode - 8 is the set-1 scancode for the classic AT keys). */
function crossCheck(keycodes) {
  const problems = [];
  const check = (keyName, scancode) => {
    if (!keyName || scancode > 0x58) return;
    const resolved = keycodes.aliases.get(keyName) ?? keyName;
    const code = keycodes.codes.get(resolved);
    if (code === undefined) problems.push(`<${keyName}> is not in the evdev keycodes`);
    else if (code - 8 !== scancode) problems.push(`<${keyName}>: evdev ${code} says scancode 0x${(code - 8).toString(16)}, table says 0x${scancode.toString(16)}`);
  };
  for (const [keyName, scancode] of CHARACTER_KEYS) check(keyName, scancode);
  for (const [, keyName, scancode] of FUNCTION_KEYS) check(keyName, scancode);
  if (problems.length) throw new Error(`hand-written scancodes disagree with ${XKB}/keycodes/evdev:\n${problems.join('\n')}`);
}

const hex = (n, width = 2) => `0x${n.toString(16).padStart(width, '0')}`;

function render(layouts, keysyms) {
  const functionKeys = new Map();
  for (const [symName, , scancode] of FUNCTION_KEYS) {
    const value = keysyms.byName.get(symName);
    if (value === undefined) throw new Error(`keysymdef.h has no ${symName}`);
    if (!functionKeys.has(value)) functionKeys.set(value, { scancode, name: symName });
  }
  const aliases = new Map();
  for (const layout of layouts) for (const [legacy, alias] of layout.aliases) aliases.set(legacy, alias);
  const sorted = (map) => [...map.entries()].sort(([a], [b]) => a - b);
  const xkbData = xkbDataVersion();

  const out = [];
  out.push('// Generated by scripts/generate-keymaps.mjs from the XKB symbols (/usr/share/X11/xkb) and keysymdef.h.');
  out.push('// Do not edit: change the script and run `node scripts/generate-keymaps.mjs` (it is deterministic).');
  out.push('// Source variants: ' + layouts.map((l) => `${l.id} ${l.source}`).join(', ') + (xkbData ? ` (xkb-data ${xkbData})` : '') + '.');
  out.push('');
  out.push(`export type LayoutId = ${layouts.map((l) => `'${l.id}'`).join(' | ')};`);
  out.push('');
  out.push('/** [scancode, level]: PC set-1 scancode (0x100 = E0-extended); level 1 plain, 2 Shift, 3 AltGr, 4 AltGr+Shift. */');
  out.push('export type KeyPosition = readonly [scancode: number, level: 1 | 2 | 3 | 4];');
  out.push('');
  out.push('export interface GeneratedLayout {');
  out.push('  readonly id: LayoutId;');
  out.push('  /** The RDP keyboard layout id (client core data keyboardLayout; FreeRDP\'s KeyboardLayout). */');
  out.push('  readonly rdpLayoutId: number;');
  out.push('  /** The XKB name of the layout, e.g. "German". */');
  out.push('  readonly name: string;');
  out.push('  /** Whether right Alt is AltGr (ISO_Level3_Shift) on this layout, so levels 3 and 4 exist. */');
  out.push('  readonly altGr: boolean;');
  out.push('  /** Browser keysym (Latin-1 as is, 0x1000000 + code point above U+00FF, dead_* keysyms) -> where it is. */');
  out.push('  readonly keys: Readonly<Record<number, KeyPosition>>;');
  out.push('}');
  out.push('');
  out.push('/** Keys whose scancode does not depend on the layout, by keysym. 0x200 marks E1 (Pause: E1 1D 45). */');
  out.push('export const FUNCTION_KEYS: Readonly<Record<number, number>> = {');
  for (const [keysym, { scancode, name }] of sorted(functionKeys)) out.push(`  ${hex(keysym, 4)}: ${hex(scancode, 3)}, // ${name}`);
  out.push('};');
  out.push('');
  out.push('/** Legacy keysyms for characters above U+00FF -> the Unicode keysym browsers send (and the layouts use). */');
  out.push('export const KEYSYM_ALIASES: Readonly<Record<number, number>> = {');
  for (const [legacy, { keysym, name }] of sorted(aliases)) out.push(`  ${hex(legacy, 4)}: ${hex(keysym, 4)}, // ${name}`);
  out.push('};');
  out.push('');
  out.push('export const LAYOUTS: Readonly<Record<LayoutId, GeneratedLayout>> = {');
  for (const layout of layouts) {
    out.push(`  '${layout.id}': {`);
    out.push(`    id: '${layout.id}',`);
    out.push(`    rdpLayoutId: ${hex(layout.rdpLayoutId, 4)},`);
    out.push(`    name: ${JSON.stringify(layout.name)},`);
    out.push(`    altGr: ${layout.altGr},`);
    out.push('    keys: {');
    for (const [keysym, { scancode, level, comment }] of sorted(layout.entries)) {
      out.push(`      ${hex(keysym, 4)}: [${hex(scancode)}, ${level}], // ${comment}`);
    }
    out.push('    },');
    out.push('  },');
  }
  out.push('};');
  out.push('');
  return out.join('\n');
}

/** The installed xkb-data version (Debian), for the header; undefined elsewhere. */
function xkbDataVersion() {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Version}', 'xkb-data'], { encoding: 'utf8' });
  return r.status === 0 && r.stdout ? r.stdout.trim() : undefined;
}

function main() {
  const keysyms = readKeysyms();
  const keycodes = readKeycodes();
  crossCheck(keycodes);
  const warnings = [];
  const layouts = LAYOUTS.map((layout) => buildLayout(layout, keycodes, keysyms, warnings));
  for (const warning of warnings) console.warn(`[generate-keymaps] ${warning}`);
  const text = render(layouts, keysyms);
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(OUT, 'utf8');
    } catch {
      // missing counts as different
    }
    if (current !== text) {
      console.error(`[generate-keymaps] ${OUT} is out of date: run node scripts/generate-keymaps.mjs`);
      process.exit(1);
    }
    console.log(`[generate-keymaps] ${OUT} is up to date`);
    return;
  }
  writeFileSync(OUT, text);
  const counts = layouts.map((l) => `${l.id} ${l.entries.size}`).join(', ');
  console.log(`[generate-keymaps] wrote ${OUT} (${text.length} bytes): ${counts}`);
}

main();
