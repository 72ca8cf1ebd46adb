// A live SSH terminal session: one upstream shell, any number of attached viewers, a screen mirror, a grace period.
import type { AuditActor, AuditLog } from '../audit/audit-log.js';
import { RecordingUnavailableError } from '../record/errors.js';
import type { Recording, RecordingService } from '../record/recording-service.js';
import type { TerminalRecorder } from '../record/terminal-recorder.js';
import type { HostFacts } from '../policy/can.js';
import { randomUUID } from 'node:crypto';
import { CloseCode } from '../../shared/close-codes.js';
import { FLOW_HIGH_WATERMARK_BYTES, FLOW_LOW_WATERMARK_BYTES } from '../../shared/limits.js';
import type { ConnectStage, HostKeyInfo, TerminalServerMessage } from '../../shared/terminal-protocol.js';
import type { SessionView } from '../../shared/api-types.js';
import type { Logger } from '../log.js';
import { describeFailure, SshSessionError } from '../protocols/ssh/classify-error.js';
import type { KeyboardInteractiveQuestion, OpenShellCallbacks, OpenShellRequest, SshShell } from '../protocols/ssh/open-ssh-shell.js';
import type { HostKeyStore, HostRecord } from '../store/types.js';
import { FlowGate } from './flow-gate.js';
import { checkHostKey } from './host-key-check.js';
import { PacedResumer } from './paced-resume.js';
import { PendingQuestion } from './pending-question.js';
import { ScreenMirror } from './screen-mirror.js';
import { canDrive, mayAnswer, viewerInfo, type TerminalViewer } from './viewer.js';
import { auditSession } from './session-audit.js';

const TYPE_AHEAD_LIMIT_BYTES = 64 * 1024;
/**
 * A read-only viewer never slows the session: it is outside the flow gate, and once it has this much
 * unacknowledged output it is skipped until it catches up, then repainted whole from the mirror.
 */
export const WATCHER_LAG_LIMIT_BYTES = 1024 * 1024;
/** Below this a lagging watcher is repainted (the page acks every 32 KiB, so a smaller residue may never be acked). */
const WATCHER_RESUME_BYTES = 64 * 1024;

interface ViewerState {
  /** Output that arrived while this viewer's first screen was being prepared. */
  buffering: Uint8Array[] | null;
  bufferedBytes: number;
  /** Read-only viewers: bytes actually sent minus bytes acked, and whether output is being skipped. */
  unacked: number;
  lagging: boolean;
}

export interface TerminalSessionDeps {
  hostKeys: HostKeyStore;
  log: Logger;
  openShell: (req: OpenShellRequest, cb: OpenShellCallbacks) => Promise<SshShell>;
  lookup?: OpenShellRequest['lookup'];
  graceMs: number;
  connectTimeoutMs: number;
  questionTimeoutMs: number;
  /** Records sessions per host policy; absent: nothing is recorded (unit tests). */
  recordings?: Pick<RecordingService, 'beginTerminal'>;
  audit?: AuditLog;
  onEnded: (session: TerminalSession) => void;
}

export class TerminalSession {
  readonly id = randomUUID();
  readonly createdAt = Date.now();
  private stage: ConnectStage | 'closed' | 'created' = 'created';
  private readonly viewers = new Map<TerminalViewer, ViewerState>();
  private readonly gate: FlowGate<TerminalViewer>;
  private readonly abort = new AbortController();
  private shell: SshShell | undefined;
  private resumer: PacedResumer | undefined;
  private mirror: ScreenMirror | undefined;
  private question: PendingQuestion<unknown> | undefined;
  private detachTimer: NodeJS.Timeout | undefined;
  private detachedUntil: number | null = null;
  private size = { cols: 80, rows: 24 };
  private outbox: Buffer[] = [];
  private outboxBytes = 0;
  private outboxFlush: NodeJS.Immediate | undefined;
  private typeAhead: Uint8Array[] = [];
  private typeAheadBytes = 0;
  private readonly log: Logger;
  private recording: Recording<TerminalRecorder> | null = null;
  private startedAt: number | null = null;
  /** What crossed the SSH channel, for the audit log. */
  private bytesFromHost = 0;
  private bytesToHost = 0;

  /** Who owns the session: only this principal attaches as owner. */
  readonly principal: string;

