// The shape every pluggable rectangle decoder has (Hextile 5, ZRLE 16, Tight 7), and the per-connection state they share.
import type { ByteReader, PixelSink, Rect } from './types.js';

/**
 * What a decoder keeps for the whole connection. ZRLE's one zlib stream and Tight's four survive
 * from rectangle to rectangle (the server never resets them), so they cannot live in the decoder call.
 */
export interface DecoderState {
  /** Keyed by the decoder that owns the value, e.g. 'zrle' or 'tight:0'..'tight:3'; created on first use. */
  readonly streams: Map<string, unknown>;
}

export function createDecoderState(): DecoderState {
  return { streams: new Map() };
}

/**
 * Reads one rectangle's payload (the 12-byte header is already consumed) and draws it into `sink`.
 * `rect` lies inside the framebuffer (the caller checks). Throw RfbProtocolError for malformed data.
 */
export type RectDecoder = (reader: ByteReader, rect: Rect, sink: PixelSink, state: DecoderState) => Promise<void>;

/** Encoding numbers from RFC 6143 and the rfbproto community spec. */
export const ENCODING = {
  raw: 0,
  copyRect: 1,
  hextile: 5,
  tight: 7,
  zrle: 16,
  desktopSize: -223,
  lastRect: -224,
  cursor: -239,
  qemuExtendedKey: -258,
  extendedDesktopSize: -308,
  /** 0xC0A1E5CE as the signed 32-bit number SetEncodings carries. */
  extendedClipboard: 0xc0a1e5ce | 0,
} as const;
