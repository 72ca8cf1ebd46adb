// The VNC client's public face: connect, the connection and its events, errors with kinds, the decoder contract.
export { connectRfb, type RfbConnectOptions } from './rfb-client.js';
export { RfbConnection, type RfbEvents, type SinkFactory } from './connection.js';
export { RfbAuthError, RfbError, rfbErrorKind, type RfbAuthErrorKind, type RfbErrorKind } from './errors.js';
export type { FramebufferChange } from './framebuffer-update.js';
export type { RfbCursor } from './cursor.js';
export type { TlsCertificateCheck } from './vencrypt.js';
export { createDecoderState, ENCODING, type DecoderState, type RectDecoder } from './encodings/decoder.js';
export { BYTES_PER_PIXEL, GATEWAY_PIXEL_FORMAT, RfbProtocolError, type ByteReader, type PixelSink, type Rect } from './encodings/types.js';
