// The sealed recording format (no I/O): a text header holding the file's own key, wrapped by the gateway's, then AES-256-GCM records.
//
//   porthole-sealed-recording v1 <wrapped key> <nonce prefix, hex>\n
//   then, per write: u32 BE plaintext length | ciphertext | 16-byte tag
//   and, once closed: an empty record whose authenticated data marks it the last
//
// Each file has a random key, so record n's nonce (the prefix and n as u64) is never reused under it. A write cut
// by a crash leaves a short last record, which readers of an unfinished recording drop: the same promise as a
// plaintext file's cut last line. A finished one must end in its last-record mark, so records cut off its end are
// noticed, not taken for a shorter session.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { SecretBox } from '../crypto/secret-box.js';

const MAGIC = 'porthole-sealed-recording v1 ';
/** Enough to recognise a sealed file from its first bytes. */
const SEALED_MAGIC_BYTES = MAGIC.length;
/** The header line is far shorter; a longer one is not ours. */
export const MAX_HEADER_BYTES = 1024;
const KEY_BYTES = 32;
const PREFIX_BYTES = 4;
const TAG_BYTES = 16;
const LENGTH_BYTES = 4;
/** A writer seals at most what the appender holds (64 MiB, plus the chunk that crossed it); beyond this is damage. */
const MAX_RECORD_BYTES = 80 * 1024 * 1024;
/** Authenticated data of each record: whether it is the file's last. */
const DATA_RECORD = Buffer.from([0]);
const LAST_RECORD = Buffer.from([1]);

export class SealedRecordingError extends Error {
  override name = 'SealedRecordingError';
}

/** What wraps the file's key: the file name, so a header copied onto another recording does not open. */
function keyContext(fileName: string): string {
  return `recording:${fileName}`;
}

export function isSealed(start: Buffer): boolean {
  return start.length >= SEALED_MAGIC_BYTES && start.toString('latin1', 0, SEALED_MAGIC_BYTES) === MAGIC;
}

function nonce(prefix: Buffer, index: number): Buffer {
  const iv = Buffer.alloc(PREFIX_BYTES + 8);
  prefix.copy(iv, 0);
  iv.writeBigUInt64BE(BigInt(index), PREFIX_BYTES);
  return iv;
}

/** The writing side: one header, then each batch of the file sealed as one record. */
export class RecordSealer {
  readonly header: Buffer;
  private readonly key = randomBytes(KEY_BYTES);
  private readonly prefix = randomBytes(PREFIX_BYTES);
  private next = 0;

  constructor(box: SecretBox, fileName: string) {
    const wrapped = box.encrypt(this.key.toString('base64'), keyContext(fileName));
    this.header = Buffer.from(`${MAGIC}${wrapped} ${this.prefix.toString('hex')}\n`, 'latin1');
  }

  seal(plaintext: Buffer, last = false): Buffer {
    const cipher = createCipheriv('aes-256-gcm', this.key, nonce(this.prefix, this.next++), { authTagLength: TAG_BYTES });
    cipher.setAAD(last ? LAST_RECORD : DATA_RECORD);
    const length = Buffer.alloc(LENGTH_BYTES);
    length.writeUInt32BE(plaintext.length);
    return Buffer.concat([length, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
  }

  /** The mark a file closed properly ends with; nothing may be sealed after it. */
  end(): Buffer {
    return this.seal(Buffer.alloc(0), true);
  }
}

/** Reads the header line (without its newline): the file's key, unwrapped, and its nonce prefix. */
export function openSealedHeader(line: string, box: SecretBox, fileName: string): RecordUnsealer {
  const parts = line.startsWith(MAGIC) ? line.slice(MAGIC.length).split(' ') : [];
  if (parts.length !== 2 || !/^[0-9a-f]{8}$/.test(parts[1]!)) throw new SealedRecordingError('the recording file has a damaged header');
  let key: Buffer;
  try {
    key = Buffer.from(box.decrypt(parts[0]!, keyContext(fileName)), 'base64');
  } catch {
    throw new SealedRecordingError('the recording was sealed under another gateway key (or renamed), so it cannot be opened');
  }
  if (key.length !== KEY_BYTES) throw new SealedRecordingError('the recording file has a damaged header');
  return new RecordUnsealer(key, Buffer.from(parts[1]!, 'hex'));
}

/** The reading side: fed the bytes after the header in any chunks, it hands on each whole record's plaintext, in order. */
export class RecordUnsealer {
  private buffered: Buffer[] = [];
  private bufferedBytes = 0;
  /** The record being gathered: its plaintext length once its length prefix is read, else null. */
  private length: number | null = null;
  private next = 0;
  /** The last-record mark was read: the file was closed properly. */
  ended = false;

  constructor(
    private readonly key: Buffer,
    private readonly prefix: Buffer,
  ) {}

  /** Bytes of a record not yet complete: at the end of a file, a write the crash cut. */
  get pendingBytes(): number {
    return this.bufferedBytes + (this.length === null ? 0 : LENGTH_BYTES);
  }

  /** Calls `emit` with each record completed by `chunk`; throws at the first damaged one (those before it are emitted). */
  push(chunk: Buffer, emit: (plaintext: Buffer) => void): void {
    this.buffered.push(chunk);
    this.bufferedBytes += chunk.length;
    for (;;) {
      if (this.length === null) {
        if (this.bufferedBytes < LENGTH_BYTES) break;
        const length = this.take(LENGTH_BYTES).readUInt32BE(0);
        if (length > MAX_RECORD_BYTES) throw new SealedRecordingError(`the recording file is damaged (a record of ${length} bytes)`);
        this.length = length;
      }
      // Joined only once the whole record is here: a large record read in small chunks is copied once, not per chunk.
      if (this.bufferedBytes < this.length + TAG_BYTES) break;
      if (this.ended) throw new SealedRecordingError('the recording file has data after its end');
      const record = this.take(this.length + TAG_BYTES);
      const plain = this.open(record.subarray(0, this.length), record.subarray(this.length));
      this.length = null;
      if (plain) emit(plain);
    }
  }

  private take(bytes: number): Buffer {
    const data = this.buffered.length === 1 ? this.buffered[0]! : Buffer.concat(this.buffered, this.bufferedBytes);
    const rest = data.subarray(bytes);
    this.buffered = rest.length ? [rest] : [];
    this.bufferedBytes = rest.length;
    return data.subarray(0, bytes);
  }

  /** The record's plaintext, or null for the last-record mark. */
  private open(ciphertext: Buffer, tag: Buffer): Buffer | null {
    const iv = nonce(this.prefix, this.next++);
    // Only an empty record can be the mark: the one case worth a second try.
    for (const aad of ciphertext.length === 0 ? [DATA_RECORD, LAST_RECORD] : [DATA_RECORD]) {
      const decipher = createDecipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(aad);
      decipher.setAuthTag(tag);
      try {
        const plain = Buffer.concat([decipher.update(ciphertext), decipher.final()]);
        if (aad === LAST_RECORD) {
          this.ended = true;
          return null;
        }
        return plain;
      } catch {
        // wrong mark, or altered: tried below
      }
    }
    throw new SealedRecordingError(`the recording file was altered or damaged (record ${this.next - 1} does not authenticate)`);
  }
}
