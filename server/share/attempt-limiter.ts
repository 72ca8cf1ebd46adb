// Counts failed guesses per key (a source, a link) in a sliding window and says how long a blocked key must wait.

export interface AttemptLimit {
  /** Failures allowed within the window; the next attempt is refused until the oldest one ages out. */
  failures: number;
  windowMs: number;
}

/**
 * Pure bookkeeping with an injected clock. Memory is bounded: past `maxKeys` the key with the oldest last
 * failure is forgotten first (an attacker spraying sources can only free others' slots, never block them).
 */
export class AttemptLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit: AttemptLimit,
    private readonly now: () => number,
    private readonly maxKeys = 10_000,
  ) {}

  /** Milliseconds until `key` may try again; 0 when it may try now. */
  retryAfter(key: string): number {
    const recent = this.recent(key);
    if (recent.length < this.limit.failures) return 0;
    return Math.max(1, recent[recent.length - this.limit.failures]! + this.limit.windowMs - this.now());
  }

  fail(key: string): void {
    const recent = this.recent(key);
    recent.push(this.now());
    // Only the newest `failures` timestamps matter for the decision.
    if (recent.length > this.limit.failures) recent.splice(0, recent.length - this.limit.failures);
    this.failures.delete(key); // re-insert: Map order is then oldest-last-failure first
    this.failures.set(key, recent);
    if (this.failures.size > this.maxKeys) this.failures.delete(this.failures.keys().next().value!);
  }

  /** Takes back the newest failure (an attempt counted up front that turned out right). */
  forgive(key: string): void {
    this.failures.get(key)?.pop();
  }

  /** A success clears the key's record (a person who finally typed the right passcode starts afresh). */
  reset(key: string): void {
    this.failures.delete(key);
  }

  private recent(key: string): number[] {
    const since = this.now() - this.limit.windowMs;
    return (this.failures.get(key) ?? []).filter((t) => t > since);
  }
}
