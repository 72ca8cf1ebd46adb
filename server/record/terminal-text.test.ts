// The line follower that search reads recordings with: what a person saw on each line, and when it was finished.
import { describe, expect, it } from 'vitest';
import { TerminalText, type TextLine } from './terminal-text.js';

function linesOf(chunks: [string, number][], width = 80): TextLine[] {
  const lines: TextLine[] = [];
  const text = new TerminalText((l) => lines.push(l), width);
  for (const [data, at] of chunks) text.feed(data, at);
  text.flush();
  return lines;
}

describe('TerminalText', () => {
  it('splits lines at newlines and stamps each with the time it was finished', () => {
    expect(linesOf([['$ ls\r\n', 1], ['a  b\r\n$ ', 2], ['exit', 3]])).toEqual([
      { text: '$ ls', at: 1 },
      { text: 'a  b', at: 2 },
      { text: '$ exit', at: 3 },
    ]);
  });

  it('drops colours, titles and private modes, and follows backspace, cursor moves and erases', () => {
    const prompt = '\x1b]0;me@box: ~\x07\x1b[01;32mme@box\x1b[00m:\x1b[01;34m~\x1b[00m$ ';
    expect(linesOf([[`\x1b[?2004h${prompt}rm -rf /tnp\b\b\bmp\x1b[K\r\n`, 5]])).toEqual([{ text: 'me@box:~$ rm -rf /mp', at: 5 }]);
    expect(linesOf([['abcdef\x1b[3D\x1b[P\x1b[1@X\r\n', 1]])).toEqual([{ text: 'abcXef', at: 1 }]);
    expect(linesOf([['hello\rj\r\n', 1]])).toEqual([{ text: 'jello', at: 1 }]);
  });

  it('wraps a long line at the terminal width, as readline redraws it', () => {
    // At the last column the cursor waits; the next character wraps, and a carriage return goes to that row's start.
    // Bash at 80 columns: the row fills at "-d", "o" wraps, then readline returns to that row's start and rewrites it.
    const row = 'p'.repeat(19) + 'rm -rf /tmp/porthole-search-target-$$ && echo deed-$((2+3))-d'.padStart(61, ' ');
    expect(row).toHaveLength(80);
    expect(linesOf([[`${row}o\rone\r\n`, 1]])).toEqual([{ text: `${row}one`, at: 1 }]);
    expect(linesOf([[`${'x'.repeat(10)}\ryz\r\n`, 1]], 10)).toEqual([{ text: 'yzxxxxxxxx', at: 1 }]);
  });

  it('keeps bounded memory and time when output inserts blanks over and over (a hostile host)', () => {
    // Each insert pushes the line's text off its right end (as a terminal does), and the line never grows past its cap.
    const hostile = 'x\x1b[9999@'.repeat(20_000);
    const lines = linesOf([[`${hostile}\r\nafter`, 1]]);
    expect(lines.at(-1)).toEqual({ text: 'after', at: 1 });
    expect(lines.every((l) => l.text.length <= 4096)).toBe(true);
  });

  it('keeps bounded memory on a line that never ends', () => {
    const [line] = linesOf([['y'.repeat(100_000), 1]], 100_000);
    expect(line!.text.length).toBe(4096);
  });
});
