// Turns a screen rectangle into PNG (text, flat areas) or JPEG (photo-like areas), in libvips's threads, never on the event loop.
import sharp from 'sharp';

export interface EncodedImage {
  mimetype: 'image/png' | 'image/jpeg';
  data: Buffer;
}

/** Below this many pixels JPEG's blocks and header cost more than PNG saves. */
const JPEG_MIN_PIXELS = 96 * 96;
/** More distinct colours than this in a sample is a photo or a gradient, where PNG is large. */
const PHOTO_COLOURS = 1024;

/** Counts distinct colours on a sparse grid (at most ~4096 samples): cheap, and enough to tell a terminal from a photo. */
export function looksPhotographic(rgbx: Buffer, width: number, height: number): boolean {
  if (width * height < JPEG_MIN_PIXELS) return false;
  const seen = new Set<number>();
  const step = Math.max(1, Math.floor(Math.sqrt((width * height) / 4096)));
  for (let y = 0; y < height; y += step) {
    for (let x = 0; x < width; x += step) {
      const i = (y * width + x) * 4;
      seen.add((rgbx[i]! << 16) | (rgbx[i + 1]! << 8) | rgbx[i + 2]!);
      if (seen.size > PHOTO_COLOURS) return true;
    }
  }
  return false;
}

/** `rgbx` is R,G,B,X rows (the framebuffer's format); the padding byte is dropped in libvips, not here. */
export async function encodeRgbx(rgbx: Buffer, width: number, height: number): Promise<EncodedImage> {
  const image = sharp(rgbx, { raw: { width, height, channels: 4 } }).removeAlpha();
  if (looksPhotographic(rgbx, width, height)) {
    return { mimetype: 'image/jpeg', data: await image.jpeg({ quality: 80, chromaSubsampling: '4:2:0', mozjpeg: false }).toBuffer() };
  }
  // Low zlib effort: screen content compresses well anyway, and latency matters more than bytes here.
  return { mimetype: 'image/png', data: await image.png({ compressionLevel: 3, adaptiveFiltering: false }).toBuffer() };
}

/** A cursor keeps its alpha: PNG with four channels. */
export async function encodeRgba(rgba: Uint8Array, width: number, height: number): Promise<Buffer> {
  return sharp(Buffer.from(rgba.buffer, rgba.byteOffset, rgba.byteLength), { raw: { width, height, channels: 4 } }).png({ compressionLevel: 3 }).toBuffer();
}
