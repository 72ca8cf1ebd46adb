#!/usr/bin/env node
// Drives dist/native/porthole-rdp by hand through its pipe protocol (docs/rdp-helper-protocol.md)
// and prints what comes back; keeps the framebuffer and can save it as a PNG.
//
//   PORTHOLE_RDP_PASSWORD=secret node scripts/try-rdp-helper.mjs --host 127.0.0.1 --port 3389 \
//     --user alice [--domain D] [--security any|tls|nla|rdp] [--size 1024x768] \
//     [--cert ask|accept|reject|sha256:<hex>] [--kbd 1033] [--steps "ready;sleep 1000;type hello\n;shot a.png"]
//
// Steps (separated by ';'): logon | ready | sleep MS | type TEXT (US layout; \n is Enter) |
// unicode TEXT | clip TEXT | click X Y | move X Y | wheel up|down | resize WxH | locks N |
// shot FILE.png | quit. Without `quit` the helper runs until it exits or Ctrl-C.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : def;
};
const host = opt('host', '127.0.0.1');
const port = Number(opt('port', '3389'));
const [width, height] = opt('size', '1024x768').split('x').map(Number);
const certMode = opt('cert', 'accept');
const steps = opt('steps', '')
  .split(';')
  .map((s) => s.trim())
  .filter(Boolean);
const helper = opt('helper', path.join(root, 'dist/native/porthole-rdp'));

const t0 = Date.now();
const log = (...a) => console.log(`[${String(Date.now() - t0).padStart(6)} ms]`, ...a);

const child = spawn(helper, [], { stdio: ['pipe', 'pipe', 'pipe'] });
child.stderr.on('data', (d) => {
  if (process.env.SHOW_STDERR) process.stderr.write(d);
});
child.on('exit', (code, signal) => {
  log(`helper exited: code ${code} signal ${signal}`);
  process.exit(0);
});

function send(type, payload = Buffer.alloc(0)) {
  const h = Buffer.alloc(5);
  h.writeUInt32LE(payload.length + 1, 0);
  h[4] = type;
  child.stdin.write(Buffer.concat([h, payload]));
}

let fb = null;
let fbW = 0;
let fbH = 0;
let frames = 0;
let frameBytes = 0;
const waiters = [];
const state = { ready: false, logon: false };
function notify() {
  for (const w of waiters.splice(0)) w();
}
const until = (pred) =>
  new Promise((resolve) => {
    const check = () => (pred() ? resolve() : waiters.push(check));
    check();
  });

function resetFb(w, h) {
  fbW = w;
  fbH = h;
  fb = Buffer.alloc(w * h * 4);
}

function onMessage(type, p) {
  switch (type) {
    case 0x01:
      log('STAGE', p[0]);
      break;
    case 0x02:
      resetFb(p.readUInt16LE(0), p.readUInt16LE(2));
      state.ready = true;
      log('READY', fbW, fbH);
      break;
    case 0x03:
      resetFb(p.readUInt16LE(0), p.readUInt16LE(2));
      log('SIZE', fbW, fbH);
      break;
    case 0x04: {
      const count = p.readUInt16LE(0);
      let o = 2;
      const rects = [];
      for (let i = 0; i < count; i++) {
        const x = p.readUInt16LE(o), y = p.readUInt16LE(o + 2), w = p.readUInt16LE(o + 4), h = p.readUInt16LE(o + 6);
        o += 8;
        for (let r = 0; r < h; r++) {
          if (fb && y + r < fbH && x + w <= fbW) p.copy(fb, ((y + r) * fbW + x) * 4, o + r * w * 4, o + (r + 1) * w * 4);
        }
        o += w * h * 4;
        rects.push(`${w}x${h}@${x},${y}`);
      }
      frames++;
      frameBytes += p.length;
      if (process.env.SHOW_FRAMES || frames <= 3) log('FRAME', rects.join(' '));
      break;
    }
    case 0x05:
      log('CURSOR', `hot ${p.readUInt16LE(0)},${p.readUInt16LE(2)} size ${p.readUInt16LE(4)}x${p.readUInt16LE(6)}`);
      break;
    case 0x06:
      log('CLIPBOARD', JSON.stringify(p.toString('utf8')));
      break;
    case 0x07: {
      const info = JSON.parse(p.toString('utf8'));
      log('CERTIFICATE', info);
      const accept = certMode !== 'reject';
      send(0x83, Buffer.from([accept ? 1 : 0]));
      log(accept ? 'accepted it' : 'rejected it');
      break;
    }
    case 0x08:
      log('ERROR', p[0], JSON.stringify(p.subarray(1).toString('utf8')));
      break;
    case 0x09:
      state.logon = true;
      log('LOGON');
      break;
    default:
      log('unknown message', type, p.length);
  }
  notify();
}

