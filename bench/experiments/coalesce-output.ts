// Experiment, not server code: coalesce a session's output per event-loop turn (<= 64 KiB) into one WebSocket frame.
// Try it: BENCH_GATEWAY_NODE_ARGS="--import ./bench/experiments/coalesce-output.ts" npm run bench (patches private methods).
import { TerminalSession } from '../../server/sessions/terminal-session.js';

const CAP_BYTES = 64 * 1024;
type Pending = { parts: Buffer[]; bytes: number; scheduled: boolean };
const proto = TerminalSession.prototype as unknown as { broadcastOutput(chunk: Buffer): void };
const original = proto.broadcastOutput;
const pending = new WeakMap<object, Pending>();

function flush(session: object): void {
  const p = pending.get(session)!;
  p.scheduled = false;
  if (p.bytes === 0) return;
  const data = p.parts.length === 1 ? p.parts[0]! : Buffer.concat(p.parts, p.bytes);
  p.parts = [];
  p.bytes = 0;
  original.call(session, data);
}

proto.broadcastOutput = function (this: object, chunk: Buffer) {
  let p = pending.get(this);
  if (!p) pending.set(this, (p = { parts: [], bytes: 0, scheduled: false }));
  p.parts.push(chunk);
  p.bytes += chunk.length;
  if (p.bytes >= CAP_BYTES) flush(this);
  else if (!p.scheduled) {
    p.scheduled = true;
    setImmediate(() => flush(this));
  }
};
process.stderr.write('experiment: coalesce-output active\n');
