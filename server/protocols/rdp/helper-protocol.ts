// Pure codec for the RDP helper's pipe protocol (docs/rdp-helper-protocol.md): length-prefixed typed messages both ways.

export const MAX_HELPER_MESSAGE_BYTES = 64 * 1024 * 1024;

export const ToHelper = { connect: 0x80, key: 0x81, unicode: 0x82, certAnswer: 0x83, mouse: 0x84, clipboard: 0x85, resize: 0x86, syncLocks: 0x87 } as const;
export const FromHelper = { stage: 0x01, ready: 0x02, size: 0x03, frame: 0x04, cursor: 0x05, clipboard: 0x06, certificate: 0x07, error: 0x08, logon: 0x09 } as const;

export const HELPER_ERROR_KINDS = {
  1: 'auth-failed',
  2: 'nla-required',
  3: 'certificate-rejected',
  4: 'unreachable',
  5: 'refused',
  6: 'timeout',
  7: 'protocol',
  8: 'security-negotiation',
  9: 'login-dialog',
  10: 'disconnected-by-server',
  11: 'internal',
} as const;
export type HelperErrorKind = (typeof HELPER_ERROR_KINDS)[keyof typeof HELPER_ERROR_KINDS];

export interface ConnectRequest {
  host: string;
  port: number;
  username: string;
  password: string;
  domain: string;
  /** tls-nla: what 'any' becomes once a certificate is pinned (never Standard RDP Security, which has no certificate). */
  security: 'any' | 'tls' | 'nla' | 'tls-nla' | 'rdp';
  width: number;
  height: number;
  /** "ask", or the pinned "sha256:<hex>" the helper may accept silently. */
  certificate: string;
  /** RDP keyboard layout id (e.g. 0x407 for de-DE). */
  keyboardLayout: number;
}

export interface FrameRect {
  x: number;
  y: number;
  width: number;
  height: number;
  /** BGRX, rows top to bottom. */
  pixels: Uint8Array;
}

export type HelperMessage =
  | { type: 'stage'; stage: number }
  | { type: 'ready'; width: number; height: number }
  | { type: 'size'; width: number; height: number }
  | { type: 'frame'; rects: FrameRect[] }
  | { type: 'cursor'; hotX: number; hotY: number; width: number; height: number; rgba: Uint8Array }
  | { type: 'clipboard'; text: string }
  | { type: 'certificate'; fingerprint: string; subject: string; issuer: string; changed: boolean }
  | { type: 'error'; kind: HelperErrorKind; message: string }
  | { type: 'logon' };

export class HelperProtocolError extends Error {
  override name = 'HelperProtocolError';
}

function frame(type: number, payload: Uint8Array = new Uint8Array(0)): Buffer {
  const out = Buffer.allocUnsafe(5 + payload.length);
  out.writeUInt32LE(payload.length + 1, 0);
  out.writeUInt8(type, 4);
  out.set(payload, 5);
  return out;
}

export const encode = {
  connect: (request: ConnectRequest) => frame(ToHelper.connect, Buffer.from(JSON.stringify(request), 'utf8')),
  key: (scancode: number, down: boolean) => frame(ToHelper.key, u16u8(scancode, down)),
  unicode: (codeUnit: number, down: boolean) => frame(ToHelper.unicode, u16u8(codeUnit, down)),
  certAnswer: (accept: boolean) => frame(ToHelper.certAnswer, Uint8Array.of(accept ? 1 : 0)),
  mouse: (x: number, y: number, buttons: number) => {
    const p = Buffer.allocUnsafe(5);
    p.writeUInt16LE(x & 0xffff, 0);
    p.writeUInt16LE(y & 0xffff, 2);
    p.writeUInt8(buttons & 0x1f, 4);
    return frame(ToHelper.mouse, p);
  },
  clipboard: (text: string) => frame(ToHelper.clipboard, Buffer.from(text, 'utf8')),
  resize: (width: number, height: number) => {
    const p = Buffer.allocUnsafe(4);
    p.writeUInt16LE(width, 0);
    p.writeUInt16LE(height, 2);
    return frame(ToHelper.resize, p);
  },
  syncLocks: (flags: number) => frame(ToHelper.syncLocks, Uint8Array.of(flags & 0x0f)),
};

function u16u8(value: number, flag: boolean): Buffer {
  const p = Buffer.allocUnsafe(3);
  p.writeUInt16LE(value & 0xffff, 0);
  p.writeUInt8(flag ? 1 : 0, 2);
  return p;
}

