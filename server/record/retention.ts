// Which recordings to delete: older than the age limit, then the oldest while the total is over the size limit. Pure.

export interface RetentionLimits {
  /** Recordings older than this are deleted; 0 keeps them forever. */
  maxAgeMs: number;
  /** Oldest recordings are deleted while all of them together are larger; 0 means no size limit. */
  maxTotalBytes: number;
}

export interface RetainedRecording {
  id: string;
  startedAt: number;
  bytes: number;
  /** Recordings still being written are never deleted (they count towards the total all the same). */
  state: string;
}

/** `recordings` oldest first; returns the ids to delete, oldest first. */
export function recordingsToPrune(recordings: readonly RetainedRecording[], now: number, limits: RetentionLimits): string[] {
  const doomed = new Set<string>();
  let total = recordings.reduce((sum, r) => sum + r.bytes, 0);
  for (const r of recordings) {
    if (r.state === 'recording') continue;
    const tooOld = limits.maxAgeMs > 0 && now - r.startedAt > limits.maxAgeMs;
    const overSize = limits.maxTotalBytes > 0 && total > limits.maxTotalBytes;
    if (!tooOld && !overSize) continue;
    doomed.add(r.id);
    total -= r.bytes;
  }
  return recordings.filter((r) => doomed.has(r.id)).map((r) => r.id);
}
