// Pure flow-control bookkeeping: pause the producer while any consumer has too much unacknowledged output.

/**
 * The xterm.js watermark scheme generalised to several consumers (viewers). Each consumer's backlog is
 * bytes sent minus bytes it acknowledged. The producer is paused when any backlog passes `high` and
 * resumed only when every backlog is back under `low`, so a slow viewer bounds memory instead of growing it.
 */
export class FlowGate<Consumer> {
  private readonly backlog = new Map<Consumer, number>();
  private paused = false;
  /** The largest backlog any consumer has had: the memory bound, observable. */
  peakBacklog = 0;

  constructor(
    private readonly high: number,
    private readonly low: number,
    private readonly onChange: (paused: boolean) => void,
  ) {
    if (!(low < high)) throw new Error(`FlowGate: low watermark ${low} must be below high watermark ${high}`);
  }

  get isPaused(): boolean {
    return this.paused;
  }

  backlogOf(consumer: Consumer): number {
    return this.backlog.get(consumer) ?? 0;
  }

  add(consumer: Consumer): void {
    if (!this.backlog.has(consumer)) this.backlog.set(consumer, 0);
  }

  remove(consumer: Consumer): void {
    this.backlog.delete(consumer);
    this.update();
  }

  sent(consumer: Consumer, bytes: number): void {
    const current = this.backlog.get(consumer);
    if (current === undefined) return;
    this.backlog.set(consumer, current + bytes);
    if (current + bytes > this.peakBacklog) this.peakBacklog = current + bytes;
    if (!this.paused && current + bytes > this.high) this.set(true);
  }

  /** Acknowledged bytes beyond what was sent are ignored (a confused or hostile client cannot go negative). */
  acked(consumer: Consumer, bytes: number): void {
    const current = this.backlog.get(consumer);
    if (current === undefined) return;
    this.backlog.set(consumer, Math.max(0, current - bytes));
    this.update();
  }

  private update(): void {
    if (!this.paused) return;
    for (const b of this.backlog.values()) if (b > this.low) return;
    this.set(false);
  }

  private set(paused: boolean): void {
    this.paused = paused;
    this.onChange(paused);
  }
}
