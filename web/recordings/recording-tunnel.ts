// Hands Guacamole.SessionRecording an already-fetched recording through the Tunnel interface: the npm 1.5.0 Blob constructor is broken (GUACAMOLE-1793).
import Guacamole from 'guacamole-common-js';

export interface RecordingTunnelHooks {
  /** Characters fed so far, of `total`. */
  progress(fed: number, total: number): void;
  /** The text is not a Guacamole instruction stream. */
  failed(message: string): void;
}

/** Characters per slice: big enough to load quickly, small enough that the page keeps answering between slices. */
const SLICE = 256 * 1024;

export class RecordingTunnel extends Guacamole.Tunnel {
  /** Each frame's time in ms from the first frame, strictly increasing: the player's seek table. */
  readonly frameTimes: number[] = [];
  private timer: number | undefined;
  private lastSync = -Infinity;
  private firstSync: number | null = null;

  constructor(
    private readonly text: string,
    private readonly hooks: RecordingTunnelHooks,
  ) {
    super();
    // The base constructor sets these as own properties, so they are replaced here rather than overridden.
    this.connect = () => this.start();
    this.disconnect = () => this.stop();
  }

  private start(): void {
    const parser = new Guacamole.Parser();
    parser.oninstruction = (opcode, args) => this.deliver(opcode, args as string[]);
    this.setTunnelState(Guacamole.Tunnel.State.OPEN);
    let offset = 0;
    const feedSlice = () => {
      this.timer = undefined;
      try {
        // A last instruction cut short (a crash, a live writer) stays in the parser's buffer and is never played.
        parser.receive(this.text.slice(offset, offset + SLICE));
      } catch (err) {
        const why = (err instanceof Error ? err.message : String(err)).replace(/\.$/, '').toLowerCase();
        this.hooks.failed(`The recording is not a Guacamole instruction stream (${why}).`);
        return;
      }
      offset += SLICE;
      this.hooks.progress(Math.min(offset, this.text.length), this.text.length);
      if (offset < this.text.length) this.timer = window.setTimeout(feedSlice, 0);
      // SessionRecording stores the stream for seeking and reports onload only once the tunnel closes.
      else this.setTunnelState(Guacamole.Tunnel.State.CLOSED);
    };
    // Never within connect(): the player's hooks may only run once its constructor has returned.
    this.timer = window.setTimeout(feedSlice, 0);
  }

  private stop(): void {
    window.clearTimeout(this.timer);
    this.timer = undefined;
  }

  private deliver(opcode: string, args: string[]): void {
    if (opcode === 'sync') {
      // SessionRecording finds frames by binary search on their timestamps, so equal or backwards ones would land
      // a seek on the wrong frame: nudge each to at least a millisecond after the one before.
      const stamp = Math.max(Number.parseInt(args[0] ?? '', 10) || 0, this.lastSync + 1);
      this.lastSync = stamp;
      this.firstSync ??= stamp;
      this.frameTimes.push(stamp - this.firstSync);
      args = [String(stamp), ...args.slice(1)];
    }
    this.oninstruction?.(opcode, args);
  }

  private setTunnelState(state: Guacamole.Tunnel.State): void {
    if (this.state === state) return;
    this.state = state;
    this.onstatechange?.(state);
  }
}
