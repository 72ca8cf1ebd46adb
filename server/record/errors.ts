// Why a session could not be recorded: with the host's policy at "required", the session does not start.

export class RecordingUnavailableError extends Error {
  override name = 'RecordingUnavailableError';
  constructor(
    readonly hostName: string,
    override readonly cause: Error,
  ) {
    super(`${hostName} requires a recording, and the gateway cannot write one (${describeDiskError(cause)}), so the session was not started`);
  }
}

/** The disk's refusal in words a homelab owner acts on; the errno stays for the log. */
export function describeDiskError(error: Error): string {
  switch ((error as NodeJS.ErrnoException).code) {
    case 'EROFS':
      return 'the recordings directory is on a read-only file system';
    case 'ENOSPC':
      return 'the disk is full';
    case 'EDQUOT':
      return 'the disk quota is used up';
    case 'EACCES':
    case 'EPERM':
      return 'the gateway may not write to the recordings directory';
    case 'ENOENT':
    case 'ENOTDIR':
      return 'the recordings directory does not exist';
    default:
      return error.message;
  }
}
