// Plays an SSH recording (asciicast v2) with asciinema-player, in the page's terminal colours, from a chosen second.
import { create, type Player } from 'asciinema-player';
import 'asciinema-player/dist/bundle/asciinema-player.css';
import { h } from '../ui/dom';
import { isDark, onSchemeChange, terminalTheme, TERMINAL_FONT_FAMILY } from '../ui/theme';
import type { AsciicastInfo } from './asciicast-text';

/** The palette slots asciinema-player reads from CSS (see .asciinema-player-theme-porthole in recordings.css). */
const PALETTE = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white', 'brightBlack', 'brightRed', 'brightGreen', 'brightYellow', 'brightBlue', 'brightMagenta', 'brightCyan', 'brightWhite'] as const;

export class TerminalPlayer {
  readonly el: HTMLElement;
  private player: Player | null = null;
  private readonly stopScheme: () => void;

  /** Shows itself in `parent` at once: the player reads its palette from computed CSS, which a detached element has none of. */
  constructor(
    private readonly info: AsciicastInfo,
    startAtSeconds: number,
    parent: HTMLElement,
  ) {
    this.el = h('div', { class: 'terminal-player' });
    parent.replaceChildren(this.el);
    this.mount(startAtSeconds);
    // The palette is read once when the player starts: a switch between light and dark starts it again, at the same moment.
    this.stopScheme = onSchemeChange(() => this.mount(this.player?.getCurrentTime() ?? startAtSeconds));
  }

  dispose(): void {
    this.stopScheme();
    this.player?.dispose();
    this.player = null;
    this.el.remove();
  }

  private mount(startAt: number): void {
    this.player?.dispose();
    this.applyTheme();
    this.el.replaceChildren();
    const at = Math.min(Math.max(0, startAt), this.info.duration);
    this.player = create({ data: this.info.text, parser: 'asciicast' }, this.el, {
      cols: this.info.width,
      rows: this.info.height,
      startAt: at,
      // The screen at that moment before anyone presses play, so a search hit lands on the line it found.
      poster: `npt:${at}`,
      preload: true,
      fit: 'width',
      theme: 'porthole',
      // Real time, never compressed: the times on the page and in search hits must match the player's.
      idleTimeLimit: Number.POSITIVE_INFINITY,
      terminalFontFamily: TERMINAL_FONT_FAMILY,
      controls: true,
    });
  }

  private applyTheme(): void {
    this.el.style.setProperty('--porthole-term-cols', String(this.info.width));
    const theme = terminalTheme(isDark());
    this.el.style.setProperty('--porthole-term-fg', theme.foreground ?? '');
    this.el.style.setProperty('--porthole-term-bg', theme.background ?? '');
    PALETTE.forEach((name, i) => this.el.style.setProperty(`--porthole-term-${i}`, theme[name] ?? ''));
  }
}
