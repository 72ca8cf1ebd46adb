// Plays an SSH recording (asciicast v2) with asciinema-player, in the page's terminal colours, from a chosen second, at a chosen speed.
import { create, type Player } from 'asciinema-player';
import 'asciinema-player/dist/bundle/asciinema-player.css';
import { h, uid } from '../ui/dom';
import { isDark, onSchemeChange, terminalTheme, TERMINAL_FONT_FAMILY } from '../ui/theme';
import type { AsciicastInfo } from './asciicast-text';
import { SPEEDS } from './player-controls';

/** The palette slots asciinema-player reads from CSS (see .asciinema-player-theme-porthole in recordings.css). */
const PALETTE = ['black', 'red', 'green', 'yellow', 'blue', 'magenta', 'cyan', 'white', 'brightBlack', 'brightRed', 'brightGreen', 'brightYellow', 'brightBlue', 'brightMagenta', 'brightCyan', 'brightWhite'] as const;

export class TerminalPlayer {
  readonly el: HTMLElement;
  private readonly screen: HTMLElement;
  private player: Player | null = null;
  private playing = false;
  private speed = 1;
  private readonly stopScheme: () => void;

  /** Shows itself in `parent` at once: the player reads its palette from computed CSS, which a detached element has none of. */
  constructor(
    private readonly info: AsciicastInfo,
    startAtSeconds: number,
    parent: HTMLElement,
  ) {
    this.screen = h('div', { class: 'terminal-player-screen' });
    this.el = h('div', { class: 'terminal-player' }, this.speedBar(), this.screen);
    parent.replaceChildren(this.el);
    this.mount(startAtSeconds);
    // The palette is read once when the player starts: a switch between light and dark starts it again, at the same moment.
    this.stopScheme = onSchemeChange(() => this.remount());
  }

  dispose(): void {
    this.stopScheme();
    this.player?.dispose();
    this.player = null;
    this.el.remove();
  }

  /**
   * asciinema-player has no speed control of its own, and takes its speed and palette only when created: a change
   * starts it again at the same moment, playing if it was.
   */
  private speedBar(): HTMLElement {
    const id = uid('term-speed');
    const select = h(
      'select',
      { id, class: 'select player-speed' },
      SPEEDS.map((s) => h('option', { value: String(s), ...(s === 1 ? { selected: true } : {}) }, `${s}×`)),
    );
    select.addEventListener('change', () => {
      this.speed = Number(select.value);
      this.remount();
    });
    return h(
      'div',
      { class: 'terminal-player-bar' },
      h('span', { class: 'terminal-player-size mono', title: 'The terminal size when recorded' }, `${this.info.width}×${this.info.height}`),
      h('label', { for: id }, 'Speed'),
      select,
    );
  }

  private remount(): void {
    this.mount(this.player?.getCurrentTime() ?? 0, this.playing);
  }

  private mount(startAt: number, autoPlay = false): void {
    this.player?.dispose();
    this.applyTheme();
    this.screen.replaceChildren();
    this.playing = false;
    const at = Math.min(Math.max(0, startAt), this.info.duration);
    const player = create({ data: this.info.text, parser: 'asciicast' }, this.screen, {
      speed: this.speed,
      cols: this.info.width,
      rows: this.info.height,
      preload: true,
      fit: 'width',
      theme: 'porthole',
      // Real time, never compressed: the times on the page and in search hits must match the player's.
      idleTimeLimit: Number.POSITIVE_INFINITY,
      terminalFontFamily: TERMINAL_FONT_FAMILY,
      controls: true,
    });
    player.addEventListener('playing', () => (this.playing = true));
    player.addEventListener('pause', () => (this.playing = false));
    player.addEventListener('ended', () => (this.playing = false));
    this.player = player;
    // The screen at that moment before anyone presses play, so a search hit lands on the line it found. A seek, not
    // the startAt and npt poster options: with those, 3.18 resets the terminal on play and loses all drawn before.
    void player.seek(at).then(() => (autoPlay ? player.play() : undefined));
  }

  private applyTheme(): void {
    this.el.style.setProperty('--porthole-term-cols', String(this.info.width));
    const theme = terminalTheme(isDark());
    this.el.style.setProperty('--porthole-term-fg', theme.foreground ?? '');
    this.el.style.setProperty('--porthole-term-bg', theme.background ?? '');
    PALETTE.forEach((name, i) => this.el.style.setProperty(`--porthole-term-${i}`, theme[name] ?? ''));
  }
}
