// An append-only file that survives a crash: writes batched a few times a second, fdatasync about once a second, sealed if asked.
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

export interface DurableAppenderOptions {
  /** Pending bytes are written at least this often (a kill -9 loses at most this much of the newest data). */
  writeIntervalMs?: number;
  /** A write or sync unanswered this long fails the recording (a stalled disk must not pass for a recording). */
  stallMs?: number;
  /** Written data is forced to the disk at least this often (a power cut loses at most this much). */
  syncIntervalMs?: number;
  /** Above this many pending bytes a write starts at once rather than at the next tick. */
  writeThresholdBytes?: number;
  /** A disk this far behind (stalled, or far slower than the session) fails the recording rather than grow memory. */
  maxPendingBytes?: number;
  /** The first failed write or sync: the file is closed, later appends are dropped. */
  onError?: (error: Error) => void;
  /** Encrypts the file: its header first, then each write sealed as one record (see sealed-records.ts). */
  sealer?: Sealer;
}

export interface Sealer {
  readonly header: Buffer;
  seal(data: Buffer): Buffer;
  /** Written last by close(): the mark of a file closed properly. */
  end(): Buffer;
}

const DEFAULTS = {
  writeIntervalMs: 200,
  syncIntervalMs: 1_000,
  writeThresholdBytes: 256 * 1024,
  maxPendingBytes: 64 * 1024 * 1024,
  /** A write or sync still unanswered after this (a hung network mount, a dying disk) fails the recording. */
  stallMs: 30_000,
};
/** close() waits this long for a write the disk never answers, then gives up on it. */
const CLOSE_WAIT_MS = 5_000;

export class DurableAppender {
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private writing: Promise<void> | null = null;
  private writingSince = 0;
  /** The sync runs beside the writes, not between them: a slow fdatasync must not hold newer data in memory. */
  private syncing: Promise<void> | null = null;
  private syncingSince = 0;
  private timer: NodeJS.Timeout | undefined;
  private lastSync = Date.now();
  private unsynced = false;
  private closing: Promise<void> | null = null;
  private error: Error | null = null;
  private drainWaiters: (() => void)[] = [];
  /** Bytes handed to the file (written or pending). */
  bytes = 0;
  private readonly options: typeof DEFAULTS & Pick<DurableAppenderOptions, 'onError' | 'sealer'>;

  private constructor(
    private readonly handle: FileHandle,
    readonly path: string,
    options: DurableAppenderOptions,
  ) {
    this.options = { ...DEFAULTS, ...options };
    this.timer = setInterval(() => this.tick(), Math.min(this.options.writeIntervalMs, this.options.syncIntervalMs));
    this.timer.unref();
  }

  /**
   * Creates the file (never overwrites one), writes `head` and forces it to the disk before returning, so a
   * caller that requires the recording learns now, not mid-session, that the disk refuses it.
   */
  static async create(path: string, head: string | Buffer, options: DurableAppenderOptions = {}): Promise<DurableAppender> {
    const handle = await open(path, 'wx', 0o600);
    try {
      const plain = typeof head === 'string' ? Buffer.from(head) : head;
      const data = options.sealer ? Buffer.concat([options.sealer.header, ...(plain.length ? [options.sealer.seal(plain)] : [])]) : plain;
      await handle.write(data);
      await handle.datasync();
      await syncDirectory(dirname(path));
      const appender = new DurableAppender(handle, path, options);
      appender.bytes = data.length;
      return appender;
    } catch (error) {
      await handle.close().catch(() => {});
      throw error;
    }
  }

  get failed(): Error | null {
    return this.error;
  }

  /** Bytes appended but not yet written. */
  get backlog(): number {
    return this.pendingBytes;
  }

  append(data: string | Buffer): void {
    if (this.error || this.closing) return;
    const buffer = typeof data === 'string' ? Buffer.from(data) : data;
    this.pending.push(buffer);
    this.pendingBytes += buffer.length;
    this.bytes += buffer.length;
    if (this.pendingBytes > this.options.maxPendingBytes) return this.fail(new Error(`the recording disk fell ${this.pendingBytes} bytes behind`));
    if (this.pendingBytes >= this.options.writeThresholdBytes) this.startWrite();
  }

