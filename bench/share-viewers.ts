// The parent's handle on bench/share-viewers-child.ts: one JSON command out, one JSON answer back, in order.
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { spawnTracked, type Tracked } from './procs.js';
import type { ViewerCommand } from './share-viewers-child.js';

const ROOT = join(import.meta.dirname, '..');

export interface ViewerSummary {
  attached: number;
  passes: number;
  received: number[];
  parsed: number[];
  resyncs: number[];
  /** The viewer process's RSS (the clients' side, for reference). */
  memory: number;
}

export type ViewerAnswer =
  | ({ type: 'attached'; ms: number } & ViewerSummary)
  | ({ type: 'detached'; ms: number } & ViewerSummary)
  | ({ type: 'seen'; at: number[]; stranded: number } & ViewerSummary)
  | ({ type: 'stats' } & ViewerSummary)
  | { type: 'forgot' }
  | { type: 'revoked'; status: number; deleteMs: number; closeMs: number[]; codes: number[]; reasons: string[] };

export interface ViewerProcess {
  pid: number;
  proc: Tracked;
  request<T extends ViewerAnswer['type']>(command: ViewerCommand, timeoutMs?: number): Promise<Extract<ViewerAnswer, { type: T }>>;
  stop(): Promise<void>;
}

/**
 * `nice` > 0 runs the viewer process (all its threads) at that niceness: the guests' browsers would be on other machines,
 * here they share 2 cores with the gateway and the owner's probe.
 */
export async function startViewers(url: string, parse: 'xterm' | 'count', nice = 0): Promise<ViewerProcess> {
  const node = [process.execPath, '--import', 'tsx', join(ROOT, 'bench', 'share-viewers-child.ts'), JSON.stringify({ url, parse })];
  const [command, ...args] = nice > 0 ? ['/usr/bin/nice', '-n', String(nice), ...node] : node;
  const proc = spawnTracked(command!, args, { cwd: ROOT, keepStdout: true });
  const queue: string[] = [];
  const waiting: ((line: string) => void)[] = [];
  createInterface({ input: proc.child.stdout! }).on('line', (line) => {
    const w = waiting.shift();
    if (w) w(line);
    else queue.push(line);
  });
  const nextLine = (timeoutMs: number, what: string) =>
    new Promise<string>((resolve, reject) => {
      const queued = queue.shift();
      if (queued !== undefined) return resolve(queued);
      const timer = setTimeout(() => reject(new Error(`viewer process: no answer to ${what} within ${timeoutMs} ms; stderr: ${proc.output()}`)), timeoutMs);
      waiting.push((line) => {
        clearTimeout(timer);
        resolve(line);
      });
    });
  const hello = JSON.parse(await nextLine(30_000, 'start')) as { pid: number };
  return {
    pid: hello.pid,
    proc,
    async request(command, timeoutMs = 60_000) {
      proc.child.stdin!.write(JSON.stringify(command) + '\n');
      const answer = JSON.parse(await nextLine(timeoutMs, command.cmd)) as ViewerAnswer | { type: 'error'; message: string };
      if (answer.type === 'error') throw new Error(`viewer process, ${command.cmd}: ${answer.message}`);
      return answer as never;
    },
    async stop() {
      proc.child.stdin!.end();
      const timer = setTimeout(() => void proc.stop(), 5_000);
      await proc.exited;
      clearTimeout(timer);
    },
  };
}
