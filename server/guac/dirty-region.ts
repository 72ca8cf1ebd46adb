// What changed on screen since the last frame: rectangles merged so a frame is a few images, not hundreds (pure).
import type { Rect } from '../protocols/vnc/encodings/types.js';

/** Past this many rectangles one bounding box is cheaper than many small images. */
const MAX_RECTS = 24;

export function intersects(a: Rect, b: Rect): boolean {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

export function union(a: Rect, b: Rect): Rect {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}

const area = (r: Rect): number => r.width * r.height;

export class DirtyRegion {
  private rects: Rect[] = [];

  get isEmpty(): boolean {
    return this.rects.length === 0;
  }

  /**
   * Adds a rectangle, merging it with any it touches when the union wastes little (at most a quarter
   * more area), so a typed line becomes one image while far-apart changes stay separate.
   */
  add(rect: Rect): void {
    if (rect.width <= 0 || rect.height <= 0) return;
    let merged = rect;
    for (let again = true; again; ) {
      again = false;
      for (let i = 0; i < this.rects.length; i++) {
        const other = this.rects[i]!;
        const joined = union(merged, other);
        if (intersects(merged, other) || area(joined) <= (area(merged) + area(other)) * 1.25) {
          merged = joined;
          this.rects.splice(i, 1);
          again = true;
          break;
        }
      }
    }
    this.rects.push(merged);
    if (this.rects.length > MAX_RECTS) this.rects = [this.rects.reduce(union)];
  }

  overlaps(rect: Rect): boolean {
    return this.rects.some((r) => intersects(r, rect));
  }

  /** Hands over the rectangles clipped to the screen and starts empty. */
  take(width: number, height: number): Rect[] {
    const out = this.rects
      .map((r) => {
        const x = Math.max(0, r.x);
        const y = Math.max(0, r.y);
        return { x, y, width: Math.min(width, r.x + r.width) - x, height: Math.min(height, r.y + r.height) - y };
      })
      .filter((r) => r.width > 0 && r.height > 0);
    this.rects = [];
    return out;
  }
}
