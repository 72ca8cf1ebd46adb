// Opens a recording file as the text it holds, sealed or plain: what the player, downloads and search read.
import { createReadStream } from 'node:fs';
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

/**
 * A sealed file's header is opened before any byte is streamed, so a file made under another key fails here with
 * a clear error, not halfway through a response. A record cut by a crash (always the last) is left out.
 */
export async function openRecordingReader(path: string, fileName: string, box: SecretBox | undefined): Promise<RecordingReader> {
  const handle = await open(path, 'r');
  let size: number;
  let head: Buffer;
  try {
    size = (await handle.stat()).size;
    head = Buffer.alloc(Math.min(size, MAX_HEADER_BYTES));
    if (head.length) await handle.read(head, 0, head.length, 0);
  } finally {
    await handle.close();
  }
  if (!isSealed(head)) {
    if (size === 0) return { stream: Readable.from([]), bytesRead: () => 0 };
    const file = createReadStream(path, { start: 0, end: size - 1 });
    return { stream: file, bytesRead: () => file.bytesRead };
  }
  const newline = head.indexOf(0x0a);
  if (newline < 0) throw new SealedRecordingError('the recording file has a damaged header');
  if (!box) throw new SealedRecordingError('the recording is sealed and no gateway key was given to open it');
  const unsealer = openSealedHeader(head.toString('latin1', 0, newline), box, fileName);
  const start = newline + 1;
  if (start >= size) return { stream: Readable.from([]), bytesRead: () => start };
  const file = createReadStream(path, { start, end: size - 1 });
  const plain = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      try {
        for (const record of unsealer.push(chunk)) this.push(record);
        done();
      } catch (error) {
        done(error as Error);
      }
    },
  });
  // Either side failing ends both; the error surfaces on `plain`, which is what readers hold.
  pipeline(file, plain, () => {});
  return { stream: plain, bytesRead: () => start + file.bytesRead };
}
