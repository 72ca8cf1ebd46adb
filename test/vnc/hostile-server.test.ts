// A hostile or broken RFB server: absurd sizes, rectangles off the framebuffer, unknown encodings, truncation, refusals.
import { deflateSync } from 'node:zlib';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RfbProtocolError, type RfbError } from '../../server/protocols/vnc/index.js';
import { fakeRfbServer, NONE_38, rectHeader, s32, serverInit, text, u16, u32, u8, updateHeader, type FakeServer } from './fake-server.js';
import type { MemorySink } from './memory-sink.js';
import { connectTo, type ViewerOptions } from './viewer.js';

let server: FakeServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Connects to a server that sends `bytes`; resolves with why connectRfb rejected. */
async function handshakeFailure(bytes: Buffer, options: ViewerOptions = {}, then: 'end' | 'hold' = 'hold'): Promise<{ error: RfbError; sinks: MemorySink[] }> {
  server = await fakeRfbServer(bytes, then);
  const sinks: MemorySink[] = [];
  const error = await connectTo(server, options, sinks).then(
    () => {
      throw new Error('connectRfb resolved against a broken server');
    },
    (e: RfbError) => e,
  );
  expect(error).toBeInstanceOf(RfbProtocolError);
  return { error, sinks };
}

/** Connects (the handshake is fine) and resolves with the error the close event carries once `after` arrives. */
async function sessionFailure(after: Buffer, then: 'end' | 'hold' = 'hold'): Promise<RfbError | undefined> {
  server = await fakeRfbServer(Buffer.concat([NONE_38, serverInit(100, 100), after]), then);
  const connection = await connectTo(server);
  const error = await new Promise<RfbError | undefined>((resolve) => connection.events.once('close', resolve));
  expect(error).toBeInstanceOf(RfbProtocolError);
  return error;
}

const MiB = 1024 * 1024;
const externalMemory = () => process.memoryUsage().arrayBuffers;

describe('VNC client against a hostile server: handshake', () => {
  it('refuses something that is not a VNC server', async () => {
    const { error } = await handshakeFailure(Buffer.from('SSH-2.0-OpenSSH_9.2p1 Debian\r\n'));
    expect(error).toMatchObject({ kind: 'protocol', message: expect.stringMatching(/not a VNC server.*SSH-2\.0/) });
  });

  it.each([
    ['zero types, empty reason (TigerVNC blacklist)', 'blacklisted', Buffer.concat([Buffer.from('RFB 003.008\n'), u8(0), text('')])],
    ['RFB 3.3 "Too many security failures"', 'blacklisted', Buffer.concat([Buffer.from('RFB 003.003\n'), u32(0), text('Too many security failures')])],
    ['zero types with a reason', 'server-refused', Buffer.concat([Buffer.from('RFB 003.008\n'), u8(0), text('Connection rejected by user')])],
    ['SecurityResult failed after VNC auth', 'wrong-password', Buffer.concat([Buffer.from('RFB 003.008\n'), u8(1, 2), Buffer.alloc(16), u32(1), text('Authentication failure')])],
    ['SecurityResult "too many attempts"', 'blacklisted', Buffer.concat([Buffer.from('RFB 003.008\n'), u8(1, 2), Buffer.alloc(16), u32(2), text('')])],
  ])('%s -> %s', async (_name, kind, bytes) => {
    const { error } = await handshakeFailure(bytes, { password: 'x' });
    expect(error.kind).toBe(kind);
  });

  it('says which security types the server offers when none is supported', async () => {
    const { error } = await handshakeFailure(Buffer.concat([Buffer.from('RFB 003.008\n'), u8(3, 5, 6, 30)]), { password: 'x' });
    expect(error).toMatchObject({ kind: 'unsupported-security' });
    expect(error.message).toBe('the server offers only RA2 (5), RA2ne (6) and Apple Remote Desktop (30), which Porthole does not support');
  });

  it('reports a reason string of 4 GiB as a protocol error, without reading it', async () => {
    const { error } = await handshakeFailure(Buffer.concat([Buffer.from('RFB 003.008\n'), u8(0), u32(0xffffffff)]));
    expect(error).toMatchObject({ kind: 'protocol', message: expect.stringMatching(/4294967295-byte reason/) });
  });

  it('a stream cut short during the handshake is kind closed', async () => {
    const { error } = await handshakeFailure(Buffer.concat([Buffer.from('RFB 003.008\n'), u8(2)]), {}, 'end');
    expect(error).toMatchObject({ kind: 'closed' });
  });

  it.each([
    ['RFB 003.003\n', 'RFB 003.003\n', Buffer.concat([u32(1)])], // 3.3: the server picks; no SecurityResult after None
    ['RFB 003.005\n', 'RFB 003.003\n', Buffer.concat([u32(1)])],
    ['RFB 003.007\n', 'RFB 003.007\n', u8(1, 1)], // 3.7: no SecurityResult after None either
    ['RFB 003.889\n', 'RFB 003.008\n', Buffer.concat([u8(1, 1), u32(0)])], // Apple's
    ['RFB 004.001\n', 'RFB 003.008\n', Buffer.concat([u8(1, 1), u32(0)])],
  ])('server %j gets %j and the session opens', async (greeting, answer, security) => {
    server = await fakeRfbServer(Buffer.concat([Buffer.from(greeting), security, serverInit(64, 48, 'old')]));
    const connection = await connectTo(server);
    connection.close();
    expect((await server.receivedAtLeast(12)).subarray(0, 12).toString()).toBe(answer);
    expect([connection.width, connection.height, connection.name]).toEqual([64, 48, 'old']);
  });
});

