// The one error type of server/share: a code the HTTP layer maps to a status, and a message for people.
import type { GuestRefusal } from '../../shared/share-types.js';

export type ShareErrorCode = GuestRefusal | 'forbidden' | 'bad-request' | 'conflict';

export class ShareError extends Error {
  override name = 'ShareError';
  constructor(
    readonly code: ShareErrorCode,
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}