  constructor(
    /** Who opened it, from which device and address (kept for the audit log and the admin's list). */
    readonly opener: AuditActor,
    readonly host: HostRecord,
    private readonly deps: TerminalSessionDeps,
    /** What the policy matched when the session opened; re-checked whenever a viewer attaches. */
    readonly hostFacts: HostFacts = { name: host.name, tags: [] },
  ) {
    this.principal = opener.principal;
    this.log = deps.log.child({ session: this.id, host: host.name });
    this.gate = new FlowGate(FLOW_HIGH_WATERMARK_BYTES, FLOW_LOW_WATERMARK_BYTES, (paused) => {
      if (paused) this.shell?.stream.pause();
      else this.resumer?.resume();
    });
    this.startDetachTimer();
  }

  get isClosed(): boolean {
    return this.stage === 'closed';
  }

  /** The recording this session is writing, if its host is recorded. */
  get recordingId(): string | null {
    return this.recording?.id ?? null;
  }

  view(): SessionView {
    return {
      id: this.id,
      hostId: this.host.id,
      hostName: this.host.name,
      protocol: 'ssh',
      stage: this.stage === 'created' ? 'resolving' : this.stage,
      viewers: this.viewers.size,
      createdAt: this.createdAt,
      detachedUntil: this.detachedUntil,
    };
  }

  /** Memory-relevant counters: what flow control and the mirror hold at most. */
  stats(): { peakViewerBacklogBytes: number; mirrorQueuedBytes: number; outputPaused: boolean } {
    return { peakViewerBacklogBytes: this.gate.peakBacklog, mirrorQueuedBytes: this.mirror?.queuedBytes ?? 0, outputPaused: this.gate.isPaused };
  }

  /** Who is attached now, for the owner's list. */
  viewerList() {
    return [...this.viewers.keys()].map(viewerInfo);
  }

  /** Closes one viewer (the owner removed it, or its share link ended); the session goes on. */
  removeViewer(viewerId: string, code: number, reason: string): boolean {
    for (const viewer of this.viewers.keys()) {
      if (viewer.id !== viewerId) continue;
      viewer.close(code, reason);
      this.detach(viewer);
      return true;
    }
    return false;
  }

  /**
   * Attach a browser. The first attach opens the upstream shell at that browser's size; later ones get the
   * current screen at once (not a replay), then live output.
   */
  attach(viewer: TerminalViewer, size: { cols: number; rows: number }): void {
    if (this.stage === 'closed') return viewer.close(CloseCode.sessionNotFound, 'this session has ended');
    if (this.stage === 'created' && viewer.role !== 'owner') return viewer.close(CloseCode.sessionNotFound, 'this session has not started');
    if (canDrive(viewer)) this.stopDetachTimer();
    if (viewer.role !== 'view') this.gate.add(viewer);
    const attached = (restored: boolean, size: { cols: number; rows: number } = this.size): TerminalServerMessage => ({
      type: 'attached', sessionId: this.id, hostId: this.host.id, hostName: this.host.name, restored, role: viewer.role, ...size,
    });
    const state: ViewerState = { buffering: null, bufferedBytes: 0, unacked: 0, lagging: false };
    if (this.recording) viewer.sendControl({ type: 'recording', active: true });
    if (this.stage === 'created') {
      this.viewers.set(viewer, state);
      this.size = size;
      viewer.sendControl(attached(false));
      this.announceViewers();
      void this.start();
      return;
    }
    if (!this.shell || !this.mirror) {
      // Still connecting: show where we are and any question waiting for a person.
      this.viewers.set(viewer, state);
      viewer.sendControl(attached(false));
      viewer.sendControl({ type: 'stage', stage: this.stage as ConnectStage });
      if (this.question && mayAnswer(viewer, this.question.message.type as 'hostkey' | 'prompt')) viewer.sendControl(this.question.message);
      this.announceViewers();
      return;
    }
    this.viewers.set(viewer, state);
    this.announceViewers();
    this.repaint(viewer, state, (snap) => {
      viewer.sendControl(attached(true, { cols: snap.cols, rows: snap.rows }));
    }).then(() => {
      if (viewer.role === 'owner' && (size.cols !== this.size.cols || size.rows !== this.size.rows)) this.resize(viewer, size.cols, size.rows);
    });
  }