describe('VNC client against a hostile server: ServerInit', () => {
  it('refuses a 65535x65535 framebuffer before allocating one', async () => {
    const before = externalMemory();
    const { error, sinks } = await handshakeFailure(Buffer.concat([NONE_38, serverInit(0xffff, 0xffff)]));
    expect(error).toMatchObject({ kind: 'protocol', message: expect.stringMatching(/65535x65535 framebuffer/) });
    expect(sinks).toHaveLength(0);
    expect(externalMemory() - before).toBeLessThan(64 * MiB);
  });

  it('refuses a desktop name of 4 GiB before reading it', async () => {
    const { error } = await handshakeFailure(Buffer.concat([NONE_38, serverInit(100, 100, 'x', 0xffffffff)]));
    expect(error).toMatchObject({ kind: 'protocol', message: expect.stringMatching(/desktop name/) });
  });
});

describe('VNC client against a hostile server: after ServerInit', () => {
  it('a rectangle outside the framebuffer', async () => {
    const error = await sessionFailure(Buffer.concat([updateHeader(1), rectHeader(90, 0, 20, 10, 0)]));
    expect(error).toMatchObject({ kind: 'protocol', message: expect.stringMatching(/20x10 at \(90,0\), outside the 100x100 framebuffer/) });
  });

  it('a CopyRect whose source lies outside the framebuffer', async () => {
    const error = await sessionFailure(Buffer.concat([updateHeader(1), rectHeader(0, 0, 10, 10, 1), u16(95), u16(0)]));
    expect(error).toMatchObject({ kind: 'protocol', message: expect.stringMatching(/CopyRect source/) });
  });

  it('an encoding the client never asked for', async () => {
    const error = await sessionFailure(Buffer.concat([updateHeader(1), rectHeader(0, 0, 10, 10, 0x1234)]));
    expect(error).toMatchObject({ kind: 'protocol', message: expect.stringMatching(/encoding 4660/) });
  });

  it('a raw rectangle cut short by the server closing', async () => {
    const error = await sessionFailure(Buffer.concat([updateHeader(1), rectHeader(0, 0, 100, 100, 0), Buffer.alloc(1000)]), 'end');
    expect(error).toMatchObject({ kind: 'closed' });
  });

  it.each([
    ['a 65535x65535 cursor', Buffer.concat([updateHeader(1), rectHeader(0, 0, 0xffff, 0xffff, -239)]), /cursor/],
    ['a DesktopSize of 65535x65535', Buffer.concat([updateHeader(1), rectHeader(0, 0, 0xffff, 0xffff, -223)]), /65535x65535 framebuffer/],
    ['a 2 GiB ServerCutText', Buffer.concat([u8(3, 0, 0, 0), u32(0x7fffffff)]), /clipboard/],
    ['a 2 GiB extended clipboard message', Buffer.concat([u8(3, 0, 0, 0), s32(-0x7fffffff)]), /clipboard/],
    ['an unknown message type', u8(77), /message type 77/],
  ])('%s', async (_name, bytes, message) => {
    const before = externalMemory();
    const error = await sessionFailure(bytes);
    expect(error).toMatchObject({ kind: 'protocol', message: expect.stringMatching(message) });
    expect(externalMemory() - before).toBeLessThan(64 * MiB);
  });

  it('a clipboard zip bomb (20 MiB of text in a few KiB)', async () => {
    const inner = Buffer.concat([u32(20 * MiB), Buffer.alloc(20 * MiB, 0x41)]);
    const payload = Buffer.concat([u32((1 << 28) | 1), deflateSync(inner)]); // provide, text
    const before = externalMemory();
    const error = await sessionFailure(Buffer.concat([u8(3, 0, 0, 0), s32(-payload.length), payload]));
    expect(error).toMatchObject({ kind: 'protocol', message: expect.stringMatching(/larger than 10485760 bytes/) });
    expect(externalMemory() - before).toBeLessThan(64 * MiB);
  });

  it('a rectangle count of 65535 with empty rectangles is fine (LastRect-style servers)', async () => {
    const rects = Buffer.concat(Array.from({ length: 1000 }, () => rectHeader(0, 0, 0, 0, 0)));
    server = await fakeRfbServer(Buffer.concat([NONE_38, serverInit(100, 100), updateHeader(0xffff), rects, rectHeader(0, 0, 0, 0, -224)]));
    const connection = await connectTo(server);
    const changes = await new Promise((resolve) => connection.events.once('update', resolve));
    connection.close();
    expect(changes).toHaveLength(1000);
  });
});

