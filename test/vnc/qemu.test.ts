// The VNC client against QEMU's built-in VNC server (the Proxmox console case): a frame, QEMU extended key events, a key.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeLab } from '../lab/availability.js';
import { qemuUnavailableReason, startQemuVnc, type LabQemu } from '../lab/qemu.js';
import type { MemorySink } from './memory-sink.js';
import { openViewer } from './viewer.js';

/** Pixels with any colour at all in the top `rows` rows: the BIOS text on its black screen. */
function litPixels(sink: MemorySink, rows = sink.height): number {
  let lit = 0;
  const end = Math.min(rows, sink.height) * sink.width * 4;
  for (let at = 0; at < end; at += 4) if (sink.pixels[at]! | sink.pixels[at + 1]! | sink.pixels[at + 2]!) lit++;
  return lit;
}

describeLab('VNC client against QEMU', qemuUnavailableReason(), () => {
  let qemu: LabQemu;
  beforeAll(async () => {
    qemu = await startQemuVnc();
  }, 30_000);
  afterAll(async () => {
    await qemu?.stop();
  });

  it('shows the BIOS screen and confirms QEMU extended key events after the first update', async () => {
    const viewer = await openViewer(qemu);
    try {
      await viewer.waitFor('a first update', () => viewer.updates() >= 1);
      // QEMU answers the pseudo-encoding in its first update, before any pixels matter.
      expect(viewer.connection.capabilities.qemuKeyEvents).toBe(true);
      // The screen starts black; SeaBIOS then prints its banner on the first line of 80x25 text mode (720x400, 16-pixel rows).
      await viewer.waitFor('non-black pixels in the first text row (the SeaBIOS banner)', () => litPixels(viewer.sink(), 16) > 0, 15_000);
      expect([viewer.connection.width, viewer.connection.height]).toEqual([720, 400]);
    } catch (error) {
      throw new Error(`${(error as Error).message}\nQEMU (${qemu.accel}) output:\n${qemu.output()}`, { cause: error });
    } finally {
      viewer.connection.close();
    }
  }, 30_000);

  it('sends a key as a QEMU extended key event without the server dropping the connection', async () => {
    const viewer = await openViewer(qemu);
    let closedWith: unknown = 'open';
    void viewer.closed.then((error) => (closedWith = error));
    try {
      await viewer.waitFor('a first update', () => viewer.updates() >= 1);
      expect(viewer.connection.capabilities.qemuKeyEvents).toBe(true);
      // 'a' with its XT scancode (0x1e), then Escape (0x01): the guest has nothing to boot, so nothing changes state.
      expect(() => {
        viewer.connection.key(0x61, true, 0x1e);
        viewer.connection.key(0x61, false, 0x1e);
        viewer.connection.key(0xff1b, true, 0x01);
        viewer.connection.key(0xff1b, false, 0x01);
      }).not.toThrow();
      // The server parsed the messages: it still answers a full update request afterwards.
      const before = viewer.updates();
      viewer.connection.requestUpdate(false);
      await viewer.waitFor('an update after the keys', () => viewer.updates() > before);
      expect(closedWith).toBe('open');
    } finally {
      viewer.connection.close();
    }
  }, 30_000);
});
