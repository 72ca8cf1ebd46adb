// The extended clipboard (pseudo-encoding 0xC0A1E5CE): UTF-8 text in zlib-compressed cut-text messages.
import { constants, deflateSync, inflateSync } from 'node:zlib';
import { RfbError } from './errors.js';
import { MAX_CLIPBOARD_BYTES } from './limits.js';

// The low 16 bits of the flags are formats, the top byte the action.
export const FORMAT_TEXT = 1 << 0;
const FORMAT_MASK = 0xffff;
export const ACTION_CAPS = 1 << 24;
export const ACTION_REQUEST = 1 << 25;
export const ACTION_PEEK = 1 << 26;
export const ACTION_NOTIFY = 1 << 27;
export const ACTION_PROVIDE = 1 << 28;
const ACTION_MASK = 0x1f000000;

export type ClipboardMessage =
  /** What the peer can receive: its actions and, per format it lists, the largest unsolicited size. */
  | { action: 'caps'; actions: number; formats: number }
  | { action: 'request' | 'peek' | 'notify'; formats: number }
  | { action: 'provide'; text: string | undefined };

/** Parses one extended clipboard payload (the bytes after the negative length). */
export function parseClipboardPayload(payload: Buffer): ClipboardMessage {
  if (payload.length < 4) throw new RfbError('protocol', 'the VNC server sent an extended clipboard message without flags');
  const flags = payload.readUInt32BE(0);
  const formats = flags & FORMAT_MASK;
  if (flags & ACTION_CAPS) return { action: 'caps', actions: flags & ACTION_MASK, formats };
  if (flags & ACTION_PROVIDE) return { action: 'provide', text: readProvidedText(formats, payload.subarray(4)) };
  if (flags & ACTION_REQUEST) return { action: 'request', formats };
  if (flags & ACTION_PEEK) return { action: 'peek', formats };
  if (flags & ACTION_NOTIFY) return { action: 'notify', formats };
  throw new RfbError('protocol', `the VNC server sent an extended clipboard message with no known action (flags 0x${flags.toString(16)})`);
}

function readProvidedText(formats: number, compressed: Buffer): string | undefined {
  if (!(formats & FORMAT_TEXT)) return undefined;
  let data: Buffer;
  try {
    // One zlib stream per message. TigerVNC sync-flushes instead of finishing it, so a missing end is fine;
    // the output cap keeps a zip bomb from growing past the clipboard limit.
    data = inflateSync(compressed, { finishFlush: constants.Z_SYNC_FLUSH, maxOutputLength: MAX_CLIPBOARD_BYTES + 4 });
  } catch (error) {
    const tooBig = (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
    throw new RfbError('protocol', tooBig ? `the VNC server's clipboard text is larger than ${MAX_CLIPBOARD_BYTES} bytes` : 'the VNC server sent corrupt clipboard data', { cause: error });
  }
  // Text is the lowest format bit, so its U32 size and bytes come first.
  if (data.length < 4) throw new RfbError('protocol', 'the VNC server sent clipboard text without its length');
  const size = data.readUInt32BE(0);
  if (size > data.length - 4) throw new RfbError('protocol', `the VNC server's clipboard text claims ${size} bytes but carries ${data.length - 4}`);
  return data
    .subarray(4, 4 + size)
    .toString('utf8')
    .replace(/\0+$/, '') // sent NUL-terminated
    .replace(/\r\n/g, '\n');
}

const flagsOnly = (flags: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(flags >>> 0);
  return b;
};

/** Our capabilities: text only, every action, and the largest text we accept. */
export function encodeCaps(): Buffer {
  const b = Buffer.alloc(8);
  b.writeUInt32BE((ACTION_CAPS | ACTION_REQUEST | ACTION_PEEK | ACTION_NOTIFY | ACTION_PROVIDE | FORMAT_TEXT) >>> 0, 0);
  b.writeUInt32BE(MAX_CLIPBOARD_BYTES, 4);
  return b;
}

export const encodeNotify = (formats: number) => flagsOnly(ACTION_NOTIFY | formats);
export const encodeRequest = (formats: number) => flagsOnly(ACTION_REQUEST | formats);

/** Provide: UTF-8 with CRLF line ends and a NUL, size-prefixed, in one zlib stream of its own. */
export function encodeProvide(text: string): Buffer {
  const utf8 = Buffer.from(`${text.replace(/\r?\n/g, '\r\n')}\0`, 'utf8');
  const size = Buffer.alloc(4);
  size.writeUInt32BE(utf8.length);
  return Buffer.concat([flagsOnly(ACTION_PROVIDE | FORMAT_TEXT), deflateSync(Buffer.concat([size, utf8]))]);
}
