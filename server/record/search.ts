// Full-text search of one terminal recording: replays its output (and typed input, if kept) into lines and finds the text.
import { createInterface } from 'node:readline';
import { parseEvent, parseHeader } from './asciicast.js';
import type { RecordingReader } from './recording-reader.js';
import { TerminalText, type TextLine } from './terminal-text.js';

export interface CastMatch {
  /** Seconds from the start when the matching line was finished (a command: when Enter was pressed). */
  at: number;
  line: string;
  stream: 'output' | 'input';
}

const MAX_LINE_SHOWN = 300;

/**
 * Case-insensitive. Reads the file as it was when opened, so a recording still being written (or cut by a crash)
 * is searched up to its last whole line. Stops early (`complete: false`) past `maxBytes` of the file, once
 * `signal` aborts (the person gave up waiting), or where the file turns out damaged.
 */
export async function searchCast(
  reader: RecordingReader,
  query: string,
  limit: number,
  maxBytes = Infinity,
  signal?: AbortSignal,
): Promise<{ matches: CastMatch[]; complete: boolean }> {
  const needle = query.toLowerCase();
  const matches: CastMatch[] = [];
  const found = (stream: CastMatch['stream']) => (line: TextLine) => {
    if (matches.length < limit && line.text.toLowerCase().includes(needle)) matches.push({ at: line.at, line: excerpt(line.text, needle), stream });
  };
  const output = new TerminalText(found('output'));
  // Typed keys are not wrapped by any screen: one line per Enter.
  const input = new TerminalText(found('input'), Number.MAX_SAFE_INTEGER);
  const file = reader.stream.setEncoding('utf8');
  const lines = createInterface({ input: file, crlfDelay: Infinity });
  let first = true;
  let complete = true;
  try {
    for await (const text of lines) {
      if (first) {
        first = false;
        output.resize(parseHeader(text).width);
        continue;
      }
      const event = parseEvent(text);
      if (!event) continue; // the last line of a recording cut short
      const [at, type, data] = event;
      if (type === 'o') output.feed(data, at);
      else if (type === 'r') output.resize(Number.parseInt(data, 10));
      else if (type === 'i') input.feed(data.replace(/\r/g, '\n'), at);
      if (matches.length >= limit) break;
      if (reader.bytesRead() > maxBytes || signal?.aborted) {
        complete = false;
        break;
      }
    }
  } catch {
    // The file failed partway (damaged or altered; its reader reports why): what was read before still counts.
    complete = false;
  }
  try {
    output.flush();
    input.flush();
  } finally {
    lines.close();
    file.destroy();
  }
  return { matches, complete };
}

/** A long line is cut around the match, so the hit stays readable. */
function excerpt(text: string, needle: string): string {
  if (text.length <= MAX_LINE_SHOWN) return text;
  const at = text.toLowerCase().indexOf(needle);
  const start = Math.max(0, Math.min(at - 100, text.length - MAX_LINE_SHOWN));
  return `${start > 0 ? '…' : ''}${text.slice(start, start + MAX_LINE_SHOWN)}${start + MAX_LINE_SHOWN < text.length ? '…' : ''}`;
}
