// The display stream: a full first frame, images then sync in order, copies for moves, and no more than two frames ahead of the viewer.
import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { DirtyRegion } from './dirty-region.js';
import { DisplayStream } from './display-stream.js';
import { Framebuffer } from './framebuffer.js';
import { parseInstructions, type Instruction } from './instruction.js';

function capture() {
  const messages: string[] = [];
  const instructions = (): Instruction[] => messages.flatMap((m) => parseInstructions(m));
  return { messages, instructions, send: (m: string) => messages.push(m) };
}

/**
 * Encoding runs in libvips threads, so output arrives later on a busy machine: wait until the stream has
 * sent `syncs` frames (or what `ready` looks for), then a short quiet spell in which nothing more may come.
 */
async function settle(out: ReturnType<typeof capture>, ready: number | ((list: Instruction[]) => boolean)): Promise<void> {
  const done = typeof ready === 'number' ? (list: Instruction[]) => list.filter((i) => i.opcode === 'sync').length >= ready : ready;
  await expect.poll(() => done(out.instructions())).toBe(true);
  await new Promise((r) => setTimeout(r, 150));
}

/** Decodes every img stream in order, returning the PNG/JPEG pixels and where they go. */
async function images(list: Instruction[]) {
  const out: { layer: number; x: number; y: number; width: number; height: number; rgba: Buffer; mimetype: string }[] = [];
  const blobs = new Map<string, string[]>();
  const heads = new Map<string, Instruction>();
  for (const ins of list) {
    if (ins.opcode === 'img') (heads.set(ins.args[0]!, ins), blobs.set(ins.args[0]!, []));
    if (ins.opcode === 'blob') blobs.get(ins.args[0]!)!.push(ins.args[1]!);
    if (ins.opcode === 'end') {
      const head = heads.get(ins.args[0]!)!;
      const data = Buffer.concat(blobs.get(ins.args[0]!)!.map((b) => Buffer.from(b, 'base64')));
      const { data: rgba, info } = await sharp(data).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
      out.push({ layer: Number(head.args[2]), mimetype: head.args[3]!, x: Number(head.args[4]), y: Number(head.args[5]), width: info.width, height: info.height, rgba });
    }
  }
  return out;
}

/** A 100x100 stream whose viewer has echoed nothing: the first frame and one change are in flight, the most it allows. */
async function twoFramesInFlight() {
  const fb = new Framebuffer(100, 100);
  const out = capture();
  const stream = new DisplayStream(fb, out.send);
  await settle(out, 1);
  stream.damage({ x: 0, y: 0, width: 10, height: 10 });
  await settle(out, 2);
  return { fb, out, stream };
}

