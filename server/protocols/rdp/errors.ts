// Why an RDP connection failed, as the helper or the gateway saw it; desktop-failure.ts turns it into words and a status.
import type { HelperErrorKind } from './helper-protocol.js';

export type RdpErrorKind = HelperErrorKind | 'helper-crashed' | 'helper-missing';

export class RdpError extends Error {
  override name = 'RdpError';
  constructor(
    readonly kind: RdpErrorKind,
    message: string,
  ) {
    super(message);
  }
}
