// Bounds on every size an RFB server puts on the wire, checked before anything is allocated.

/** Larger than any real monitor wall; 16384² × 4 bytes is already 1 GiB of framebuffer. */
export const MAX_FRAMEBUFFER_SIDE = 16_384;
/** 8K UHD. Beyond this a framebuffer costs over 140 MiB and the image encoder refuses it anyway. */
export const MAX_FRAMEBUFFER_PIXELS = 7680 * 4320;
/** Desktop names are a line of text. */
export const MAX_NAME_BYTES = 64 * 1024;
/** Reason strings from a refusing server are a sentence. */
export const MAX_REASON_BYTES = 64 * 1024;
/** Clipboard text either way; also what we announce as our extended-clipboard maximum. */
export const MAX_CLIPBOARD_BYTES = 10 * 1024 * 1024;
/** Cursor images are at most a few hundred pixels a side even on HiDPI desktops. */
export const MAX_CURSOR_SIDE = 1024;
/** No single read from the socket may ask for more than this (decoders read large payloads in pieces). */
export const MAX_READ_BYTES = 64 * 1024 * 1024;
/** Raw rectangles are read and drawn in strips of about this many bytes, not as one huge buffer. */
export const RAW_STRIP_BYTES = 256 * 1024;
/** Bytes buffered ahead of the reader before the socket is paused. */
export const READ_AHEAD_BYTES = 8 * 1024 * 1024;
