// Time left on a link, as a ticking countdown ("14:32", "2:05:09", "3 d 4 h"), with a correction for a skewed clock (pure).

/** "m:ss" under an hour, "h:mm:ss" under a day, "N d H h" beyond; never negative. */
export function formatCountdown(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const two = (n: number): string => String(n).padStart(2, '0');
  if (days > 0) return hours > 0 ? `${days} d ${hours} h` : `${days} d`;
  if (hours > 0) return `${hours}:${two(minutes)}:${two(seconds)}`;
  return `${minutes}:${two(seconds)}`;
}

/** A link's length in words: "15 minutes", "1 hour", "90 minutes", "7 days". */
export function durationText(ms: number): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  const unit = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  if (minutes % 1440 === 0) return unit(minutes / 1440, 'day');
  if (minutes % 60 === 0) return unit(minutes / 60, 'hour');
  return unit(minutes, 'minute');
}

/**
 * A clock that agrees with the server's: `serverNow` came with a response received at `localNow`,
 * so a guest whose computer runs minutes off still sees the link end when the server ends it.
 */
export function serverClock(serverNow: number, localNow = Date.now()): (now?: number) => number {
  const offset = serverNow - localNow;
  return (now = Date.now()) => now + offset;
}

/** Milliseconds until `expiresAt` on the server's clock. */
export function timeLeft(expiresAt: number, clock: () => number = Date.now): number {
  return Math.max(0, expiresAt - clock());
}
