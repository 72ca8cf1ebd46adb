// Every recording of this gateway: starts them per host policy, indexes them, finds text in them, and prunes them by age and size.
import { mkdir, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordingView } from '../../shared/recording-types.js';
import { GATEWAY_ACTOR, type AuditActor, type AuditLog } from '../audit/audit-log.js';
import type { SecretBox } from '../crypto/secret-box.js';
import type { Logger } from '../log.js';
import type { HostRecord, RecordingFilter, RecordingRecord, RecordingStore } from '../store/types.js';
import { encodeHeader, type AsciicastHeader } from './asciicast.js';
import { DesktopRecorder } from './desktop-recorder.js';
import { DurableAppender } from './durable-appender.js';
import { describeDiskError, RecordingUnavailableError } from './errors.js';
import { openRecordingReader, type RecordingReader } from './recording-reader.js';
import { recordingsToPrune, type RetentionLimits } from './retention.js';
import { RecordSealer, SealedRecordingError } from './sealed-records.js';
import { searchCast, type CastMatch } from './search.js';
import { TerminalRecorder } from './terminal-recorder.js';

const HOUR_MS = 60 * 60 * 1000;
/** A search reads at most this much (newest recordings first) and says so when it stopped early. */
const SEARCH_BYTES_BUDGET = 512 * 1024 * 1024;
/** Searches replay text on the event loop: a few at a time, so a burst of them cannot starve live sessions. */
const MAX_CONCURRENT_SEARCHES = 2;

export class SearchBusyError extends Error {
  override name = 'SearchBusyError';
}

export interface RecordingServiceOptions {
  store: RecordingStore;
  /** Where recording files live (created 0700 if missing). */
  dir: string;
  log: Logger;
  audit?: AuditLog;
  retention: RetentionLimits;
  now?: () => number;
  /** How often retention runs besides start-up and after each recording (tests pass small values). */
  pruneIntervalMs?: number;
  /** The gateway's key: sealed recordings are opened with it (each file has its own key, wrapped by this one). */
  secretBox?: SecretBox;
  /** Seal new recordings under secretBox (default: whenever there is one). */
  encrypt?: boolean;
}

/** What a session tells the service about itself when it starts. */
export interface RecordedSessionFacts {
  sessionId: string;
  host: HostRecord;
  opener: AuditActor;
  width: number;
  height: number;
}

/** A recording in progress, owned by its session: the session ends it (or the service fails it). */
export interface Recording<Recorder> {
  readonly id: string;
  readonly recorder: Recorder;
  /** Closes the file (everything written and synced) and indexes how the session ended. */
  end(reason: string): Promise<void>;
}

interface Active {
  record: RecordingRecord;
  file: DurableAppender;
  ended: Promise<void> | null;
}

export class RecordingService {
  private readonly active = new Map<string, Active>();
  private pruneTimer: NodeJS.Timeout | undefined;
  private pruning: Promise<void> | null = null;
  private searches = 0;
  /** Recordings whose damage is already in the audit log (each fetch would find it again). */
  private readonly reportedDamage = new Set<string>();
  private readonly now: () => number;

  constructor(private readonly options: RecordingServiceOptions) {
    this.now = options.now ?? Date.now;
  }

  get dir(): string {
    return this.options.dir;
  }

  /**
   * Creates the directory, marks recordings the last run left open as interrupted (their files hold
   * everything up to the last sync), prunes, and keeps pruning. A directory that cannot be created is
   * logged, not fatal: hosts that require recordings refuse their sessions with the reason.
   */
  async start(): Promise<void> {
    const { log } = this.options;
    try {
      await mkdir(this.options.dir, { recursive: true, mode: 0o700 });
    } catch (error) {
      log.warn({ event: 'recording.dir_unusable', dir: this.options.dir, err: (error as Error).message }, 'the recordings directory cannot be created');
    }
    for (const left of await this.options.store.unfinished()) {
      const info = await stat(this.pathOf(left.file)).catch(() => null);
      await this.options.store.finish(left.id, {
        endedAt: info ? Math.round(info.mtimeMs) : this.now(),
        bytes: info?.size ?? 0,
        state: 'interrupted',
        endReason: 'the gateway stopped during the session',
      });
      log.warn({ event: 'recording.interrupted', recording: left.id }, 'a recording was left open by the last run; kept as interrupted');
    }
    await this.prune();
    this.pruneTimer = setInterval(() => void this.prune(), this.options.pruneIntervalMs ?? HOUR_MS);
    this.pruneTimer.unref();
  }

