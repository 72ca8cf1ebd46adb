// Plays a desktop recording (the Guacamole instruction stream) with SessionRecording, on our own clock so it can run at any speed.
import Guacamole from 'guacamole-common-js';
import { h } from '../ui/dom';
import { frameAt, PlaybackClock } from './playback-clock';
import { createPlayerControls, type PlayerControls } from './player-controls';
import { RecordingTunnel } from './recording-tunnel';

export interface DesktopPlayerHooks {
  /** Share of the stream prepared so far, 0 to 1. */
  progress(fraction: number): void;
  /** Everything is in and the picture at the start moment is on its way. */
  ready(): void;
  failed(message: string): void;
}

/** How far the arrow keys move. */
const STEP_MS = 5000;
/** A small recording is scaled up to fill the stage, but not beyond this. */
const MAX_SCALE = 4;

/**
 * SessionRecording 1.5.0 plays only in real time (no speed). So its own play() is never used: a clock here runs at the
 * chosen speed and, each animation frame, asks SessionRecording to seek forward to the last frame the clock has passed.
 * A forward seek replays only the frames in between, which is exactly what playing does.
 */
export class DesktopPlayer {
  readonly el: HTMLElement;
  private readonly stage: HTMLElement;
  private readonly screen: HTMLElement;
  private readonly controls: PlayerControls;
  private readonly tunnel: RecordingTunnel;
  private readonly recording: Guacamole.SessionRecording;
  private readonly clock = new PlaybackClock(0);
  private readonly resizeObserver: ResizeObserver;
  private frames: readonly number[] = [];
  private shown = -1;
  private seeking = false;
  private loaded = false;
  private ticking = 0;
  private disposed = false;

  constructor(text: string, startAtMs: number, hooks: DesktopPlayerHooks) {
    this.screen = h('div', { class: 'recording-screen' });
    this.stage = h('div', { class: 'recording-stage', tabindex: '0', 'aria-label': 'Desktop recording. Space plays or pauses, the arrow keys skip 5 seconds.' }, this.screen);
    this.controls = createPlayerControls({
      toggle: () => this.toggle(),
      seek: (ms) => this.seekTo(ms),
      speed: (speed) => this.clock.setSpeed(speed),
    });
    this.el = h('div', { class: 'desktop-player' }, this.stage, this.controls.el);

    this.tunnel = new RecordingTunnel(text, { progress: (fed, total) => hooks.progress(total ? fed / total : 1), failed: (message) => this.fail(hooks, message) });
    this.recording = new Guacamole.SessionRecording(this.tunnel);
    const display = this.recording.getDisplay();
    this.screen.append(display.getElement());
    display.onresize = (width, height) => {
      this.el.style.setProperty('--ratio', String(width / height));
      this.rescale();
    };
    this.resizeObserver = new ResizeObserver(() => this.rescale());
    this.resizeObserver.observe(this.stage);

    this.recording.onerror = (message) => this.fail(hooks, message || 'The recording could not be read.');
    this.recording.onload = () => {
      if (this.disposed) return;
      this.frames = this.tunnel.frameTimes;
      if (this.frames.length === 0) return this.fail(hooks, 'The recording holds no picture yet.');
      this.loaded = true;
      this.clock.setDuration(this.frames[this.frames.length - 1]!);
      this.clock.seek(startAtMs);
      this.controls.setEnabled(true);
      this.update();
      hooks.ready();
    };
    this.stage.addEventListener('keydown', (ev) => this.onKey(ev));
    this.controls.el.addEventListener('keydown', (ev) => {
      // The speed menu keeps its own arrow keys.
      if (!(ev.target instanceof HTMLSelectElement)) this.onKey(ev);
    });
    this.recording.connect();
  }

  /** For the page's keyboard shortcuts when nothing in particular has the focus. */
  onKey(ev: KeyboardEvent): void {
    if (!this.loaded || ev.altKey || ev.ctrlKey || ev.metaKey) return;
    if (ev.key === ' ') this.toggle();
    else if (ev.key === 'ArrowLeft') this.seekTo(this.clock.position() - STEP_MS);
    else if (ev.key === 'ArrowRight') this.seekTo(this.clock.position() + STEP_MS);
    else return;
    ev.preventDefault();
    ev.stopPropagation();
  }

  focus(): void {
    this.stage.focus({ preventScroll: true });
  }

  dispose(): void {
    this.disposed = true;
    cancelAnimationFrame(this.ticking);
    this.resizeObserver.disconnect();
    this.recording.pause();
    this.recording.abort();
    this.el.remove();
  }

  private toggle(): void {
    if (this.clock.playing) this.clock.pause();
    else this.clock.play();
    this.update();
  }

  private seekTo(ms: number): void {
    this.clock.seek(ms);
    this.update();
  }

  /** Brings the picture and the bar up to the clock, and keeps doing so every animation frame while playing. */
  private update(): void {
    cancelAnimationFrame(this.ticking);
    if (this.disposed) return;
    if (this.clock.playing && this.clock.atEnd()) this.clock.pause();
    this.controls.setPlaying(this.clock.playing);
    this.controls.setPosition(this.clock.position(), this.frames[this.frames.length - 1] ?? 0);
    this.showFrame();
    if (this.clock.playing) this.ticking = requestAnimationFrame(() => this.update());
  }

  private showFrame(): void {
    // One seek at a time: SessionRecording aborts a seek that a second one interrupts, so the next waits for this one.
    if (this.seeking || this.disposed) return;
    const index = Math.max(0, frameAt(this.frames, this.clock.position()));
    if (index === this.shown) return;
    this.seeking = true;
    this.recording.seek(this.frames[index]!, () => {
      this.seeking = false;
      this.shown = index;
      this.showFrame();
    });
  }

  private rescale(): void {
    const display = this.recording.getDisplay();
    const width = display.getWidth();
    const height = display.getHeight();
    const box = this.stage.getBoundingClientRect();
    if (!width || !height || !box.width || !box.height) return;
    display.scale(Math.min(box.width / width, box.height / height, MAX_SCALE));
  }

  private fail(hooks: DesktopPlayerHooks, message: string): void {
    if (this.disposed) return;
    this.dispose();
    hooks.failed(message);
  }
}