  /**
   * Live: buffer output from this instant, send the screen as it is now, then the buffered output. Used
   * for a joining viewer and for a watcher that fell behind.
   */
  private async repaint(viewer: TerminalViewer, state: ViewerState, before: (snap: { cols: number; rows: number }) => void): Promise<void> {
    state.buffering = [];
    state.bufferedBytes = 0;
    const snap = await this.mirror!.snapshot();
    if (this.viewers.get(viewer) !== state) return;
    before(snap);
    const screen = new TextEncoder().encode(snap.data);
    viewer.sendOutput(screen);
    this.countSent(viewer, state, screen.length);
    this.flushOutput(); // what others have not yet been sent is already in this viewer's buffer
    for (const chunk of state.buffering ?? []) {
      viewer.sendOutput(chunk);
      if (viewer.role === 'view') state.unacked += chunk.length; // others were counted as it arrived
    }
    state.buffering = null;
    viewer.sendControl({ type: 'stage', stage: 'ready' });
    // It fell behind again while this repaint waited: the leftover may be too small for the page to ever
    // ack, so look again shortly instead of waiting for an ack that may not come (throttled by the delay).
    if (state.lagging) setTimeout(() => this.resumeIfCaughtUp(viewer, state), 50).unref();
  }

  private resumeIfCaughtUp(viewer: TerminalViewer, state: ViewerState): void {
    if (!state.lagging || state.unacked > WATCHER_RESUME_BYTES || viewer.backlog() > WATCHER_RESUME_BYTES || !this.mirror || this.viewers.get(viewer) !== state || this.isClosed) return;
    state.lagging = false;
    state.unacked = 0;
    this.flushOutput();
    void this.repaint(viewer, state, () => viewer.sendControl({ type: 'resync' }));
  }

  detach(viewer: TerminalViewer): void {
    if (!this.viewers.delete(viewer)) return;
    this.gate.remove(viewer);
    this.announceViewers();
    // The session lives while someone who can drive it is attached; watchers alone do not keep it open.
    if (![...this.viewers.keys()].some(canDrive) && !this.isClosed && this.detachedUntil === null) this.startDetachTimer();
  }

  /** The owner (and only the owner) learns who is watching. */
  private announceViewers(): void {
    if (this.isClosed) return;
    const viewers = this.viewerList();
    for (const viewer of this.viewers.keys()) if (viewer.role === 'owner') viewer.sendControl({ type: 'viewers', viewers });
  }

  private countSent(viewer: TerminalViewer, state: ViewerState, bytes: number): void {
    if (viewer.role === 'view') state.unacked += bytes;
    else this.gate.sent(viewer, bytes);
  }

  input(viewer: TerminalViewer, bytes: Uint8Array): void {
    if (!canDrive(viewer) || this.isClosed) return;
    if (!this.shell) {
      // Type-ahead: keys pressed while connecting reach the shell once it starts (bounded).
      if (this.typeAheadBytes + bytes.length <= TYPE_AHEAD_LIMIT_BYTES) {
        this.typeAhead.push(bytes);
        this.typeAheadBytes += bytes.length;
      }
      return;
    }
    this.wrote(bytes);
    if (!this.shell.stream.write(bytes)) {
      // The SSH window is full (a huge paste): stop reading this viewer until the host catches up.
      viewer.pauseInput();
      this.shell.stream.once('drain', () => viewer.resumeInput());
    }
  }

  /** The terminal size follows the owner; everyone else is told the new size and scales to fit. */
  resize(viewer: TerminalViewer, cols: number, rows: number): void {
    if (viewer.role !== 'owner' || (cols === this.size.cols && rows === this.size.rows)) return;
    this.size = { cols, rows };
    this.recording?.recorder.recordResize(cols, rows);
    this.shell?.resize(cols, rows);
    this.mirror?.resize(cols, rows);
    this.flushOutput();
    for (const other of this.viewers.keys()) if (other.role !== 'owner') other.sendControl({ type: 'size', cols, rows });
  }

  acknowledge(viewer: TerminalViewer, bytes: number): void {
    const state = this.viewers.get(viewer);
    if (!state) return;
    if (viewer.role !== 'view') return this.gate.acked(viewer, bytes);
    state.unacked = Math.max(0, state.unacked - bytes);
    this.resumeIfCaughtUp(viewer, state);
  }

  answer(viewer: TerminalViewer, kind: 'hostkey-answer' | 'prompt-answer', answer: unknown): void {
    if (!this.question || this.question.expects !== kind || !mayAnswer(viewer, kind === 'hostkey-answer' ? 'hostkey' : 'prompt')) return;
    this.question.settle(answer);
  }

