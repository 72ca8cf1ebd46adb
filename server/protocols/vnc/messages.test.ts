// Unit tests for client message bytes, checked field by field against RFC 6143 §7.5 and the extensions.
import { describe, expect, it } from 'vitest';
import { encodeClientCutText, encodeKeyEvent, encodePointerEvent, encodeQemuKeyEvent, encodeSetDesktopSize, encodeSetEncodings, encodeSetPixelFormat, encodeUpdateRequest, qemuKeycode, toLatin1 } from './messages.js';

const hex = (b: Buffer) => b.toString('hex');

describe('client messages', () => {
  it.each([
    ['SetPixelFormat (gateway format)', encodeSetPixelFormat(), '00000000' + '2018000100ff00ff00ff000810' + '000000'],
    ['SetEncodings', encodeSetEncodings([1, 0, -239, 0xc0a1e5ce | 0]), '02000004' + '00000001' + '00000000' + 'ffffff11' + 'c0a1e5ce'],
    ['FramebufferUpdateRequest', encodeUpdateRequest(true, 1, 2, 1024, 768), '0301' + '0001' + '0002' + '0400' + '0300'],
    ['KeyEvent', encodeKeyEvent(0xff0d, true), '0401' + '0000' + '0000ff0d'],
    ['QEMU extended key event', encodeQemuKeyEvent(0x61, false, 0x1e), 'ff00' + '0000' + '00000061' + '0000001e'],
    ['PointerEvent', encodePointerEvent(300, 2, 5), '0505' + '012c' + '0002'],
    ['ClientCutText', encodeClientCutText(Buffer.from('hi')), '06000000' + '00000002' + '6869'],
    ['extended ClientCutText (negative length)', encodeClientCutText(Buffer.from([1, 2, 3]), true), '06000000' + 'fffffffd' + '010203'],
    ['SetDesktopSize', encodeSetDesktopSize(800, 600, [{ id: 7, x: 0, y: 0, width: 800, height: 600, flags: 0 }]), 'fb00' + '0320' + '0258' + '0100' + '00000007' + '0000' + '0000' + '0320' + '0258' + '00000000'],
  ])('%s', (_name, bytes, expected) => {
    expect(hex(bytes)).toBe(expected);
  });

  it.each([
    [0x1e, 0x1e],
    [0xe048, 0xc8], // Up arrow: E0 48 folds to 0x80 | 0x48
    [0xc8, 0xc8],
  ])('QEMU keycode for scancode 0x%s -> 0x%s', (scancode, keycode) => {
    expect(qemuKeycode(scancode)).toBe(keycode);
  });

  it('writes Latin-1 with LF line ends and ? for what Latin-1 lacks', () => {
    expect([...toLatin1('a\r\nü€😀')]).toEqual([0x61, 0x0a, 0xfc, 0x3f, 0x3f]);
  });
});
