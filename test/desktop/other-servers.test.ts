// The desktop tunnel against VNC servers other than Xvnc (x11vnc over Xvfb, QEMU's console): frames arrive and decode to the right picture.
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Instruction } from '../../server/guac/instruction.js';
import type { HostView, SessionView } from '../../shared/api-types.js';
import { describeLab } from '../lab/availability.js';
import { qemuUnavailableReason, startQemuVnc, type LabQemu } from '../lab/qemu.js';
import { SCENE, startX11vnc, x11vncUnavailableReason, type LabVnc } from '../lab/xvnc.js';
import { GuacTestClient } from '../support/guac-client.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

/**
 * Layer 0 as guacamole-common-js would draw it: `size`, `copy` and every `img` (decoded with sharp at its
 * `end`). The gateway's very first image is the framebuffer before the server's first update (black), so
 * pixel checks look at the composed screen, not at one image.
 */
class ScreenModel {
  width = 0;
  height = 0;
  /** RGB, 3 bytes a pixel. */
  pixels = Buffer.alloc(0);
  /** Every screen image decoded so far, in order. */
  readonly decoded: { mimetype: string; x: number; y: number; width: number; height: number }[] = [];
  private next = 0;
  private readonly streams = new Map<string, { mimetype: string; x: number; y: number; chunks: Buffer[] }>();

  /** Applies the instructions not yet seen (in order: images decode asynchronously). */
  async update(list: Instruction[]): Promise<void> {
    while (this.next < list.length) {
      const { opcode, args } = list[this.next++]!;
      if (opcode === 'size' && args[0] === '0') this.resize(Number(args[1]), Number(args[2]));
      else if (opcode === 'img' && args[2] === '0') this.streams.set(args[0]!, { mimetype: args[3]!, x: Number(args[4]), y: Number(args[5]), chunks: [] });
      else if (opcode === 'img') this.streams.delete(args[0]!); // the cursor layer
      else if (opcode === 'blob') this.streams.get(args[0]!)?.chunks.push(Buffer.from(args[1]!, 'base64'));
      else if (opcode === 'end') await this.finish(args[0]!);
      else if (opcode === 'copy' && args[0] === '0' && args[6] === '0') this.copy(args.map(Number));
    }
  }

  rgb(x: number, y: number): [number, number, number] {
    const at = (y * this.width + x) * 3;
    return [this.pixels[at]!, this.pixels[at + 1]!, this.pixels[at + 2]!];
  }

  litPixels(): number {
    let lit = 0;
    for (let at = 0; at < this.pixels.length; at += 3) if (this.pixels[at]! | this.pixels[at + 1]! | this.pixels[at + 2]!) lit++;
    return lit;
  }

  private resize(width: number, height: number): void {
    const old = { width: this.width, height: this.height, pixels: this.pixels };
    this.width = width;
    this.height = height;
    this.pixels = Buffer.alloc(width * height * 3);
    for (let y = 0; y < Math.min(height, old.height); y++) {
      old.pixels.copy(this.pixels, y * width * 3, y * old.width * 3, y * old.width * 3 + Math.min(width, old.width) * 3);
    }
  }