  /** Ends the session for everyone: closes viewers with `code` and disposes the upstream. */
  end(code: number, reason: string): void {
    if (this.stage === 'closed') return;
    this.stage = 'closed';
    this.stopDetachTimer();
    this.question?.cancel(new Error(reason));
    this.abort.abort();
    for (const viewer of [...this.viewers.keys()]) viewer.close(code, reason);
    this.viewers.clear();
    if (this.outboxFlush) clearImmediate(this.outboxFlush);
    this.outbox = [];
    this.outboxBytes = 0;
    this.shell?.dispose();
    this.mirror?.dispose();
    void this.recording?.end(reason);
    this.log.info({ event: 'session.end', reason }, 'terminal session ended');
    if (this.startedAt !== null) {
      auditSession(this.deps.audit, this, 'session.end', { reason, durationMs: Date.now() - this.startedAt, bytesFromHost: this.bytesFromHost, bytesToHost: this.bytesToHost, user: this.host.username, recordingId: this.recordingId });
    }
    this.deps.onEnded(this);
  }

  private async start(): Promise<void> {
    this.log.info({ event: 'session.start', address: this.host.address, port: this.host.port }, 'opening terminal session');
    this.startedAt = Date.now();
    auditSession(this.deps.audit, this, 'session.start', { user: this.host.username, address: `${this.host.address}:${this.host.port}` });
    try {
      // A host that requires a recording gets none of its session unrecorded: the file exists before the connection does.
      this.recording = (await this.deps.recordings?.beginTerminal(
        { sessionId: this.id, host: this.host, opener: this.opener, width: this.size.cols, height: this.size.rows },
        (error) => this.recordingFailed(error),
      )) ?? null;
      if (this.isClosed) return void this.recording?.end('the session ended while it was starting');
      if (this.recording) this.broadcast({ type: 'recording', active: true });
      const shell = await this.deps.openShell(
        { host: this.host, cols: this.size.cols, rows: this.size.rows, timeoutMs: this.deps.connectTimeoutMs, signal: this.abort.signal, lookup: this.deps.lookup },
        {
          onStage: (stage) => this.setStage(stage),
          verifyHostKey: (key) =>
            checkHostKey(this.deps.hostKeys, this.host, key, this.log, () => this.ask<boolean>({ type: 'hostkey', key }).catch(() => false), (trusted) =>
              auditSession(this.deps.audit, this, 'hostkey.trusted', { algorithm: trusted.algorithm, fingerprint: trusted.fingerprint, firstUse: true }),
            ),
          answerPrompts: (q) => this.ask<string[]>({ type: 'prompt', ...q } satisfies KeyboardInteractiveQuestion & { type: 'prompt' }),
        },
      );
      if (this.isClosed) return shell.dispose();
      this.shell = shell;
      this.resumer = new PacedResumer(shell.stream, () => !this.gate.isPaused && !this.isClosed);
      this.mirror = new ScreenMirror({ cols: this.size.cols, rows: this.size.rows });
      this.wireStream(shell);
      this.setStage('ready');
      if (this.gate.isPaused) shell.stream.pause();
      for (const bytes of this.typeAhead.splice(0)) {
        this.wrote(bytes);
        shell.stream.write(bytes);
      }
      this.typeAheadBytes = 0;
    } catch (err) {
      this.fail(err);
    }
  }

  private wireStream(shell: SshShell): void {
    let exit: { exitCode: number | null; signal: string | null } | undefined;
    shell.stream.on('data', (chunk: Buffer) => this.broadcastOutput(chunk));
    shell.stream.stderr.on('data', (chunk: Buffer) => this.broadcastOutput(chunk));
    shell.stream.on('exit', (code: number | null, signal?: string) => {
      exit = { exitCode: typeof code === 'number' ? code : null, signal: signal ?? null };
    });
    shell.stream.on('close', () => {
      if (this.isClosed) return;
      if (exit) {
        this.broadcast({ type: 'exit', ...exit });
        this.end(CloseCode.sessionEnded, exit.exitCode === null ? 'the shell was ended' : `the shell exited with code ${exit.exitCode}`);
      } else {
        this.fail(new SshSessionError('closed-by-host', describeFailure('closed-by-host', this.host.name)));
      }
    });
    shell.ssh.connection?.on('error', (err) => this.log.warn({ event: 'ssh.connection_error', err: err.message }, 'ssh connection error'));
  }