  /** Starts a terminal recording per the host's policy; null when the host is not recorded (or, with "on", when the disk refuses). */
  async beginTerminal(facts: RecordedSessionFacts, onFailed: (error: Error) => void): Promise<Recording<TerminalRecorder> | null> {
    const policy = facts.host.recording;
    if (policy.mode === 'off') return null;
    const header: AsciicastHeader = {
      version: 2,
      width: facts.width,
      height: facts.height,
      timestamp: Math.floor(this.now() / 1000),
      title: `${facts.host.username}@${facts.host.name}`,
      env: { TERM: 'xterm-256color' },
      ...(facts.opener.device ? { srcNode: facts.opener.device } : {}),
      srcNodeUser: facts.opener.name,
      sshUser: facts.host.username,
      localUser: facts.host.username,
      connectionID: facts.sessionId,
    };
    const active = await this.open(facts, 'asciicast', encodeHeader(header), onFailed);
    if (!active) return null;
    return { id: active.record.id, recorder: new TerminalRecorder(active.file, policy.input), end: (reason) => this.finish(active, 'complete', reason) };
  }

  /** Starts a desktop recording per the host's policy; frames flow once the session calls recorder.start(). */
  async beginDesktop(facts: RecordedSessionFacts, onFailed: (error: Error) => void): Promise<Recording<DesktopRecorder> | null> {
    const policy = facts.host.recording;
    if (policy.mode === 'off') return null;
    let recorder: DesktopRecorder | undefined;
    // Whichever fails, the disk or the recorder's own encoding, the recorder stops with the recording.
    const failed = (error: Error) => {
      recorder?.close();
      onFailed(error);
    };
    const active = await this.open(facts, 'guacamole', '', failed);
    if (!active) return null;
    recorder = new DesktopRecorder(active.file, policy.input, (error) => this.fail(active, error instanceof Error ? error : new Error(String(error)), failed));
    return {
      id: active.record.id,
      recorder,
      end: async (reason) => {
        await recorder!.finish();
        return this.finish(active, 'complete', reason);
      },
    };
  }

  private async open(facts: RecordedSessionFacts, format: RecordingRecord['format'], head: string, onFailed: (error: Error) => void): Promise<Active | null> {
    const { host } = facts;
    const id = crypto.randomUUID();
    const file = `${id}.${format === 'asciicast' ? 'cast' : 'guac'}`;
    const record: RecordingRecord = {
      id, sessionId: facts.sessionId, hostId: host.id, hostName: host.name, protocol: host.protocol, format, principal: facts.opener.principal,
      userName: facts.opener.name, device: facts.opener.device ?? null, file, startedAt: this.now(), endedAt: null, bytes: 0, input: host.recording.input,
      sealed: !!this.options.secretBox && this.options.encrypt !== false, state: 'recording', endReason: null, width: facts.width, height: facts.height,
    };
    let appender: DurableAppender | undefined;
    let indexed = false;
    try {
      const active: Active = { record, file: undefined as unknown as DurableAppender, ended: null };
      // Indexed before the file exists: a crash in between leaves a row the next start marks interrupted
      // (and retention can delete), never a file nothing knows about.
      await this.options.store.create(record);
      indexed = true;
      const sealer = record.sealed ? new RecordSealer(this.options.secretBox!, file) : undefined;
      appender = await DurableAppender.create(this.pathOf(file), head, { sealer, onError: (error) => this.fail(active, error, onFailed) });
      active.file = appender;
      this.active.set(id, active);
      this.options.log.info({ event: 'recording.started', recording: id, session: facts.sessionId, host: host.name, format, input: record.input }, 'recording started');
      return active;
    } catch (error) {
      await appender?.close();
      if (appender) await unlink(appender.path).catch(() => {});
      if (indexed) await this.options.store.remove(id).catch(() => {});
      const cause = error instanceof Error ? error : new Error(String(error));
      this.options.log.warn({ event: 'recording.unavailable', host: host.name, required: host.recording.mode === 'required', err: cause.message }, 'could not start a recording');
      this.options.audit?.record({
        action: 'recording.unavailable', actor: facts.opener, hostId: host.id, hostName: host.name, protocol: host.protocol, sessionId: facts.sessionId,
        detail: { reason: describeDiskError(cause), required: host.recording.mode === 'required' },
      });
      if (host.recording.mode === 'required') throw new RecordingUnavailableError(host.name, cause);
      return null;
    }
  }