describe('DisplayStream', () => {
  it('starts with size, the whole screen as one image, and a sync; the pixels are the framebuffer\'s', async () => {
    const fb = new Framebuffer(64, 32);
    fb.fillRect(0, 0, 64, 32, 0x33, 0x66, 0xcc);
    fb.fillRect(10, 5, 4, 3, 255, 0, 0);
    const out = capture();
    new DisplayStream(fb, out.send);
    await settle(out, 1);
    const list = out.instructions();
    expect(list.map((i) => i.opcode)).toEqual(['size', 'img', 'blob', 'end', 'sync']);
    expect(list[0]!.args).toEqual(['0', '64', '32']);
    const [img] = await images(list);
    expect(img).toMatchObject({ layer: 0, x: 0, y: 0, width: 64, height: 32, mimetype: 'image/png' });
    const at = (x: number, y: number) => [...img!.rgba.subarray((y * 64 + x) * 4, (y * 64 + x) * 4 + 3)];
    expect(at(0, 0)).toEqual([0x33, 0x66, 0xcc]);
    expect(at(11, 6)).toEqual([255, 0, 0]);
  });

  it('holds frames while the viewer is two behind, coalescing the changes, and resumes on the echo', async () => {
    const { out, stream } = await twoFramesInFlight();
    const syncs = () => out.instructions().filter((i) => i.opcode === 'sync');
    expect(syncs()).toHaveLength(2);
    // Two frames in flight: these changes wait, and become one frame.
    stream.damage({ x: 20, y: 20, width: 5, height: 5 });
    stream.damage({ x: 22, y: 22, width: 5, height: 5 });
    await settle(out, 2);
    expect(syncs()).toHaveLength(2);
    stream.syncEchoed(Number(syncs()[0]!.args[0]));
    await settle(out, 3);
    expect(syncs()).toHaveLength(3);
    const last = out.instructions().slice(-4);
    expect(last.map((i) => i.opcode)).toEqual(['img', 'blob', 'end', 'sync']);
    expect(last[0]!.args.slice(4)).toEqual(['20', '20']);
    expect(stream.stats.frames).toBe(3);
  });

  it('finish() sends the changes held back by a slow viewer as one last frame, then nothing more', async () => {
    const { fb, out, stream } = await twoFramesInFlight();
    // Two frames in flight and no echo coming: this change waits...
    fb.fillRect(40, 40, 5, 5, 0, 255, 0);
    stream.damage({ x: 40, y: 40, width: 5, height: 5 });
    await settle(out, 2);
    expect(out.instructions().filter((i) => i.opcode === 'sync')).toHaveLength(2);
    // ...until the end, which draws it whatever the pace.
    await stream.finish();
    const list = out.instructions();
    expect(list.filter((i) => i.opcode === 'sync')).toHaveLength(3);
    const last = (await images(list)).at(-1)!;
    expect(last).toMatchObject({ x: 40, y: 40, width: 5, height: 5 });
    expect([...last.rgba.subarray(0, 3)]).toEqual([0, 255, 0]);
    stream.damage({ x: 0, y: 0, width: 1, height: 1 });
    stream.syncEchoed(Number(list.filter((i) => i.opcode === 'sync')[0]!.args[0]));
    await new Promise((r) => setTimeout(r, 150));
    expect(out.instructions()).toHaveLength(list.length);
  });

  it('sends a server-side move as copy, but redraws it when its source is still waiting to be drawn', async () => {
    const fb = new Framebuffer(100, 100);
    const out = capture();
    const stream = new DisplayStream(fb, out.send);
    await settle(out, 1);
    stream.syncEchoed(Number(out.instructions().find((i) => i.opcode === 'sync')!.args[0]));
    stream.copy({ sx: 0, sy: 10, dx: 0, dy: 0, width: 100, height: 90 });
    await settle(out, 2);
    expect(out.instructions().filter((i) => i.opcode === 'copy').map((i) => i.args)).toEqual([['0', '0', '10', '100', '90', '14', '0', '0', '0']]);
    // Two frames in flight, so what follows waits and is judged together.
    stream.damage({ x: 99, y: 99, width: 1, height: 1 });
    await settle(out, 3);
    const before = out.instructions().length;
    stream.damage({ x: 0, y: 50, width: 10, height: 10 });
    stream.copy({ sx: 0, sy: 50, dx: 50, dy: 50, width: 10, height: 10 });
    stream.syncEchoed(Number(out.instructions().filter((i) => i.opcode === 'sync').at(-1)!.args[0]));
    await settle(out, 4);
    const later = out.instructions().slice(before);
    expect(later.some((i) => i.opcode === 'copy')).toBe(false);
    // Both the changed source and the copy's destination are redrawn as images.
    expect(later.filter((i) => i.opcode === 'img').map((i) => i.args.slice(4))).toEqual([['0', '50'], ['50', '50']]);
  });

  it('puts the cursor on its own layer with its alpha, then names it', async () => {
    const fb = new Framebuffer(10, 10);
    const out = capture();
    const stream = new DisplayStream(fb, out.send);
    const rgba = new Uint8Array(2 * 2 * 4).fill(255);
    rgba[3] = 0;
    stream.setCursor({ hotX: 1, hotY: 1, width: 2, height: 2, rgba });
    await settle(out, (list) => list.some((i) => i.opcode === 'cursor'));
    const list = out.instructions();
    expect(list.find((i) => i.opcode === 'cursor')!.args).toEqual(['1', '1', '-1', '0', '0', '2', '2']);
    const cursor = (await images(list)).find((i) => i.layer === -1)!;
    expect(cursor.rgba[3]).toBe(0);
    expect(cursor.rgba[7]).toBe(255);
  });

  it('splits a large image into base64 blobs of whole 3-byte groups', async () => {
    const fb = new Framebuffer(400, 300);
    // Noise, so the image is large (and photographic: JPEG).
    fb.data.set(randomBytes(fb.data.length));
    const out = capture();
    new DisplayStream(fb, out.send);
    await settle(out, 1);
    const blobs = out.instructions().filter((i) => i.opcode === 'blob');
    expect(blobs.length).toBeGreaterThan(1);
    for (const b of blobs.slice(0, -1)) expect(Buffer.from(b.args[1]!, 'base64').length).toBe(6048);
    expect(out.instructions().find((i) => i.opcode === 'img')!.args[3]).toBe('image/jpeg');
  });
});

describe('DirtyRegion', () => {
  it('merges touching rectangles, keeps far ones apart, and clips to the screen', () => {
    const region = new DirtyRegion();
    region.add({ x: 0, y: 0, width: 8, height: 16 });
    region.add({ x: 8, y: 0, width: 8, height: 16 });
    region.add({ x: 500, y: 500, width: 8, height: 16 });
    region.add({ x: 1020, y: 10, width: 10, height: 10 });
    expect(region.take(1024, 768)).toEqual([
      { x: 0, y: 0, width: 16, height: 16 },
      { x: 500, y: 500, width: 8, height: 16 },
      { x: 1020, y: 10, width: 4, height: 10 },
    ]);
    expect(region.isEmpty).toBe(true);
  });
});