  /**
   * Output is sent once per event-loop turn: everything SSH delivered in this turn goes out as one frame
   * (setImmediate runs right after the I/O that delivered it, so a lone echo waits for no timer), which
   * turns a resume's burst of hundreds of small packets into a few large frames.
   */
  private broadcastOutput(chunk: Buffer): void {
    this.bytesFromHost += chunk.length;
    this.recording?.recorder.recordOutput(chunk);
    this.mirror?.feed(chunk);
    for (const [viewer, state] of this.viewers) {
      if (state.lagging) continue;
      if (viewer.role === 'view') {
        // A watcher's bytes count when actually sent (flushOutput, repaint): what it skips is never owed.
        const pending = state.buffering ? state.bufferedBytes : this.outboxBytes;
        // Acks come from the client and could be faked; the socket's own backlog cannot.
        if (state.unacked + pending + chunk.length > WATCHER_LAG_LIMIT_BYTES || viewer.backlog() > WATCHER_LAG_LIMIT_BYTES) {
          // This watcher cannot keep up: stop sending it output; it is repainted once it has caught up.
          state.lagging = true;
          state.buffering = null;
          continue;
        }
      } else {
        this.gate.sent(viewer, chunk.length);
      }
      if (state.buffering) {
        state.buffering.push(chunk);
        state.bufferedBytes += chunk.length;
      }
    }
    this.outbox.push(chunk);
    this.outboxBytes += chunk.length;
    this.outboxFlush ??= setImmediate(() => this.flushOutput());
  }

  private flushOutput(): void {
    if (this.outboxFlush) clearImmediate(this.outboxFlush);
    this.outboxFlush = undefined;
    if (this.outbox.length === 0) return;
    const data = this.outbox.length === 1 ? this.outbox[0]! : Buffer.concat(this.outbox);
    this.outbox = [];
    this.outboxBytes = 0;
    for (const [viewer, state] of this.viewers) {
      if (state.buffering || state.lagging) continue;
      viewer.sendOutput(data);
      if (viewer.role === 'view') state.unacked += data.length;
    }
  }

  private broadcast(message: TerminalServerMessage): void {
    this.flushOutput(); // keep output and control messages in the order they happened
    for (const viewer of this.viewers.keys()) {
      // Questions (host key, password prompts) go only to those who may answer them.
      if ((message.type === 'hostkey' || message.type === 'prompt') && !mayAnswer(viewer, message.type)) continue;
      viewer.sendControl(message);
    }
  }

  private setStage(stage: ConnectStage): void {
    if (this.isClosed) return;
    this.stage = stage;
    this.broadcast({ type: 'stage', stage });
  }

  private ask<Answer>(message: Extract<TerminalServerMessage, { type: 'hostkey' | 'prompt' }>): Promise<Answer> {
    const question = new PendingQuestion<Answer>(message, this.deps.questionTimeoutMs);
    this.question = question as PendingQuestion<unknown>;
    this.broadcast(message);
    return question.answer.finally(() => {
      if (this.question === (question as PendingQuestion<unknown>)) this.question = undefined;
    });
  }

  private wrote(bytes: Uint8Array): void {
    this.bytesToHost += bytes.length;
    this.recording?.recorder.recordInput(bytes);
  }

  /** The disk stopped taking the recording: a host that requires one loses the session, others go on unrecorded. */
  private recordingFailed(error: Error): void {
    this.recording = null;
    if (this.host.recording.mode !== 'required' || this.isClosed) return void this.broadcast({ type: 'recording', active: false });
    this.fail(new RecordingUnavailableError(this.host.name, error));
  }

  private fail(err: unknown): void {
    if (this.isClosed) return;
    if (err instanceof RecordingUnavailableError) {
      this.log.warn({ event: 'session.recording_unavailable', err: err.cause.message }, err.message);
      this.broadcast({ type: 'error', kind: 'recording-unavailable', message: err.message });
      return this.end(CloseCode.upstreamFailed, 'recording-unavailable');
    }
    const failure = err instanceof SshSessionError ? err : new SshSessionError('internal', describeFailure('internal', this.host.name));
    if (!(err instanceof SshSessionError)) this.log.error({ event: 'session.internal_error', err }, 'unexpected session failure');
    this.log.warn({ event: `ssh.${failure.kind}`, cause: failure.extra.cause }, failure.message);
    const hostKey = failure.extra.hostKey as { pinned: HostKeyInfo; presented: HostKeyInfo } | undefined;
    this.broadcast({ type: 'error', kind: failure.kind, message: failure.message, ...(hostKey ? { hostKey } : {}) });
    this.end(CloseCode.upstreamFailed, failure.kind);
  }

  private startDetachTimer(): void {
    this.stopDetachTimer();
    this.detachedUntil = Date.now() + this.deps.graceMs;
    this.detachTimer = setTimeout(() => this.end(CloseCode.sessionEnded, 'nobody re-attached within the grace period'), this.deps.graceMs);
    this.detachTimer.unref();
  }

  private stopDetachTimer(): void {
    clearTimeout(this.detachTimer);
    this.detachTimer = undefined;
    this.detachedUntil = null;
  }
}