  private fail(active: Active, error: Error, onFailed: (error: Error) => void): void {
    if (active.ended) return;
    const reason = `the recording could not be written: ${describeDiskError(error)}`;
    this.options.log.error({ event: 'recording.failed', recording: active.record.id, err: error.message }, 'recording failed');
    this.options.audit?.record({
      action: 'recording.failed', actor: GATEWAY_ACTOR, hostId: active.record.hostId, hostName: active.record.hostName, protocol: active.record.protocol,
      sessionId: active.record.sessionId, detail: { recordingId: active.record.id, reason },
    });
    void this.finish(active, 'failed', reason);
    onFailed(error);
  }

  private finish(active: Active, state: RecordingRecord['state'], reason: string): Promise<void> {
    active.ended ??= (async () => {
      await active.file.close();
      const size = await stat(this.pathOf(active.record.file)).then((s) => s.size, () => active.file.bytes);
      try {
        await this.options.store.finish(active.record.id, { endedAt: this.now(), bytes: size, state: active.file.failed ? 'failed' : state, endReason: reason });
      } catch (error) {
        this.options.log.error({ event: 'recording.index_failed', recording: active.record.id, err: (error as Error).message }, 'could not index the end of a recording');
      }
      this.active.delete(active.record.id);
      void this.prune();
    })();
    return active.ended;
  }

  pathOf(file: string): string {
    return join(this.options.dir, file);
  }

  /**
   * The recording's text as the file holds it now, unsealed. Throws ENOENT when the file is gone, and
   * SealedRecordingError when it cannot be opened; damage found while reading is logged and audited.
   */
  async openReader(record: RecordingRecord): Promise<RecordingReader> {
    const expected = { sealed: record.sealed, finished: record.state === 'complete', onDamagedTail: (error: Error) => this.reportDamage(record, error, true) };
    try {
      const reader = await openRecordingReader(this.pathOf(record.file), record.file, this.options.secretBox, expected);
      reader.stream.once('error', (error) => error instanceof SealedRecordingError && this.reportDamage(record, error, false));
      return reader;
    } catch (error) {
      if (error instanceof SealedRecordingError) this.reportDamage(record, error, false);
      throw error;
    }
  }

  /**
   * A damaged tail of an unfinished recording is what a power cut leaves: logged. Anything else means the file was
   * altered or replaced, or the key changed: logged and audited, once per recording per run.
   */
  private reportDamage(record: RecordingRecord, error: Error, tailOnly: boolean): void {
    const { log, audit } = this.options;
    log.warn({ event: tailOnly ? 'recording.damaged_tail' : 'recording.damaged', recording: record.id, err: error.message }, tailOnly ? 'a recording ends in damage; it is read up to there' : 'a recording cannot be read as written');
    if (tailOnly || this.reportedDamage.has(record.id)) return;
    if (this.reportedDamage.size >= 10_000) this.reportedDamage.clear();
    this.reportedDamage.add(record.id);
    audit?.record({
      action: 'recording.damaged', actor: GATEWAY_ACTOR, hostId: record.hostId, hostName: record.hostName, protocol: record.protocol, sessionId: record.sessionId,
      detail: { recordingId: record.id, reason: error.message },
    });
  }

  async list(filter: RecordingFilter): Promise<RecordingView[]> {
    return (await this.options.store.list(filter)).map((r) => this.view(r));
  }

  async get(id: string): Promise<RecordingRecord | undefined> {
    return this.options.store.get(id);
  }

  /** Recordings being written show their size so far. */
  view(r: RecordingRecord): RecordingView {
    const live = this.active.get(r.id);
    return {
      id: r.id, sessionId: r.sessionId, hostId: r.hostId, hostName: r.hostName, protocol: r.protocol, format: r.format,
      user: { principal: r.principal, name: r.userName, device: r.device }, startedAt: r.startedAt, endedAt: r.endedAt,
      bytes: live ? live.file.bytes : r.bytes, input: r.input, sealed: r.sealed, state: r.state, endReason: r.endReason, width: r.width, height: r.height,
    };
  }

