// Client-to-server RFB messages as bytes (RFC 6143 §7.5 plus the QEMU key and SetDesktopSize extensions).
import { GATEWAY_PIXEL_FORMAT } from './encodings/types.js';

type PixelFormat = typeof GATEWAY_PIXEL_FORMAT;

export function encodeSetPixelFormat(format: PixelFormat = GATEWAY_PIXEL_FORMAT): Buffer {
  const b = Buffer.alloc(20);
  b.writeUInt8(0, 0); // then 3 bytes padding
  b.writeUInt8(format.bitsPerPixel, 4);
  b.writeUInt8(format.depth, 5);
  b.writeUInt8(format.bigEndian ? 1 : 0, 6);
  b.writeUInt8(format.trueColour ? 1 : 0, 7);
  b.writeUInt16BE(format.redMax, 8);
  b.writeUInt16BE(format.greenMax, 10);
  b.writeUInt16BE(format.blueMax, 12);
  b.writeUInt8(format.redShift, 14);
  b.writeUInt8(format.greenShift, 15);
  b.writeUInt8(format.blueShift, 16);
  return b;
}

export function encodeSetEncodings(encodings: readonly number[]): Buffer {
  const b = Buffer.alloc(4 + 4 * encodings.length);
  b.writeUInt8(2, 0);
  b.writeUInt16BE(encodings.length, 2);
  encodings.forEach((encoding, i) => b.writeInt32BE(encoding, 4 + 4 * i));
  return b;
}

export function encodeUpdateRequest(incremental: boolean, x: number, y: number, width: number, height: number): Buffer {
  const b = Buffer.alloc(10);
  b.writeUInt8(3, 0);
  b.writeUInt8(incremental ? 1 : 0, 1);
  b.writeUInt16BE(x, 2);
  b.writeUInt16BE(y, 4);
  b.writeUInt16BE(width, 6);
  b.writeUInt16BE(height, 8);
  return b;
}

export function encodeKeyEvent(keysym: number, down: boolean): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt8(4, 0);
  b.writeUInt8(down ? 1 : 0, 1);
  b.writeUInt32BE(keysym >>> 0, 4);
  return b;
}

/**
 * QEMU extended key event (message 255, subtype 0): the keysym plus the XT scancode, so the guest sees
 * the physical key whatever its keyboard layout. Two-byte E0-prefixed scancodes are sent as 0x80 | code.
 */
export function encodeQemuKeyEvent(keysym: number, down: boolean, scancode: number): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt8(255, 0);
  b.writeUInt8(0, 1);
  b.writeUInt16BE(down ? 1 : 0, 2);
  b.writeUInt32BE(keysym >>> 0, 4);
  b.writeUInt32BE(qemuKeycode(scancode), 8);
  return b;
}

/** Accepts either 0xE048 (prefix and code) or the already folded 0xC8. */
export function qemuKeycode(scancode: number): number {
  return (scancode & 0xff00) === 0xe000 ? 0x80 | (scancode & 0x7f) : scancode & 0xff;
}

export function encodePointerEvent(x: number, y: number, buttonMask: number): Buffer {
  const b = Buffer.alloc(6);
  b.writeUInt8(5, 0);
  b.writeUInt8(buttonMask & 0xff, 1);
  b.writeUInt16BE(x, 2);
  b.writeUInt16BE(y, 4);
  return b;
}

/** ClientCutText with a body: Latin-1 text, or (negative length) an extended-clipboard payload. */
export function encodeClientCutText(body: Uint8Array, extended = false): Buffer {
  const b = Buffer.alloc(8 + body.length);
  b.writeUInt8(6, 0);
  b.writeInt32BE(extended ? -body.length : body.length, 4);
  b.set(body, 8);
  return b;
}

/** RFC 6143 cut text is Latin-1 with LF line ends; characters outside Latin-1 become '?'. */
export function toLatin1(text: string): Buffer {
  const normalised = text.replace(/\r\n?/g, '\n');
  const out = Buffer.alloc(normalised.length);
  let n = 0;
  for (const char of normalised) {
    const code = char.codePointAt(0)!;
    out[n++] = code <= 0xff ? code : 0x3f;
  }
  return out.subarray(0, n);
}

export interface Screen {
  id: number;
  x: number;
  y: number;
  width: number;
  height: number;
  flags: number;
}

export function encodeSetDesktopSize(width: number, height: number, screens: readonly Screen[]): Buffer {
  const b = Buffer.alloc(8 + 16 * screens.length);
  b.writeUInt8(251, 0);
  b.writeUInt16BE(width, 2);
  b.writeUInt16BE(height, 4);
  b.writeUInt8(screens.length, 6);
  screens.forEach((s, i) => {
    const at = 8 + 16 * i;
    b.writeUInt32BE(s.id >>> 0, at);
    b.writeUInt16BE(s.x, at + 4);
    b.writeUInt16BE(s.y, at + 6);
    b.writeUInt16BE(s.width, at + 8);
    b.writeUInt16BE(s.height, at + 10);
    b.writeUInt32BE(s.flags >>> 0, at + 12);
  });
  return b;
}
