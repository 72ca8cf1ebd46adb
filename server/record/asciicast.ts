// asciicast v2, the terminal recording format: a JSON header line, then one JSON array per event. Pure: no I/O.

/** The header's fields: asciicast v2's own, and those of Tailscale's SSH recordings where they apply (tailscale.md). */
export interface AsciicastHeader {
  version: 2;
  width: number;
  height: number;
  /** Unix seconds. */
  timestamp: number;
  title?: string;
  env?: Record<string, string>;
  /** Tailscale's names: the device the person came from, their login, the remote account, and our session id. */
  srcNode?: string;
  srcNodeUser?: string;
  srcNodeTags?: string[];
  sshUser?: string;
  localUser?: string;
  connectionID?: string;
  [key: string]: unknown;
}

/** o: output, i: input (typed), r: resize ("COLSxROWS"), m: marker. */
export type AsciicastEventType = 'o' | 'i' | 'r' | 'm';
export type AsciicastEvent = [seconds: number, type: AsciicastEventType, data: string];

export function encodeHeader(header: AsciicastHeader): string {
  return `${JSON.stringify(header)}\n`;
}

/** Microsecond precision is what asciinema writes; more only bloats the file. */
export function encodeEvent(seconds: number, type: AsciicastEventType, data: string): string {
  return `${JSON.stringify([Math.round(seconds * 1e6) / 1e6, type, data])}\n`;
}

export class AsciicastParseError extends Error {
  override name = 'AsciicastParseError';
}

export interface ParsedAsciicast {
  header: AsciicastHeader;
  events: AsciicastEvent[];
  /** A last line cut short (the gateway was killed mid-write) was dropped. */
  truncated: boolean;
}

export function parseHeader(line: string): AsciicastHeader {
  let header: unknown;
  try {
    header = JSON.parse(line);
  } catch {
    throw new AsciicastParseError('the first line is not JSON');
  }
  const h = header as Partial<AsciicastHeader> | null;
  if (!h || typeof h !== 'object' || h.version !== 2 || !Number.isInteger(h.width) || !Number.isInteger(h.height)) {
    throw new AsciicastParseError('not an asciicast v2 header');
  }
  return h as AsciicastHeader;
}

/** One event line, or null for a line that is not a well-formed event. */
export function parseEvent(line: string): AsciicastEvent | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (!Array.isArray(value) || value.length !== 3) return null;
  const [seconds, type, data] = value as unknown[];
  if (typeof seconds !== 'number' || !Number.isFinite(seconds) || typeof data !== 'string') return null;
  if (type !== 'o' && type !== 'i' && type !== 'r' && type !== 'm') return null;
  return [seconds, type, data];
}

/**
 * A whole recording. Only the last line may be incomplete (a crash mid-write): it is dropped and reported;
 * a bad line anywhere else means the file is not what we wrote.
 */
export function parseAsciicast(text: string): ParsedAsciicast {
  const lines = text.split('\n');
  const last = lines.pop();
  let truncated = last !== undefined && last !== '';
  if (lines.length === 0) {
    if (truncated) throw new AsciicastParseError('the header line is incomplete');
    throw new AsciicastParseError('the file is empty');
  }
  const header = parseHeader(lines[0]!);
  const events: AsciicastEvent[] = [];
  for (let i = 1; i < lines.length; i++) {
    const event = parseEvent(lines[i]!);
    if (!event) throw new AsciicastParseError(`line ${i + 1} is not an asciicast event`);
    events.push(event);
  }
  if (truncated && last !== undefined) {
    const event = parseEvent(last);
    if (event) {
      events.push(event);
      truncated = false;
    }
  }
  return { header, events, truncated };
}