  private async finish(stream: string): Promise<void> {
    const image = this.streams.get(stream);
    if (!image) return; // a clipboard stream, or the cursor
    this.streams.delete(stream);
    const { data, info } = await sharp(Buffer.concat(image.chunks)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    this.decoded.push({ mimetype: image.mimetype, x: image.x, y: image.y, width: info.width, height: info.height });
    this.paint(image.x, image.y, info.width, info.height, data);
  }

  private paint(x: number, y: number, width: number, height: number, rgb: Buffer): void {
    const w = Math.min(width, this.width - x);
    for (let row = 0; row < height && y + row < this.height; row++) {
      rgb.copy(this.pixels, ((y + row) * this.width + x) * 3, row * width * 3, row * width * 3 + w * 3);
    }
  }

  private copy([, sx, sy, w, h, , , dx, dy]: number[]): void {
    const block = Buffer.alloc(w! * h! * 3);
    for (let row = 0; row < h!; row++) this.pixels.copy(block, row * w! * 3, ((sy! + row) * this.width + sx!) * 3, ((sy! + row) * this.width + sx! + w!) * 3);
    this.paint(dx!, dy!, w!, h!, block);
  }
}

/** Polls until `predicate` holds on the composed screen; fails with what the tunnel delivered. */
async function waitForScreen(client: GuacTestClient, screen: ScreenModel, what: string, predicate: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    await screen.update(client.instructions);
    if (predicate()) return;
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}; screen ${screen.width}x${screen.height}, ${screen.decoded.length} image(s) decoded; got ${client.instructions.map((i) => i.opcode).join(' ').slice(-500)}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

const x11vncReason = x11vncUnavailableReason();
const qemuReason = qemuUnavailableReason();

describeLab('desktop tunnel to other VNC servers', x11vncReason ?? qemuReason, () => {
  let gw: TestGateway;
  let x11vnc: LabVnc;
  let qemu: LabQemu;

  beforeAll(async () => {
    [gw, x11vnc, qemu] = await Promise.all([startTestGateway(), startX11vnc(), startQemuVnc()]);
  }, 30_000);
  afterAll(async () => {
    await gw?.close();
    await x11vnc?.stop();
    await qemu?.stop();
  });

  /** A host for the loopback server, a session on it, and a tunnel that has delivered size, an image and a sync. */
  async function openDesktop(name: string, target: { host: string; port: number }): Promise<{ client: GuacTestClient; session: SessionView; screen: ScreenModel }> {
    const created = await gw.api<HostView>('POST', '/api/hosts', { name, protocol: 'vnc', address: target.host, port: target.port, auth: { method: 'none' } });
    expect(created.status).toBe(201);
    const opened = await gw.api<SessionView>('POST', '/api/sessions', { hostId: created.body.id });
    expect(opened.body.protocol).toBe('vnc');
    const session = opened.body;
    const client = await GuacTestClient.open(`${gw.url.replace('http', 'ws')}/api/sessions/${session.id}/desktop?width=1024&height=768`, { cookie: gw.cookie, origin: gw.url });
    await client.waitFor((l) => l.some((i) => i.opcode === 'sync'), `the first frame from ${name}`, 15_000);
    const list = client.instructions;
    const firstSync = list.findIndex((i) => i.opcode === 'sync');
    const beforeSync = list.slice(0, firstSync);
    expect(beforeSync.some((i) => i.opcode === 'size' && i.args[0] === '0' && Number(i.args[1]) > 0 && Number(i.args[2]) > 0)).toBe(true);
    expect(beforeSync.filter((i) => i.opcode === 'img' && i.args[2] === '0').map((i) => i.args[3])).toEqual(expect.arrayContaining([expect.stringMatching(/^image\/(png|jpeg)$/)]));
    const screen = new ScreenModel();
    await screen.update(list);
    // The first screen image decodes with sharp (PNG or JPEG), at the place the img said.
    expect(screen.decoded[0]).toMatchObject({ mimetype: expect.stringMatching(/^image\/(png|jpeg)$/), width: expect.any(Number) });
    return { client, session, screen };
  }

  async function closeDesktop(client: GuacTestClient, session: SessionView): Promise<void> {
    client.close();
    await gw.api('DELETE', `/api/sessions/${session.id}`);
  }

  it('x11vnc: size, images and a sync, and the decoded screen shows the lab root colour', async () => {
    const { client, session, screen } = await openDesktop('x11vnc', x11vnc);
    try {
      // x11vnc does not resize: the Xvfb screen stays 1024x768.
      expect([screen.width, screen.height]).toEqual([1024, 768]);
      // (20, 20) is root window: the xterm starts at (100, 100). PNG for flat areas; allow JPEG's rounding anyway.
      const near = (rgb: readonly number[]) => rgb.every((v, i) => Math.abs(v - SCENE.root[i]!) <= 4);
      await waitForScreen(client, screen, 'the #3366cc root colour at (20, 20)', () => near(screen.rgb(20, 20)));
      await waitForScreen(client, screen, "the xterm's white background at (400, 300)", () => screen.rgb(400, 300).every((v) => v >= 0xf8));
    } catch (error) {
      throw new Error(`${(error as Error).message}\n${x11vnc.output()}`, { cause: error });
    } finally {
      await closeDesktop(client, session);
    }
  }, 30_000);

  it('QEMU: size, images and a sync, and the decoded screen is not uniformly black (the SeaBIOS text)', async () => {
    const { client, session, screen } = await openDesktop('qemu', qemu);
    try {
      expect(screen.width * screen.height).toBeGreaterThan(0);
      await waitForScreen(client, screen, 'non-black pixels (the BIOS text)', () => screen.litPixels() > 0);
      // Text on black: lit pixels are a small share of the screen.
      expect(screen.litPixels()).toBeLessThan(screen.width * screen.height / 2);
    } catch (error) {
      throw new Error(`${(error as Error).message}\nQEMU (${qemu.accel}) output:\n${qemu.output()}`, { cause: error });
    } finally {
      await closeDesktop(client, session);
    }
  }, 30_000);
});
