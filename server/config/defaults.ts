// Default settings of the gateway: used when neither a flag, the environment nor porthole.yaml says otherwise.
export const DEFAULT_LISTEN_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8470;
export const DEFAULT_DATA_DIR = 'data';
/** How long an SSH session outlives its last browser connection (network blips, closed tabs). */
export const DEFAULT_DETACH_GRACE_SECONDS = 300;
/** How long the one-time owner login link printed at start stays valid. */
export const LOGIN_LINK_TTL_MS = 24 * 60 * 60 * 1000;
/** How long a browser login lasts. */
export const LOGIN_SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;
/** Time to wait for a person to answer a host-key or keyboard-interactive question. */
export const QUESTION_TIMEOUT_MS = 3 * 60 * 1000;
/** TCP connect + SSH handshake limit. */
export const SSH_CONNECT_TIMEOUT_MS = 15_000;
/** Recordings older than this are deleted (0: kept until the size limit). */
export const DEFAULT_RECORDING_MAX_AGE_DAYS = 90;
/** All recordings together stay under this; the oldest go first (0: no limit). */
export const DEFAULT_RECORDING_MAX_TOTAL_GB = 20;
/** App capability name for Porthole grants when none is configured (tailscale.com names are reserved). */
export const DEFAULT_TAILSCALE_CAPABILITY = 'porthole.dev/cap/access';
/** Where tailscaled's LocalAPI socket lives: Linux, Synology, QNAP, then the tailscale Docker image's default. */
export const DEFAULT_TAILSCALE_SOCKETS = [
  '/var/run/tailscale/tailscaled.sock',
  '/var/packages/Tailscale/var/tailscaled.sock',
  '/tmp/tailscale/tailscaled.sock',
  '/tmp/tailscaled.sock',
] as const;
