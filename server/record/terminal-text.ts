// Turns a terminal's output into the lines a person saw, with when each was finished: what recordings are searched by. Pure.
//
// Not a terminal emulator: it follows one logical line at a time, which is what a shell prompt and its echo
// use (carriage return, backspace, cursor moves, erase, delete and insert characters), wrapped at the
// terminal's width the way the screen wraps it, since readline redraws long lines row by row.
// Full-screen programs come out as scraps of text, still searchable but without layout.

const MAX_LINE_CHARS = 4096;

export interface TextLine {
  text: string;
  /** Seconds from the start of the recording when the line was finished (Enter pressed, or output moved on). */
  at: number;
}

type Mode = 'text' | 'escape' | 'csi' | 'osc' | 'osc-escape' | 'charset';

export class TerminalText {
  private line: string[] = [];
  private col = 0;
  private mode: Mode = 'text';
  private params = '';
  private lastAt = 0;
  /** The last character written filled its row: the cursor waits there until the next one wraps it. */
  private wrapPending = false;

  constructor(
    private readonly emit: (line: TextLine) => void,
    private width = 80,
  ) {}

  /** The terminal's width changed (an "r" event). */
  resize(cols: number): void {
    if (Number.isInteger(cols) && cols > 0) this.width = cols;
  }

  /** Where the cursor's screen row starts, within the logical line. */
  private get rowStart(): number {
    const col = this.wrapPending ? this.col - 1 : this.col;
    return Math.floor(col / this.width) * this.width;
  }

  /** Feeds output that arrived at `at` seconds. */
  feed(text: string, at: number): void {
    this.lastAt = at;
    for (const ch of text) this.char(ch, at);
  }

  /** The unfinished last line (end of the recording). */
  flush(): void {
    this.finishLine(this.lastAt);
  }

  private char(ch: string, at: number): void {
    switch (this.mode) {
      case 'escape':
        if (ch === '[') {
          this.mode = 'csi';
          this.params = '';
        } else if (ch === ']') this.mode = 'osc';
        else if (ch === '(' || ch === ')' || ch === '*' || ch === '+' || ch === '#' || ch === '%') this.mode = 'charset';
        else this.mode = 'text'; // two-character sequences: ESC 7, ESC =, ESC M ...
        return;
      case 'charset':
        this.mode = 'text';
        return;
      case 'osc':
        // Window titles and hyperlinks end with BEL or ST (ESC \); their text is not on screen.
        if (ch === '\x07') this.mode = 'text';
        else if (ch === '\x1b') this.mode = 'osc-escape';
        return;
      case 'osc-escape':
        this.mode = ch === '\\' ? 'text' : 'osc';
        return;
      case 'csi': {
        const code = ch.charCodeAt(0);
        if (code >= 0x40 && code <= 0x7e) {
          this.mode = 'text';
          this.csi(ch, at);
        } else if (this.params.length < 32) this.params += ch;
        return;
      }
      case 'text':
        break;
    }
    switch (ch) {
      case '\x1b':
        this.mode = 'escape';
        return;
      case '\n':
        this.finishLine(at);
        return;
      case '\r':
        this.col = this.rowStart;
        this.wrapPending = false;
        return;
      case '\b':
        this.col = Math.max(this.rowStart, this.col - (this.wrapPending ? 2 : 1));
        this.wrapPending = false;
        return;
      case '\t':
        this.col = Math.min(MAX_LINE_CHARS, (Math.floor(this.col / 8) + 1) * 8);
        return;
    }
    if (ch < ' ' || ch === '\x7f') return; // other controls (bell, shift in/out) put nothing on screen
    if (this.col >= MAX_LINE_CHARS) return;
    while (this.line.length < this.col) this.line.push(' ');
    this.line[this.col++] = ch;
    this.wrapPending = this.col % this.width === 0;
  }

  private csi(final: string, at: number): void {
    if (this.params.startsWith('?')) return; // private modes (cursor visibility, bracketed paste)
    const n = Math.max(1, Number.parseInt(this.params, 10) || 1);
    const rowStart = this.rowStart;
    if (this.wrapPending) this.col--; // every move starts from the last column, where the cursor really is
    this.wrapPending = false;
    switch (final) {
      case 'C':
        this.col = Math.min(rowStart + this.width - 1, this.col + n);
        return;
      case 'D':
        this.col = Math.max(rowStart, this.col - n);
        return;
      case 'A':
        this.col = Math.max(this.col % this.width, this.col - n * this.width);
        return;
      case 'B':
        this.col = Math.min(MAX_LINE_CHARS, this.col + n * this.width);
        return;
      case 'G':
        this.col = rowStart + Math.min(this.width - 1, n - 1);
        return;
      case 'K': {
        // Erases within the cursor's row only; rows below (a wrapped line's rest) stay.
        const mode = Number.parseInt(this.params, 10) || 0;
        const [from, to] = mode === 0 ? [this.col, rowStart + this.width] : mode === 1 ? [rowStart, this.col + 1] : [rowStart, rowStart + this.width];
        for (let i = from; i < Math.min(to, this.line.length); i++) this.line[i] = ' ';
        return;
      }
      case 'P':
        this.line.splice(this.col, n);
        return;
      case '@': {
        // Bounded like every other move: a hostile "insert 9999 blanks" a million times must not grow the line.
        const blanks = Math.min(n, MAX_LINE_CHARS - this.col);
        if (blanks > 0 && this.col < this.line.length) {
          this.line.splice(this.col, 0, ...Array<string>(blanks).fill(' '));
          this.line.length = Math.min(this.line.length, MAX_LINE_CHARS);
        }
        return;
      }
      case 'H':
      case 'f':
      case 'J':
        // The cursor jumped elsewhere on the screen (a full-screen program): what we had is a line of its own.
        this.finishLine(at);
        return;
    }
  }

  private finishLine(at: number): void {
    const text = this.line.join('').trimEnd();
    this.line = [];
    this.col = 0;
    this.wrapPending = false;
    if (text) this.emit({ text, at });
  }
}
