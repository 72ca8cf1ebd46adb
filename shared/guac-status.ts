// Guacamole status codes the desktop tunnel closes with (decimal on the wire), and the stage instruction only Porthole sends.

export const GuacStatus = {
  success: 0x0000,
  unsupported: 0x0100,
  serverError: 0x0200,
  upstreamTimeout: 0x0202,
  upstreamError: 0x0203,
  resourceNotFound: 0x0204,
  upstreamNotFound: 0x0207,
  upstreamUnavailable: 0x0208,
  sessionClosed: 0x020b,
  clientBadRequest: 0x0300,
  clientUnauthorized: 0x0301,
  clientForbidden: 0x0303,
  clientTooMany: 0x031d,
} as const;

/** Sent before the first frame: `porthole-stage,<resolving|connecting|authenticating|starting>`; the stock client ignores it. */
export const STAGE_OPCODE = 'porthole-stage';

/** Sent once a viewer joins: `porthole-role,<owner|control|view>`; a read-only page hides its input controls. */
export const ROLE_OPCODE = 'porthole-role';

/** To the owner only, on every join and leave: `porthole-viewers,<JSON SessionViewerInfo[]>`. */
export const VIEWERS_OPCODE = 'porthole-viewers';

/** To every viewer, when it changes and after joining: `porthole-recording,<1|0>`: the session is being recorded. */
export const RECORDING_OPCODE = 'porthole-recording';
