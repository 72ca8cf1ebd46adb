// Splits terminal input into WebSocket-sized frames without cutting a UTF-8 character in two (pure, DOM-free).

/**
 * Returns `bytes` as consecutive slices of at most `maxBytes`, each ending on a UTF-8 character
 * boundary, so the server never sees half a character at a frame edge. Small input comes back as
 * one slice (the common keystroke path allocates nothing new).
 */
export function splitUtf8<B extends ArrayBufferLike>(bytes: Uint8Array<B>, maxBytes: number): Uint8Array<B>[] {
  if (!Number.isInteger(maxBytes) || maxBytes < 4) {
    // Below 4 a single character might not fit in any frame.
    throw new RangeError(`maxBytes must be an integer >= 4, got ${maxBytes}`);
  }
  if (bytes.length <= maxBytes) return [bytes];
  const chunks: Uint8Array<B>[] = [];
  let start = 0;
  while (start < bytes.length) {
    let end = Math.min(start + maxBytes, bytes.length);
    if (end < bytes.length) {
      // Step back while the first byte of the next chunk would be a continuation byte (10xxxxxx).
      let cut = end;
      while (cut > start && isContinuation(bytes[cut]!)) cut -= 1;
      // Only malformed input (no lead byte in the window) leaves cut at start; cut hard then.
      if (cut > start) end = cut;
    }
    chunks.push(bytes.subarray(start, end));
    start = end;
  }
  return chunks;
}

function isContinuation(byte: number): boolean {
  return (byte & 0b1100_0000) === 0b1000_0000;
}
