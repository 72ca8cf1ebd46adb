// Unit tests for splitUtf8: sizes, boundaries and that every character survives the split.
import { describe, expect, it } from 'vitest';
import { PASTE_CHUNK_BYTES } from '../../shared/limits';
import { splitUtf8 } from './paste-chunks';

const enc = new TextEncoder();
const dec = new TextDecoder('utf-8', { fatal: true });

function joinChunks(chunks: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

describe('splitUtf8', () => {
  it('returns small input as one chunk, unchanged', () => {
    const bytes = enc.encode('ls -la\r');
    const chunks = splitUtf8(bytes, 64);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toBe(bytes);
  });

  it('returns empty input as one empty chunk', () => {
    expect(splitUtf8(new Uint8Array(0), 8)).toEqual([new Uint8Array(0)]);
  });

  it.each([
    ['ascii', 'a'.repeat(100), 10],
    ['2-byte é', 'é'.repeat(50), 7],
    ['3-byte €', '€'.repeat(50), 8],
    ['4-byte emoji', '😀'.repeat(40), 6],
    ['mixed', 'aé€😀'.repeat(30), 5],
    ['mixed, chunk size 4', 'x😀yé€'.repeat(30), 4],
    ['paste-sized', 'λ'.repeat(PASTE_CHUNK_BYTES), PASTE_CHUNK_BYTES],
  ])('%s: every chunk fits, decodes on its own and the whole survives', (_name, text, max) => {
    const bytes = enc.encode(text);
    const chunks = splitUtf8(bytes, max);
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) {
      expect(chunk.length).toBeGreaterThan(0);
      expect(chunk.length).toBeLessThanOrEqual(max);
      expect(() => dec.decode(chunk)).not.toThrow();
    }
    expect(dec.decode(joinChunks(chunks))).toBe(text);
  });

  it('fills chunks as far as a character boundary allows', () => {
    // 3 + 3 bytes: with max 5 the second € must not be split, so the chunks are 3 and 3.
    expect(splitUtf8(enc.encode('€€'), 5).map((c) => c.length)).toEqual([3, 3]);
    expect(splitUtf8(enc.encode('ab€cd'), 4).map((c) => c.length)).toEqual([2, 4, 1]);
  });

  it('still makes progress on malformed input (a run of continuation bytes)', () => {
    const bytes = new Uint8Array(10).fill(0x80);
    const chunks = splitUtf8(bytes, 4);
    expect(chunks.map((c) => c.length)).toEqual([4, 4, 2]);
  });

  it.each([0, 3, 2.5, Number.NaN])('rejects maxBytes %s', (max) => {
    expect(() => splitUtf8(new Uint8Array(1), max)).toThrow(/maxBytes/);
  });
});