  /** Newest terminal recordings first, among those `filter` lets the caller see. Throws SearchBusyError when enough already run. */
  async search(query: string, filter: Pick<RecordingFilter, 'principal' | 'hostId'>, limit: number, signal?: AbortSignal) {
    if (this.searches >= MAX_CONCURRENT_SEARCHES) throw new SearchBusyError(`${MAX_CONCURRENT_SEARCHES} searches are already running; try again in a moment`);
    this.searches++;
    try {
      return await this.searchNow(query, filter, limit, signal);
    } finally {
      this.searches--;
    }
  }

  private async searchNow(query: string, filter: Pick<RecordingFilter, 'principal' | 'hostId'>, limit: number, signal?: AbortSignal) {
    const recordings = await this.options.store.list({ ...filter, format: 'asciicast' });
    const hits: { recording: RecordingView; match: CastMatch }[] = [];
    let searched = 0;
    let bytes = 0;
    let truncated = false;
    for (const recording of recordings) {
      if (hits.length >= limit || bytes >= SEARCH_BYTES_BUDGET || signal?.aborted) {
        truncated = true;
        break;
      }
      searched++;
      let reader: RecordingReader;
      try {
        reader = await this.openReader(recording);
      } catch (error) {
        // Deleted meanwhile: nothing to find. Unreadable (reported): the search could not read everything.
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') truncated = true;
        continue;
      }
      try {
        const found = await searchCast(reader, query, limit - hits.length, SEARCH_BYTES_BUDGET - bytes, signal);
        if (!found.complete) truncated = true;
        for (const match of found.matches) hits.push({ recording: this.view(recording), match });
      } catch {
        truncated = true; // not expected (searchCast keeps what it found before damage): the search says it is incomplete
      } finally {
        bytes += reader.bytesRead();
      }
    }
    return { hits, searched, truncated };
  }

  /** An admin deletes a recording (never one being written). */
  async remove(id: string, by: AuditActor): Promise<'removed' | 'missing' | 'active'> {
    if (this.active.has(id)) return 'active';
    const record = await this.options.store.get(id);
    if (!record) return 'missing';
    await unlink(this.pathOf(record.file)).catch(() => {});
    await this.options.store.remove(id);
    this.options.audit?.record({ action: 'recording.deleted', actor: by, hostId: record.hostId, hostName: record.hostName, protocol: record.protocol, sessionId: record.sessionId, detail: { recordingId: id, bytes: record.bytes } });
    return 'removed';
  }

  /** Deletes what the retention limits say, oldest first; one pass at a time. */
  prune(): Promise<void> {
    this.pruning ??= this.pruneOnce().finally(() => {
      this.pruning = null;
    });
    return this.pruning;
  }

  private async pruneOnce(): Promise<void> {
    try {
      const all = await this.options.store.sizes();
      const sized = all.map((r) => (this.active.has(r.id) ? { ...r, bytes: this.active.get(r.id)!.file.bytes, state: 'recording' } : r));
      const doomed = recordingsToPrune(sized, this.now(), this.options.retention);
      if (doomed.length === 0) return;
      const byId = new Map(all.map((r) => [r.id, r]));
      let freed = 0;
      for (const id of doomed) {
        const record = byId.get(id)!;
        await unlink(this.pathOf(record.file)).catch((error: NodeJS.ErrnoException) => {
          if (error.code !== 'ENOENT') throw error;
        });
        await this.options.store.remove(id);
        freed += record.bytes;
      }
      this.options.log.info({ event: 'recording.pruned', count: doomed.length, bytes: freed }, 'old recordings deleted by the retention policy');
      this.options.audit?.record({ action: 'recording.pruned', actor: GATEWAY_ACTOR, detail: { count: doomed.length, bytes: freed, ids: doomed.slice(0, 50) } });
    } catch (error) {
      this.options.log.error({ event: 'recording.prune_failed', err: (error as Error).message }, 'retention could not delete old recordings');
    }
  }

  /** Stops pruning and waits for recordings being closed (sessions end theirs on shutdown). */
  async close(): Promise<void> {
    clearInterval(this.pruneTimer);
    await Promise.all([...this.active.values()].map((a) => a.ended ?? this.finish(a, 'complete', 'the gateway shut down')));
    await this.pruning;
  }
}
