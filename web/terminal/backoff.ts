// Delay before the next automatic reconnect: 0.5 s, 1 s, 2 s, 4 s, 8 s, then 10 s (pure).

export const RECONNECT_FIRST_DELAY_MS = 500;
export const RECONNECT_MAX_DELAY_MS = 10_000;

/** `attempt` counts from 0 for the first retry after a drop. */
export function reconnectDelay(attempt: number): number {
  if (!Number.isInteger(attempt) || attempt < 0) throw new RangeError(`attempt must be an integer >= 0, got ${attempt}`);
  // Cap the exponent too, so a very long outage cannot overflow to Infinity.
  return Math.min(RECONNECT_FIRST_DELAY_MS * 2 ** Math.min(attempt, 20), RECONNECT_MAX_DELAY_MS);
}
