// Experiment, not server code: on flow-control resume, hand over the channel's backlog (up to ssh2's 2 MiB window) in
// 64 KiB reads, 256 KiB per event-loop turn, instead of stream.resume() draining it all in one synchronous burst.
// Try it: BENCH_GATEWAY_NODE_ARGS="--import ./bench/experiments/sliced-resume.ts" npm run bench (patches private methods).
import type { Readable } from 'node:stream';
import { TerminalSession } from '../../server/sessions/terminal-session.js';

type Session = { gate: { isPaused: boolean }; isClosed: boolean };
const proto = TerminalSession.prototype as unknown as { wireStream(shell: { stream: Readable }): void };
const original = proto.wireStream;

proto.wireStream = function (this: Session, shell) {
  original.call(this, shell);
  const session = this;
  const stream = shell.stream;
  const rawResume = stream.resume.bind(stream);
  let draining = false;
  stream.resume = function () {
    if (draining) return stream;
    draining = true;
    const step = () => {
      if (session.gate.isPaused || session.isClosed) {
        draining = false;
        return;
      }
      // read() emits 'data' even while paused, so the session's own listener forwards each slice.
      for (let budget = 256 * 1024; budget > 0 && stream.readableLength > 0; ) {
        const chunk = stream.read(Math.min(64 * 1024, stream.readableLength)) as Buffer | null;
        if (!chunk) break;
        budget -= chunk.length;
      }
      if (stream.readableLength > 0) setImmediate(step);
      else {
        draining = false;
        if (!session.gate.isPaused) rawResume();
      }
    };
    step();
    return stream;
  };
};
process.stderr.write('experiment: sliced-resume active\n');