let chunks = [];
let have = 0;
child.stdout.on('data', (d) => {
  chunks.push(d);
  have += d.length;
  for (;;) {
    if (have < 5) return;
    if (chunks[0].length < 5) chunks = [Buffer.concat(chunks)];
    const len = chunks[0].readUInt32LE(0);
    if (have < 4 + len) return;
    const all = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
    onMessage(all[4], all.subarray(5, 4 + len));
    const rest = all.subarray(4 + len);
    chunks = rest.length ? [rest] : [];
    have = rest.length;
  }
});

// US layout scancodes
const US = {};
'1234567890-='.split('').forEach((c, i) => (US[c] = [0x02 + i, false]));
'!@#$%^&*()_+'.split('').forEach((c, i) => (US[c] = [0x02 + i, true]));
'qwertyuiop[]'.split('').forEach((c, i) => (US[c] = [0x10 + i, false]));
'QWERTYUIOP{}'.split('').forEach((c, i) => (US[c] = [0x10 + i, true]));
"asdfghjkl;'`".split('').forEach((c, i) => (US[c] = [0x1e + i, false]));
'ASDFGHJKL:"~'.split('').forEach((c, i) => (US[c] = [0x1e + i, true]));
'\\zxcvbnm,./'.split('').forEach((c, i) => (US[c] = [0x2b + i, false]));
'|ZXCVBNM<>?'.split('').forEach((c, i) => (US[c] = [0x2b + i, true]));
US[' '] = [0x39, false];
US['\n'] = [0x1c, false];
const key = (code, down) => {
  const b = Buffer.alloc(3);
  b.writeUInt16LE(code, 0);
  b[2] = down ? 1 : 0;
  send(0x81, b);
};
const mouse = (x, y, buttons) => {
  const b = Buffer.alloc(5);
  b.writeUInt16LE(x, 0);
  b.writeUInt16LE(y, 2);
  b[4] = buttons;
  send(0x84, b);
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function shot(file) {
  const { default: sharp } = await import('sharp');
  const rgb = Buffer.alloc(fbW * fbH * 3);
  for (let i = 0, j = 0; i < fb.length; i += 4, j += 3) {
    rgb[j] = fb[i + 2];
    rgb[j + 1] = fb[i + 1];
    rgb[j + 2] = fb[i];
  }
  await sharp(rgb, { raw: { width: fbW, height: fbH, channels: 3 } }).png().toFile(file);
  log(`saved ${file} (${fbW}x${fbH}; ${frames} FRAME messages, ${(frameBytes / 1e6).toFixed(1)} MB so far)`);
}

const connect = {
  host,
  port,
  username: opt('user', ''),
  password: process.env.PORTHOLE_RDP_PASSWORD ?? '',
  domain: opt('domain', ''),
  security: opt('security', 'any'),
  width,
  height,
  certificate: certMode.startsWith('sha256:') ? certMode : 'ask',
  keyboardLayout: Number(opt('kbd', '1033')),
};
send(0x80, Buffer.from(JSON.stringify(connect)));

for (const step of steps) {
  const [cmd, ...rest] = step.split(' ');
  const arg = rest.join(' ');
  log('step:', step);
  if (cmd === 'logon') await until(() => state.logon);
  else if (cmd === 'ready') await until(() => state.ready);
  else if (cmd === 'sleep') await sleep(Number(arg));
  else if (cmd === 'type') {
    for (const c of arg.replace(/\\n/g, '\n')) {
      const k = US[c];
      if (!k) continue;
      if (k[1]) key(0x2a, true);
      key(k[0], true);
      key(k[0], false);
      if (k[1]) key(0x2a, false);
    }
  } else if (cmd === 'unicode') {
    for (const unit of Buffer.from(arg, 'utf16le').reduce((a, _, i, b) => (i % 2 ? a : [...a, b.readUInt16LE(i)]), [])) {
      const b = Buffer.alloc(3);
      b.writeUInt16LE(unit, 0);
      b[2] = 1;
      send(0x82, b);
      b[2] = 0;
      send(0x82, Buffer.from(b));
    }
  } else if (cmd === 'clip') send(0x85, Buffer.from(arg.replace(/\\n/g, '\n'), 'utf8'));
  else if (cmd === 'move') mouse(Number(rest[0]), Number(rest[1]), 0);
  else if (cmd === 'click') {
    mouse(Number(rest[0]), Number(rest[1]), 0);
    mouse(Number(rest[0]), Number(rest[1]), 1);
    mouse(Number(rest[0]), Number(rest[1]), 0);
  } else if (cmd === 'wheel') {
    mouse(10, 10, arg === 'up' ? 8 : 16);
    mouse(10, 10, 0);
  } else if (cmd === 'resize') {
    const [w, h] = arg.split('x').map(Number);
    const b = Buffer.alloc(4);
    b.writeUInt16LE(w, 0);
    b.writeUInt16LE(h, 2);
    send(0x86, b);
  } else if (cmd === 'locks') send(0x87, Buffer.from([Number(arg)]));
  else if (cmd === 'shot') await shot(arg);
  else if (cmd === 'quit') {
    child.stdin.end();
    break;
  } else log('unknown step', step);
}
