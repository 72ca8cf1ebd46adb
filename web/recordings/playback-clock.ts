// A playback position that runs on its own clock at any speed, and the frame to show for a position (pure, clock injected).

export class PlaybackClock {
  private anchorPosition = 0;
  private anchorTime = 0;
  private running = false;
  private rate = 1;

  /** `duration` in ms; the position never leaves [0, duration]. */
  constructor(
    private duration: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  get playing(): boolean {
    return this.running;
  }

  get speed(): number {
    return this.rate;
  }

  position(): number {
    const moved = this.running ? (this.now() - this.anchorTime) * this.rate : 0;
    return Math.min(this.duration, Math.max(0, this.anchorPosition + moved));
  }

  /** Whether a running clock has reached the end (the caller then pauses). */
  atEnd(): boolean {
    return this.position() >= this.duration;
  }

  play(): void {
    // Play at the end starts over, as every media player does.
    if (this.atEnd()) this.anchorPosition = 0;
    this.reanchor(true);
  }

  pause(): void {
    this.reanchor(false);
  }

  seek(position: number): void {
    this.anchorPosition = Math.min(this.duration, Math.max(0, position));
    this.anchorTime = this.now();
  }

  setSpeed(speed: number): void {
    if (!(speed > 0)) throw new RangeError(`speed must be above 0, not ${speed}`);
    this.reanchor(this.running);
    this.rate = speed;
  }

  setDuration(duration: number): void {
    this.reanchor(this.running);
    this.duration = Math.max(0, duration);
  }

  private reanchor(running: boolean): void {
    this.anchorPosition = this.position();
    this.anchorTime = this.now();
    this.running = running;
  }
}

/** Index of the last frame at or before `position` in ascending `times`; -1 when the first frame is later. */
export function frameAt(times: readonly number[], position: number): number {
  let low = 0;
  let high = times.length - 1;
  let found = -1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (times[mid]! <= position) {
      found = mid;
      low = mid + 1;
    } else {
      high = mid - 1;
    }
  }
  return found;
}