/**
 * Splits the helper's stdout into messages. Bounded: a length past the cap or a short payload is a
 * protocol error (the helper is ours, but a corrupted or hostile one must not grow memory without end).
 */
export class HelperMessageReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  /** Feeds bytes; returns the complete messages they finish. Throws HelperProtocolError on garbage. */
  push(chunk: Buffer): HelperMessage[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const out: HelperMessage[] = [];
    for (;;) {
      if (this.buffered < 4) break;
      const head = this.peek(4);
      const length = head.readUInt32LE(0);
      if (length < 1 || length > MAX_HELPER_MESSAGE_BYTES) throw new HelperProtocolError(`message of ${length} bytes from the RDP helper`);
      if (this.buffered < 4 + length) break;
      const whole = this.take(4 + length);
      out.push(decode(whole.readUInt8(4), whole.subarray(5)));
    }
    return out;
  }

  private peek(n: number): Buffer {
    if (this.chunks[0]!.length >= n) return this.chunks[0]!.subarray(0, n);
    const joined = Buffer.concat(this.chunks);
    this.chunks = [joined];
    return joined.subarray(0, n);
  }

  private take(n: number): Buffer {
    const joined = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    this.chunks = joined.length > n ? [joined.subarray(n)] : [];
    this.buffered -= n;
    return joined.subarray(0, n);
  }
}

function need(payload: Buffer, bytes: number, what: string): void {
  if (payload.length < bytes) throw new HelperProtocolError(`short ${what} message from the RDP helper`);
}

export function decode(type: number, payload: Buffer): HelperMessage {
  switch (type) {
    case FromHelper.stage:
      need(payload, 1, 'stage');
      return { type: 'stage', stage: payload.readUInt8(0) };
    case FromHelper.ready:
    case FromHelper.size:
      need(payload, 4, 'size');
      return { type: type === FromHelper.ready ? 'ready' : 'size', width: payload.readUInt16LE(0), height: payload.readUInt16LE(2) };
    case FromHelper.frame: {
      need(payload, 2, 'frame');
      const count = payload.readUInt16LE(0);
      const rects: FrameRect[] = [];
      let at = 2;
      for (let i = 0; i < count; i++) {
        need(payload, at + 8, 'frame');
        const x = payload.readUInt16LE(at);
        const y = payload.readUInt16LE(at + 2);
        const width = payload.readUInt16LE(at + 4);
        const height = payload.readUInt16LE(at + 6);
        const bytes = width * height * 4;
        need(payload, at + 8 + bytes, 'frame');
        rects.push({ x, y, width, height, pixels: payload.subarray(at + 8, at + 8 + bytes) });
        at += 8 + bytes;
      }
      return { type: 'frame', rects };
    }
    case FromHelper.cursor: {
      need(payload, 8, 'cursor');
      const width = payload.readUInt16LE(4);
      const height = payload.readUInt16LE(6);
      need(payload, 8 + width * height * 4, 'cursor');
      return { type: 'cursor', hotX: payload.readUInt16LE(0), hotY: payload.readUInt16LE(2), width, height, rgba: payload.subarray(8, 8 + width * height * 4) };
    }
    case FromHelper.clipboard:
      return { type: 'clipboard', text: payload.toString('utf8') };
    case FromHelper.certificate: {
      let parsed: { fingerprint?: unknown; subject?: unknown; issuer?: unknown; changed?: unknown };
      try {
        parsed = JSON.parse(payload.toString('utf8'));
      } catch {
        throw new HelperProtocolError('unreadable certificate message from the RDP helper');
      }
      if (typeof parsed.fingerprint !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(parsed.fingerprint)) throw new HelperProtocolError('certificate message without a SHA-256 fingerprint');
      return { type: 'certificate', fingerprint: parsed.fingerprint, subject: String(parsed.subject ?? ''), issuer: String(parsed.issuer ?? ''), changed: parsed.changed === true };
    }
    case FromHelper.error: {
      need(payload, 1, 'error');
      const kind = HELPER_ERROR_KINDS[payload.readUInt8(0) as keyof typeof HELPER_ERROR_KINDS] ?? 'internal';
      return { type: 'error', kind, message: payload.subarray(1).toString('utf8') };
    }
    case FromHelper.logon:
      return { type: 'logon' };
    default:
      throw new HelperProtocolError(`unknown message type 0x${type.toString(16)} from the RDP helper`);
  }
}
