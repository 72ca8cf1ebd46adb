// The process-wide structured logger (pino); secrets are redacted by path before anything is written.
import { pino, type Logger } from 'pino';

/** Field names that may hold a secret anywhere in a logged object. */
const SECRET_FIELDS = ['password', 'passphrase', 'privateKey', 'token', 'cookie', 'authorization', 'credential', 'answers'];

export function createLogger(options: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  const paths = SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`, `headers.${f}`, `req.headers.${f}`]);
  return pino(
    {
      level: options.level ?? process.env.PORTHOLE_LOG_LEVEL ?? 'info',
      redact: { paths, censor: '[redacted]' },
      base: undefined,
    },
    options.destination ?? process.stdout,
  );
}

export type { Logger };
