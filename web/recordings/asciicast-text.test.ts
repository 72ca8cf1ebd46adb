// Playing what a crash or a live writer left: a cut last line is dropped, a bad header is an error in words.
import { describe, expect, it } from 'vitest';
import { AsciicastError, prepareAsciicast } from './asciicast-text';

const header = '{"version":2,"width":80,"height":24,"timestamp":1700000000,"env":{"TERM":"xterm-256color"}}';

describe('prepareAsciicast', () => {
  it('keeps a complete file as it is', () => {
    const raw = `${header}\n[0.5,"o","hi\\r\\n"]\n[1.25,"i","ls\\r"]\n`;
    expect(prepareAsciicast(raw)).toEqual({ text: raw, width: 80, height: 24, hasInput: true, duration: 1.25, dropped: 0 });
  });

  it('drops a last line cut mid-way', () => {
    const info = prepareAsciicast(`${header}\n[0.5,"o","hi"]\n[1.0,"o","hal`);
    expect(info.text).toBe(`${header}\n[0.5,"o","hi"]\n`);
    expect(info).toMatchObject({ hasInput: false, duration: 0.5, dropped: 1 });
  });

  it('plays a recording that has only its header so far', () => {
    expect(prepareAsciicast(`${header}\n`)).toMatchObject({ duration: 0, dropped: 0 });
  });

  it.each([
    ['', 'The recording is empty.'],
    ['garbage\n', 'The recording does not start with an asciicast header.'],
    ['{"version":1,"width":80,"height":24}\n', 'The recording is not asciicast version 2 (its version is 1).'],
    ['{"version":2}\n', 'The recording header has no terminal size.'],
  ])('refuses %j', (raw, message) => {
    expect(() => prepareAsciicast(raw)).toThrow(new AsciicastError(message));
  });
});
