// Decodes RFC 2047 encoded-words, as `tailscale serve` uses for non-ASCII Tailscale-User-Name values.

const ENCODED_WORD = /=\?([^?\s]+)\?([QqBb])\?([^?\s]*)\?=/g;

function decodeWord(charset: string, encoding: string, text: string): string | undefined {
  const label = charset.toLowerCase().split('*')[0]!;
  let bytes: Uint8Array;
  if (encoding.toUpperCase() === 'B') {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text)) return undefined;
    bytes = Buffer.from(text, 'base64');
  } else {
    // Q: "_" is a space, "=XX" a byte; everything else stands for itself.
    const out: number[] = [];
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (c === '_') out.push(0x20);
      else if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
        out.push(parseInt(text.slice(i + 1, i + 3), 16));
        i += 2;
      } else out.push(c.charCodeAt(0) & 0xff);
    }
    bytes = Uint8Array.from(out);
  }
  try {
    return new TextDecoder(label, { fatal: true }).decode(bytes);
  } catch {
    return undefined; // unknown charset or invalid bytes: keep the raw text rather than guess
  }
}

/** Plain text passes through; whitespace between two encoded-words is dropped, as the RFC says. */
export function decodeRfc2047(value: string): string {
  return value
    .replace(/(\?=)\s+(=\?)/g, '$1$2')
    .replace(ENCODED_WORD, (raw, charset: string, encoding: string, text: string) => decodeWord(charset, encoding, text) ?? raw);
}
