// Unit tests for the lazy headless screen copy used to restore a re-attaching browser's screen.
import { afterEach, describe, expect, it } from 'vitest';
import { ScreenMirror } from './screen-mirror.js';

const mirrors: ScreenMirror[] = [];
function mirror(options: Partial<ConstructorParameters<typeof ScreenMirror>[0]> = {}) {
  const m = new ScreenMirror({ cols: 40, rows: 10, idleMs: 5, ...options });
  mirrors.push(m);
  return m;
}
afterEach(() => mirrors.splice(0).forEach((m) => m.dispose()));

const enc = (s: string) => new TextEncoder().encode(s);

describe('ScreenMirror', () => {
  it('restores text, colours and wide characters', async () => {
    const m = mirror();
    m.feed(enc('hello \x1b[31mred\x1b[0m 中文 😀\r\n$ '));
    const snap = await m.snapshot();
    expect(snap.data).toContain('hello');
    expect(snap.data).toMatch(/\x1b\[[0-9;]*31m/);
    expect(snap.data).toContain('中文');
    expect(snap.data).toContain('😀');
    expect(snap).toMatchObject({ cols: 40, rows: 10 });
  });

  it('applies resizes in stream order', async () => {
    const m = mirror();
    m.feed(enc('a'));
    m.resize(100, 30);
    m.feed(enc('b'));
    const snap = await m.snapshot();
    expect(snap).toMatchObject({ cols: 100, rows: 30 });
    expect(snap.data).toContain('ab');
  });

  it('keeps only the tail of a bulk stream, and the screen is still the last lines', async () => {
    const m = mirror({ retainBytes: 4096 });
    for (let i = 0; i < 5000; i++) m.feed(enc(`line ${i}\r\n`));
    const snap = await m.snapshot(0);
    expect(snap.data).toContain('line 4999');
    expect(snap.data).not.toContain('line 10\r');
  });

  it('catches up by itself once the output goes quiet', async () => {
    const m = mirror({ idleMs: 5 });
    m.feed(enc('quiet now'));
    await new Promise((r) => setTimeout(r, 50));
    // After the idle parse, a snapshot finds nothing left to parse.
    expect((m as unknown as { pending: unknown[] }).pending).toHaveLength(0);
    expect((await m.snapshot()).data).toContain('quiet now');
  });

  it('restores the alternate screen of a full-screen program', async () => {
    const m = mirror();
    m.feed(enc('shell line\r\n\x1b[?1049h\x1b[HFULLSCREEN APP'));
    const snap = await m.snapshot();
    expect(snap.data).toContain('FULLSCREEN APP');
    expect(snap.data).toContain('\x1b[?1049h');
  });
});