  /** Resolves once what is pending now has been written (the desktop recorder paces itself by this). */
  drained(): Promise<void> {
    if (this.pendingBytes === 0 && !this.writing) return Promise.resolve();
    return new Promise((resolve) => this.drainWaiters.push(resolve));
  }

  /** Writes what is pending, forces it to the disk and closes the file. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      clearInterval(this.timer);
      const flushed = (async () => {
        while (this.writing || (this.pendingBytes > 0 && !this.error)) {
          if (!this.writing) this.startWrite();
          await this.writing;
        }
        const { sealer } = this.options;
        if (sealer && !this.error) {
          await writeWhole(this.handle, sealer.end()).then(
            (written) => {
              this.bytes += written;
              this.unsynced = true;
            },
            (e: unknown) => this.fail(asError(e)),
          );
        }
        await this.syncing;
        if (!this.error && this.unsynced) await this.handle.datasync().catch((e: unknown) => this.fail(asError(e)));
      })();
      // A disk that never answers must not hold up the session's end or the gateway's shutdown.
      let timer: NodeJS.Timeout | undefined;
      const gaveUp = new Promise<'gave-up'>((resolve) => (timer = setTimeout(() => resolve('gave-up'), CLOSE_WAIT_MS)));
      if ((await Promise.race([flushed, gaveUp])) === 'gave-up') this.fail(new Error('the recording disk stopped responding'));
      clearTimeout(timer);
      await this.handle.close().catch(() => {});
      this.releaseWaiters();
    })();
    return this.closing;
  }

  private tick(): void {
    if (this.error) return;
    const now = Date.now();
    const stalled = (this.writing && now - this.writingSince > this.options.stallMs) || (this.syncing && now - this.syncingSince > this.options.stallMs);
    if (stalled) return this.fail(new Error('the recording disk stopped responding'));
    if (this.pendingBytes > 0) this.startWrite();
    this.startSyncIfDue();
  }

  /**
   * Forces written data to the disk when the last sync is a second old. Writes go on meanwhile: a
   * crashed process loses only what it had not written yet (the page cache outlives it); a power cut,
   * what was written since the last sync.
   */
  private startSyncIfDue(): void {
    if (this.syncing || this.error || this.closing || !this.unsynced || Date.now() - this.lastSync < this.options.syncIntervalMs) return;
    // A write that completes during this sync marks the file unsynced again, for the next one.
    this.unsynced = false;
    this.syncingSince = Date.now();
    this.syncing = this.handle
      .datasync()
      .then(
        () => void (this.lastSync = Date.now()),
        (e: unknown) => this.fail(asError(e)),
      )
      .finally(() => (this.syncing = null));
  }

  /** One write at a time, in order. */
  private startWrite(): void {
    if (this.writing || this.error) return;
    const chunks = this.pending;
    const size = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    this.writingSince = Date.now();
    this.writing = (async () => {
      try {
        if (size > 0) {
          const plain = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
          const data = this.options.sealer ? this.options.sealer.seal(plain) : plain;
          // `bytes` counted the plaintext at append; a sealed write adds its length and tag.
          this.bytes += data.length - plain.length;
          await writeWhole(this.handle, data);
          this.unsynced = true;
        }
        this.startSyncIfDue();
      } catch (error) {
        this.fail(asError(error));
      } finally {
        this.writing = null;
        if (this.pendingBytes === 0) this.releaseWaiters();
      }
    })();
  }

  private releaseWaiters(): void {
    for (const resolve of this.drainWaiters.splice(0)) resolve();
  }

  private fail(error: Error): void {
    if (this.error) return;
    this.error = error;
    this.pending = [];
    this.pendingBytes = 0;
    clearInterval(this.timer);
    this.releaseWaiters();
    this.options.onError?.(error);
  }
}

async function writeWhole(handle: FileHandle, data: Buffer): Promise<number> {
  let at = 0;
  while (at < data.length) at += (await handle.write(data, at, data.length - at)).bytesWritten;
  return data.length;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/** A new file's name is durable only once its directory is synced too (a crash could otherwise lose the file itself). */
async function syncDirectory(path: string): Promise<void> {
  const dir = await open(path, 'r').catch(() => null);
  if (!dir) return;
  try {
    await dir.sync();
  } catch {
    // Some file systems refuse to sync a directory; the file's own data is synced regardless.
  } finally {
    await dir.close();
  }
}
