// Makes a fetched asciicast v2 file safe to play: drops lines cut short by a crash or a live writer, and reads the header (pure).

export interface AsciicastInfo {
  /** The header and every complete event line, newline-terminated. */
  text: string;
  width: number;
  height: number;
  /** Whether any typed input ("i" events) is in the file. */
  hasInput: boolean;
  /** Seconds of the last complete event. */
  duration: number;
  /** Event lines left out because they do not parse (normally just a last line cut mid-way). */
  dropped: number;
}

export class AsciicastError extends Error {
  override name = 'AsciicastError';
}

/** Throws AsciicastError, in words, when the header is missing or not asciicast v2. */
export function prepareAsciicast(raw: string): AsciicastInfo {
  const [first = '', ...rest] = raw.split('\n');
  const header = parseHeader(first);
  const kept = [first];
  let hasInput = false;
  let duration = 0;
  let dropped = 0;
  for (const line of rest) {
    if (!line.trim()) continue;
    const event = parseEvent(line);
    if (!event) {
      dropped += 1;
      continue;
    }
    kept.push(line);
    if (event[1] === 'i') hasInput = true;
    duration = Math.max(duration, event[0]);
  }
  return { text: `${kept.join('\n')}\n`, width: header.width, height: header.height, hasInput, duration, dropped };
}

function parseEvent(line: string): [number, string, unknown] | null {
  try {
    const event: unknown = JSON.parse(line);
    return Array.isArray(event) && event.length >= 3 && typeof event[0] === 'number' && typeof event[1] === 'string' ? (event as [number, string, unknown]) : null;
  } catch {
    return null;
  }
}

function parseHeader(line: string): { width: number; height: number } {
  let header: unknown;
  try {
    header = JSON.parse(line);
  } catch {
    throw new AsciicastError(line.trim() ? 'The recording does not start with an asciicast header.' : 'The recording is empty.');
  }
  if (typeof header !== 'object' || header === null) throw new AsciicastError('The recording does not start with an asciicast header.');
  const { version, width, height } = header as { version?: unknown; width?: unknown; height?: unknown };
  if (version !== 2) throw new AsciicastError(`The recording is not asciicast version 2 (its version is ${JSON.stringify(version ?? null)}).`);
  if (typeof width !== 'number' || typeof height !== 'number' || width < 1 || height < 1) throw new AsciicastError('The recording header has no terminal size.');
  return { width, height };
}
