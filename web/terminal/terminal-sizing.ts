// Keeps a terminal's grid right for the viewer's role: the owner fits the grid to the window; everyone else keeps the owner's size, scaled to fit.
import type { ViewerRole } from '../../shared/terminal-protocol';
import type { TerminalKit } from './create-terminal';
import { watchFit } from './fit-watcher';
import { fitScale } from './scale-fit';

export class TerminalSizing {
  private role: ViewerRole = 'owner';
  private stopFit: (() => void) | null = null;
  private observer: ResizeObserver | null = null;
  private frame = 0;
  private started = false;

  /** `host` is the box the terminal lives in; `kit.open(host)` must have run before `start()`. */
  constructor(
    private readonly host: HTMLElement,
    private readonly kit: TerminalKit,
  ) {}

  /** True while this page decides the size (and may send `resize`). */
  get drivesSize(): boolean {
    return this.role === 'owner';
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.apply();
  }

  /** From `attached`: an owner fits; control and view keep `cols` x `rows`. */
  setRole(role: ViewerRole, cols: number, rows: number): void {
    const changed = role !== this.role;
    this.role = role;
    if (changed && this.started) this.apply();
    if (role !== 'owner') this.setFixedSize(cols, rows);
  }

  /** From `size`: the owner resized; a guest follows exactly. */
  setFixedSize(cols: number, rows: number): void {
    if (this.role === 'owner') return;
    if (cols !== this.kit.term.cols || rows !== this.kit.term.rows) this.kit.term.resize(cols, rows);
    this.scheduleScale();
  }

  dispose(): void {
    this.stopFit?.();
    this.observer?.disconnect();
    cancelAnimationFrame(this.frame);
  }

  private apply(): void {
    this.stopFit?.();
    this.stopFit = null;
    this.observer?.disconnect();
    this.observer = null;
    const el = this.kit.term.element;
    this.host.classList.toggle('is-scaled', this.role !== 'owner');
    if (this.role === 'owner') {
      if (el) el.style.transform = el.style.left = '';
      this.stopFit = watchFit(this.host, this.kit.fit);
      return;
    }
    // The grid's own box changes when cols/rows do; the host's when the window does. Either means a new scale.
    this.observer = new ResizeObserver(() => this.scheduleScale());
    this.observer.observe(this.host);
    if (el) this.observer.observe(el);
    this.scheduleScale();
  }

  private scheduleScale(): void {
    cancelAnimationFrame(this.frame);
    this.frame = requestAnimationFrame(() => this.scale());
  }

  private scale(): void {
    const el = this.kit.term.element;
    if (!el || this.role === 'owner') return;
    // offsetWidth/Height ignore the transform: they are the grid's natural size.
    const placed = fitScale({ width: this.host.clientWidth, height: this.host.clientHeight }, { width: el.offsetWidth, height: el.offsetHeight });
    el.style.transform = `scale(${placed.scale})`;
    el.style.left = `${placed.left}px`;
  }
}