describe('VNC client against an odd but valid server', () => {
  it('rings the bell, skips colour map entries, and decodes Latin-1 ServerCutText', async () => {
    server = await fakeRfbServer(
      Buffer.concat([
        NONE_38,
        serverInit(100, 100),
        u8(2), // Bell
        u8(1, 0), u16(0), u16(2), Buffer.alloc(12), // SetColourMapEntries, 2 colours
        u8(3, 0, 0, 0), u32(5), Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x0a]), // "café\n" in Latin-1
      ]),
    );
    const connection = await connectTo(server);
    let bells = 0;
    connection.events.on('bell', () => bells++);
    const text = await new Promise((resolve) => connection.events.once('clipboard', resolve));
    connection.close();
    expect(bells).toBe(1);
    expect(text).toBe('caf\u00e9\n');
  });
});

describe('VNC client input methods against a minimal server', () => {
  it('setDesktopSize is a no-op returning false until ExtendedDesktopSize is announced; clipboard refuses over 10 MiB', async () => {
    server = await fakeRfbServer(Buffer.concat([NONE_38, serverInit(100, 100)]));
    const connection = await connectTo(server);
    expect(connection.setDesktopSize(800, 600)).toBe(false);
    expect(connection.capabilities).toEqual({ setDesktopSize: false, qemuKeyEvents: false, extendedClipboard: false });
    expect(connection.clipboard('x'.repeat(10 * MiB + 1))).toBe(false);
    expect(connection.clipboard('fine')).toBe(true);
    connection.close();
  });

  it('resizes on an ExtendedDesktopSize change and then accepts setDesktopSize (rounded; silly sizes refused)', async () => {
    const screen = Buffer.concat([u32(5), u16(0), u16(0), u16(64), u16(32), u32(0)]);
    server = await fakeRfbServer(Buffer.concat([NONE_38, serverInit(100, 100), updateHeader(1), rectHeader(0, 0, 64, 32, -308), u8(1, 0, 0, 0), screen]));
    const sinks: MemorySink[] = [];
    const connection = await connectTo(server, {}, sinks);
    const resized = await new Promise((resolve) => connection.events.once('resize', resolve));
    expect(resized).toMatchObject({ width: 64, height: 32 });
    expect(sinks.map((s) => [s.width, s.height])).toEqual([[100, 100], [64, 32]]);
    expect(connection.setDesktopSize(0, 10)).toBe(false);
    expect(connection.setDesktopSize(799.6, 600)).toBe(true);
    connection.close();
    // SetDesktopSize keeps the server's screen id 5: fb 00 0320 0258 01 00 00000005 ...
    const expected = 'fb00032002580100' + '00000005' + '00000000' + '03200258' + '00000000';
    await vi.waitFor(() => expect(server!.received().toString('hex')).toContain(expected));
  });
});

describe('VNC client and VeNCrypt without TLS (scripted server)', () => {
  it('chooses Plain (256) only when nothing better is offered, and sends the user name and password', async () => {
    server = await fakeRfbServer(
      Buffer.concat([Buffer.from('RFB 003.008\n'), u8(1, 19), u8(0, 2), u8(0), u8(1), u32(256), u32(0), serverInit(10, 10)]),
    );
    const connection = await connectTo(server, { username: 'ann', password: 'pw' });
    connection.close();
    const sent = await server.receivedAtLeast(12 + 1 + 2 + 4 + 8 + 5 + 1);
    // type 19, VeNCrypt 0.2, subtype 256, lengths 3 and 2, "ann" "pw", then ClientInit (shared)
    expect(sent.subarray(12, 33).toString('hex')).toBe(['13', '0002', '00000100', '00000003', '00000002', Buffer.from('annpw').toString('hex'), '01'].join(''));
  });

  it.each([
    ['VeNCrypt 0.1', Buffer.concat([Buffer.from('RFB 003.008\n'), u8(1, 19), u8(0, 1)]), 'unsupported-security'],
    ['a refused VeNCrypt version', Buffer.concat([Buffer.from('RFB 003.008\n'), u8(1, 19), u8(0, 2), u8(1)]), 'server-refused'],
    ['only SASL subtypes', Buffer.concat([Buffer.from('RFB 003.008\n'), u8(1, 19), u8(0, 2), u8(0), u8(2), u32(263), u32(264)]), 'unsupported-security'],
    ['TLS refused after the subtype', Buffer.concat([Buffer.from('RFB 003.008\n'), u8(1, 19), u8(0, 2), u8(0), u8(1), u32(257), u8(0)]), 'server-refused'],
  ])('%s -> %s', async (_name, bytes, kind) => {
    const { error } = await handshakeFailure(bytes, { password: 'x' });
    expect(error.kind).toBe(kind);
  });
});
