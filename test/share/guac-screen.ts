// Decodes what a Guacamole tunnel client received into the pixels of the default layer, frame by frame, as guacamole-common-js would draw them.
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { Instruction } from '../../server/guac/instruction.js';
import type { GuacTestClient } from '../support/guac-client.js';

const SCREEN = '0';

interface Stream {
  layer: string;
  x: number;
  y: number;
  data: string[];
}

/** The screen layer (0) as RGBA; images, copies and sizes applied in order, only up to the last complete frame (sync). */
export class GuacScreen {
  width = 0;
  height = 0;
  pixels = Buffer.alloc(0);
  /** Frames (syncs) applied so far. */
  frames = 0;
  private next = 0;
  private readonly streams = new Map<string, Stream>();
  private work: Promise<void> = Promise.resolve();

  constructor(private readonly client: GuacTestClient) {}

  /** Applies every whole frame received since the last call. */
  update(): Promise<this> {
    this.work = this.work.then(() => this.applyFrames());
    return this.work.then(() => this);
  }

  /** [r, g, b] at a point. */
  pixel(x: number, y: number): [number, number, number] {
    const i = (y * this.width + x) * 4;
    return [this.pixels[i]!, this.pixels[i + 1]!, this.pixels[i + 2]!];
  }

  /** The whole frame, as one comparable value. */
  hash(): string {
    return `${this.width}x${this.height}:${createHash('sha256').update(this.pixels).digest('hex')}`;
  }

  private async applyFrames(): Promise<void> {
    const list = this.client.instructions;
    let end = -1;
    for (let i = list.length - 1; i >= this.next; i--) {
      if (list[i]!.opcode === 'sync') {
        end = i;
        break;
      }
    }
    for (; this.next <= end; this.next++) await this.apply(list[this.next]!);
  }

  private async apply({ opcode, args }: Instruction): Promise<void> {
    switch (opcode) {
      case 'size':
        if (args[0] === SCREEN) this.resize(Number(args[1]), Number(args[2]));
        return;
      case 'img':
        this.streams.set(args[0]!, { layer: args[2]!, x: Number(args[4]), y: Number(args[5]), data: [] });
        return;
      case 'blob':
        this.streams.get(args[0]!)?.data.push(args[1]!);
        return;
      case 'end': {
        const stream = this.streams.get(args[0]!);
        this.streams.delete(args[0]!);
        if (stream && stream.layer === SCREEN) await this.draw(stream);
        return;
      }
      case 'copy':
        if (args[0] === SCREEN && args[6] === SCREEN) this.copy(args.slice(1, 5).map(Number), Number(args[7]), Number(args[8]));
        return;
      case 'sync':
        this.frames++;
        return;
      default:
        return;
    }
  }

  private resize(width: number, height: number): void {
    const pixels = Buffer.alloc(width * height * 4);
    for (let y = 0; y < Math.min(height, this.height); y++) {
      this.pixels.copy(pixels, y * width * 4, y * this.width * 4, y * this.width * 4 + Math.min(width, this.width) * 4);
    }
    Object.assign(this, { width, height, pixels });
  }

  private async draw(stream: Stream): Promise<void> {
    const image = Buffer.concat(stream.data.map((part) => Buffer.from(part, 'base64')));
    const { data, info } = await sharp(image).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
    for (let row = 0; row < info.height; row++) {
      const y = stream.y + row;
      if (y < 0 || y >= this.height) continue;
      const width = Math.min(info.width, this.width - stream.x);
      if (width <= 0) continue;
      data.copy(this.pixels, (y * this.width + stream.x) * 4, row * info.width * 4, row * info.width * 4 + width * 4);
    }
  }

  private copy([sx, sy, width, height]: number[], dx: number, dy: number): void {
    const rows: Buffer[] = [];
    for (let row = 0; row < height!; row++) rows.push(Buffer.from(this.pixels.subarray(((sy! + row) * this.width + sx!) * 4, ((sy! + row) * this.width + sx! + width!) * 4)));
    rows.forEach((line, row) => line.copy(this.pixels, ((dy + row) * this.width + dx) * 4));
  }
}
