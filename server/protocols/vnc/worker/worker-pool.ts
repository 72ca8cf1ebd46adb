// Keeps one VNC worker thread started ahead of need: loading the decoders takes longer than a desktop may wait for its first frame.
import { Worker } from 'node:worker_threads';

// Under tsx or vitest this module is TypeScript, and so is the worker: it needs the same loader.
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const WORKER_URL = new URL(FROM_SOURCE ? './vnc-worker.ts' : './vnc-worker.js', import.meta.url);

function spawn(): Worker {
  if (!FROM_SOURCE) return new Worker(WORKER_URL);
  // From source a tiny bootstrap registers tsx's loader in the thread first.
  return new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(WORKER_URL.href)}); })`, { eval: true });
}

export class WorkerPool {
  private spare: Worker | undefined;
  private closed = false;
  private readonly alive = new WeakSet<Worker>();

  /** A started worker, waiting for its `init` message; another is started for the next caller. */
  take(): Worker {
    if (this.closed) throw new Error('the VNC worker pool is closed');
    // A spare that died while idle (its exit already fired) is replaced, not handed out.
    const spare = this.spare && this.alive.has(this.spare) ? this.spare : undefined;
    const worker = spare ?? spawn();
    this.spare = undefined;
    this.warm();
    return worker;
  }

  /** Starts the spare now (at gateway start), so even the first desktop finds one ready. */
  warm(): void {
    if (this.closed || this.spare) return;
    const spare = spawn();
    this.alive.add(spare);
    // A spare that dies while idle is simply replaced on the next take().
    spare.once('exit', () => {
      this.alive.delete(spare);
      if (this.spare === spare) this.spare = undefined;
    });
    spare.on('error', () => {});
    spare.unref();
    this.spare = spare;
  }

  close(): Promise<void> {
    this.closed = true;
    const spare = this.spare;
    this.spare = undefined;
    return spare ? spare.terminate().then(() => undefined) : Promise.resolve();
  }
}
