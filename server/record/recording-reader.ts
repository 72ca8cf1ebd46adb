// Opens a recording file as the text it holds, sealed or plain: what the player, downloads and search read.
import { open } from 'node:fs/promises';
import { Readable, Transform, pipeline } from 'node:stream';
import type { SecretBox } from '../crypto/secret-box.js';
import { isSealed, MAX_HEADER_BYTES, openSealedHeader, SealedRecordingError } from './sealed-records.js';

export interface RecordingReader {
  /** The recording's plaintext, up to what the file held when it was opened (a live one keeps growing). */
  readonly stream: Readable;
  /** Bytes of the file read so far: a search budgets by what it costs the disk. */
  bytesRead(): number;
}

/** What the index knows of the file, which the file must bear out. */
export interface ExpectedRecording {
  /** The file was sealed when written: a plain file in its place was put there, and is refused. */
  sealed: boolean;
  /** The recording was closed properly: a sealed file must end in its last-record mark (nothing cut off its end). */
  finished: boolean;
  /**
   * An unfinished recording (interrupted, failed, or still being written) may end in damage: a power cut can leave
   * garbage after the last synced write. Its text ends there, and this says why; a finished one's stream errors.
   */
  onDamagedTail?: (error: SealedRecordingError) => void;
}

/**
 * A sealed file's header is opened before any byte is streamed, so a file made under another key fails here with
 * a clear error, not halfway through a response. One file handle serves the header and the body, so a file
 * replaced or deleted meanwhile cannot mix two files' bytes.
 */
export async function openRecordingReader(path: string, fileName: string, box: SecretBox | undefined, expected: ExpectedRecording): Promise<RecordingReader> {
  const handle = await open(path, 'r');
  let start = 0;
  let size = 0;
  let unsealer: ReturnType<typeof openSealedHeader> | null = null;
  try {
    size = (await handle.stat()).size;
    const head = Buffer.alloc(Math.min(size, MAX_HEADER_BYTES));
    if (head.length) await handle.read(head, 0, head.length, 0);
    if (isSealed(head)) {
      const newline = head.indexOf(0x0a);
      if (newline < 0) throw new SealedRecordingError('the recording file has a damaged header');
      if (!box) throw new SealedRecordingError('the recording is sealed and no gateway key was given to open it');
      unsealer = openSealedHeader(head.toString('latin1', 0, newline), box, fileName);
      start = newline + 1;
    } else if (expected.sealed) {
      throw new SealedRecordingError('the recording was sealed, but its file is not: it was replaced, so it is not served');
    }
  } catch (error) {
    await handle.close();
    throw error;
  }
  if (start >= size && !(unsealer && expected.finished)) {
    await handle.close();
    return { stream: Readable.from([]), bytesRead: () => start };
  }
  const file = handle.createReadStream({ start, end: Math.max(start, size - 1), autoClose: true });
  if (!unsealer) return { stream: file, bytesRead: () => file.bytesRead };
  const records = unsealer;
  let damaged = false;
  const plain = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      if (damaged) return done();
      try {
        records.push(chunk, (record) => this.push(record));
        done();
      } catch (error) {
        if (expected.finished || !(error instanceof SealedRecordingError)) return done(error as Error);
        damaged = true;
        expected.onDamagedTail?.(error);
        done();
      }
    },
    flush(done) {
      if (expected.finished && (!records.ended || records.pendingBytes > 0)) {
        return done(new SealedRecordingError('the recording was finished, but records are missing from its end: the file was cut or altered'));
      }
      done();
    },
  });
  // Either side failing ends both; the error surfaces on `plain`, which is what readers hold.
  pipeline(file, plain, () => {});
  return { stream: plain, bytesRead: () => start + file.bytesRead };
}
