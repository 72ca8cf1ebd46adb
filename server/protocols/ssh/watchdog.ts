// Times network silence while a connection opens; time spent waiting on a person does not count.

/** Times network silence; anything the host sends restarts the clock, a pending question from a person stops it. */
export class Watchdog {
  private timer: NodeJS.Timeout | undefined;
  private rejectCurrent: ((err: Error) => void) | undefined;
  private paused = 0;
  constructor(private readonly timeoutMs: number) {}

  race<T>(work: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const current = (err: Error) => reject(err);
      this.rejectCurrent = current;
      this.arm();
      // Only the race that is still current may disarm: the next one can start before this settles.
      const done = () => {
        if (this.rejectCurrent === current) this.stop();
      };
      work.then(
        (value) => {
          done();
          resolve(value);
        },
        (err) => {
          done();
          reject(err);
        },
      );
    });
  }

  pause(untilSettled: Promise<unknown>): void {
    this.paused++;
    clearTimeout(this.timer);
    void untilSettled.finally(() => {
      this.paused--;
      this.arm();
    });
  }

  /** The host said something: restart the silence clock. */
  touch(): void {
    if (this.timer) this.arm();
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.rejectCurrent = undefined;
  }

  private arm(): void {
    clearTimeout(this.timer);
    if (this.paused > 0 || !this.rejectCurrent) return;
    const reject = this.rejectCurrent;
    this.timer = setTimeout(() => reject(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })), this.timeoutMs);
  }
}
