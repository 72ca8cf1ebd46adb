// The helper's pipe protocol: messages split anywhere across chunks, bounded sizes, and garbage refused with a reason.
import { describe, expect, it } from 'vitest';
import { encode, HelperMessageReader, HelperProtocolError, MAX_HELPER_MESSAGE_BYTES } from './helper-protocol.js';

function message(type: number, payload: number[] | Buffer): Buffer {
  const body = Buffer.from(payload);
  const head = Buffer.alloc(5);
  head.writeUInt32LE(body.length + 1, 0);
  head.writeUInt8(type, 4);
  return Buffer.concat([head, body]);
}

describe('HelperMessageReader', () => {
  it('reassembles messages split at every byte, and a frame with its pixels', () => {
    const frame = Buffer.alloc(2 + 8 + 4);
    frame.writeUInt16LE(1, 0);
    frame.writeUInt16LE(3, 2); // x
    frame.writeUInt16LE(4, 4); // y
    frame.writeUInt16LE(1, 6); // width
    frame.writeUInt16LE(1, 8); // height
    frame.set([1, 2, 3, 4], 10);
    const bytes = Buffer.concat([message(0x02, [0x00, 0x04, 0x00, 0x03]), message(0x04, frame), message(0x09, [])]);
    const reader = new HelperMessageReader();
    const out = [];
    for (const b of bytes) out.push(...reader.push(Buffer.of(b)));
    expect(out.map((m) => m.type)).toEqual(['ready', 'frame', 'logon']);
    expect(out[0]).toEqual({ type: 'ready', width: 1024, height: 768 });
    const rect = (out[1] as { rects: { x: number; y: number; pixels: Uint8Array }[] }).rects[0]!;
    expect([rect.x, rect.y, [...rect.pixels]]).toEqual([3, 4, [1, 2, 3, 4]]);
  });

  it('refuses a length past the cap before buffering it, an unknown type, and a short frame', () => {
    const huge = Buffer.alloc(5);
    huge.writeUInt32LE(MAX_HELPER_MESSAGE_BYTES + 1, 0);
    expect(() => new HelperMessageReader().push(huge)).toThrow(HelperProtocolError);
    expect(() => new HelperMessageReader().push(message(0x7f, []))).toThrow(/unknown message type 0x7f/);
    const short = Buffer.alloc(2 + 8);
    short.writeUInt16LE(1, 0);
    short.writeUInt16LE(10, 6);
    short.writeUInt16LE(10, 8);
    expect(() => new HelperMessageReader().push(message(0x04, short))).toThrow(/short frame/);
  });

  it('reads certificate and error messages, and refuses a certificate without a SHA-256 fingerprint', () => {
    const cert = { fingerprint: `sha256:${'ab'.repeat(32)}`, subject: 'CN=x', issuer: 'CN=x', changed: true };
    expect(new HelperMessageReader().push(message(0x07, Buffer.from(JSON.stringify(cert))))).toEqual([{ type: 'certificate', ...cert }]);
    expect(() => new HelperMessageReader().push(message(0x07, Buffer.from('{"fingerprint":"md5:00"}')))).toThrow(/SHA-256/);
    expect(new HelperMessageReader().push(message(0x08, Buffer.concat([Buffer.of(9), Buffer.from('login screen')])))).toEqual([{ type: 'error', kind: 'login-dialog', message: 'login screen' }]);
  });
});

describe('encode', () => {
  it('frames input for the helper: length, type, little-endian fields', () => {
    expect([...encode.key(0x138, true)]).toEqual([4, 0, 0, 0, 0x81, 0x38, 0x01, 1]);
    expect([...encode.mouse(300, 2, 0x1f)]).toEqual([6, 0, 0, 0, 0x84, 0x2c, 0x01, 2, 0, 0x1f]);
    const connect = encode.connect({ host: 'h', port: 1, username: 'u', password: 'p', domain: '', security: 'tls', width: 8, height: 8, certificate: 'ask', keyboardLayout: 0x407 });
    expect(connect.readUInt32LE(0)).toBe(connect.length - 4);
    expect(JSON.parse(connect.subarray(5).toString())).toMatchObject({ security: 'tls', keyboardLayout: 0x407 });
  });
});
