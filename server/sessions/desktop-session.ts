// A live remote-desktop session: one upstream connection, any number of viewers each with its own display stream, a grace period.
import { randomUUID } from 'node:crypto';
import type { SessionView } from '../../shared/api-types.js';
import { GuacStatus, RECORDING_OPCODE, ROLE_OPCODE, STAGE_OPCODE, VIEWERS_OPCODE } from '../../shared/guac-status.js';
import type { ConnectStage } from '../../shared/terminal-protocol.js';
import { DisplayStream, type CursorImage } from '../guac/display-stream.js';
import { encodeInstruction, type Instruction } from '../guac/instruction.js';
import type { Logger } from '../log.js';
import type { AuditActor, AuditLog } from '../audit/audit-log.js';
import type { DesktopRecorder } from '../record/desktop-recorder.js';
import { RecordingUnavailableError } from '../record/errors.js';
import type { Recording, RecordingService } from '../record/recording-service.js';
import type { HostFacts } from '../policy/can.js';
import type { HostKeyStore, HostRecord } from '../store/types.js';
import type { DesktopConnection, DisplayChange, OpenDesktop } from './desktop-connection.js';
import { describeDesktopFailure } from './desktop-failure.js';
import { canDrive, viewerInfo, type ViewerFacts } from './viewer.js';
import { auditSession } from './session-audit.js';

/** Guacamole's clipboard cap (guacd uses the same): larger pastes are refused, not truncated silently. */
const MAX_CLIPBOARD_CHARS = 256 * 1024;
/** Our outbound stream index for clipboard text: above the image streams (1..1000) so they never collide. */
const CLIPBOARD_STREAM = 1001;

/** Read-only viewers (role view) never reach the host with keys, mouse, size or clipboard; only the owner sets the size. */
export interface DesktopViewer extends ViewerFacts {
  /** Sends one WebSocket message of whole instructions. */
  send(message: string): void;
  /** Bytes sent but not yet on the network: a browser that stops reading must not grow it without bound. */
  backlog(): number;
  /** Ends the tunnel with a Guacamole status (decimal in the close reason, as the client parses it). */
  close(status: number, message: string): void;
}

export interface DesktopSessionDeps {
  log: Logger;
  /** Pins VeNCrypt X509 certificates the way SSH host keys are pinned. */
  hostKeys: HostKeyStore;
  openDesktop: OpenDesktop;
  lookup?: (name: string) => Promise<string>;
  connectTimeoutMs: number;
  graceMs: number;
  /** Records sessions per host policy; absent: nothing is recorded. */
  recordings?: Pick<RecordingService, 'beginDesktop'>;
  audit?: AuditLog;
  onEnded: (session: DesktopSession) => void;
}

interface ViewerState {
  display: DisplayStream | null;
  clipboard: { stream: string; chunks: string[]; size: number } | null;
}

export class DesktopSession {
  readonly id = randomUUID();
  readonly createdAt = Date.now();
  private stage: ConnectStage | 'closed' | 'created' = 'created';
  private readonly viewers = new Map<DesktopViewer, ViewerState>();
  private readonly abort = new AbortController();
  private connection: DesktopConnection | undefined;
  private cursor: CursorImage | null = null;
  /** The framebuffer holds the server's pixels (its first update arrived): before that it is black. */
  private painted = false;
  private paintTimer: NodeJS.Timeout | undefined;
  private detachTimer: NodeJS.Timeout | undefined;
  private detachedUntil: number | null = null;
  private readonly log: Logger;
  private recording: Recording<DesktopRecorder> | null = null;
  private startedAt: number | null = null;
  /** Sent to browsers by viewers that have left, and received from them (the audit log's bytes). */
  private bytesToViewers = 0;
  private bytesFromViewers = 0;

  /** Who owns the session: only this principal attaches as owner. */
  readonly principal: string;

  constructor(
    /** Who opened it, from which device and address (kept for the audit log and the admin's list). */
    readonly opener: AuditActor,
    readonly host: HostRecord,
    private readonly deps: DesktopSessionDeps,
    readonly hostFacts: HostFacts = { name: host.name, tags: [] },
  ) {
    this.principal = opener.principal;
    this.log = deps.log.child({ session: this.id, host: host.name, protocol: host.protocol });
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
      protocol: this.host.protocol,
      stage: this.stage === 'created' ? 'resolving' : this.stage,
      viewers: this.viewers.size,
      createdAt: this.createdAt,
      detachedUntil: this.detachedUntil,
    };
  }

  /** A viewer joins: the first one starts the connection (at its size); later ones get the current screen at once. */
  attach(viewer: DesktopViewer, size: { width: number; height: number }): void {
    if (this.isClosed) return viewer.close(GuacStatus.sessionClosed, 'the session has ended');
    if (this.stage === 'created' && viewer.role !== 'owner') return viewer.close(GuacStatus.resourceNotFound, 'this session has not started');
    if (canDrive(viewer)) {
      clearTimeout(this.detachTimer);
      this.detachedUntil = null;
    }
    const state: ViewerState = { display: null, clipboard: null };
    this.viewers.set(viewer, state);
    viewer.send(encodeInstruction(ROLE_OPCODE, viewer.role));
    if (this.recording) viewer.send(encodeInstruction(RECORDING_OPCODE, 1));
    this.announceViewers();
    if (this.connection && this.painted) this.startDisplay(viewer, state);
    else if (this.stage === 'created') void this.connect(size);
    else viewer.send(encodeInstruction(STAGE_OPCODE, this.stage));
  }

  detach(viewer: DesktopViewer): void {
    const state = this.viewers.get(viewer);
    if (!state) return;
    state.display?.close();
    this.bytesToViewers += state.display?.stats.bytes ?? 0;
    this.viewers.delete(viewer);
    this.announceViewers();
    // The session lives while someone who can drive it is attached; watchers alone do not keep it open.
    if (![...this.viewers.keys()].some(canDrive) && !this.isClosed && this.detachedUntil === null) this.startDetachTimer();
  }

  /** Who is attached now, for the owner's list. */
  viewerList() {
    return [...this.viewers.keys()].map(viewerInfo);
  }

  /** Closes one viewer (the owner removed it, or its share link ended); the session goes on. */
  removeViewer(viewerId: string, status: number, reason: string): boolean {
    for (const viewer of this.viewers.keys()) {
      if (viewer.id !== viewerId) continue;
      viewer.close(status, reason);
      this.detach(viewer);
      return true;
    }
    return false;
  }

  private announceViewers(): void {
    if (this.isClosed) return;
    const message = encodeInstruction(VIEWERS_OPCODE, JSON.stringify(this.viewerList()));
    for (const viewer of this.viewers.keys()) if (viewer.role === 'owner') viewer.send(message);
  }

  /** One instruction from a viewer's tunnel (pings are answered by the tunnel itself). */
  handle(viewer: DesktopViewer, ins: Instruction): void {
    const state = this.viewers.get(viewer);
    if (!state) return;
    this.bytesFromViewers += ins.opcode.length + ins.args.reduce((sum, a) => sum + a.length, 0);
    const n = (i: number) => Number(ins.args[i]);
    switch (ins.opcode) {
      case 'sync':
        state.display?.syncEchoed(n(0));
        return;
      case 'key':
        if (canDrive(viewer) && Number.isInteger(n(0)) && this.connection) {
          const pressed = ins.args[1] === '1' || ins.args[1] === 'true';
          this.connection.key(n(0) >>> 0, pressed);
          this.recording?.recorder.key(n(0) >>> 0, pressed);
        }
        return;
      case 'mouse': {
        const fb = this.connection?.framebuffer;
        if (!canDrive(viewer) || !fb || ![0, 1, 2].every((i) => Number.isFinite(n(i)))) return;
        const [x, y, mask] = [clamp(n(0), 0, fb.width - 1), clamp(n(1), 0, fb.height - 1), n(2) & 0xff];
        this.connection!.pointer(x, y, mask);
        this.recording?.recorder.pointer(x, y, mask);
        return;
      }
      case 'size':
        if (viewer.role === 'owner' && Number.isInteger(n(0)) && Number.isInteger(n(1))) this.connection?.resize(clamp(n(0), 64, 8192), clamp(n(1), 64, 8192));
        return;
      case 'clipboard':
        if (canDrive(viewer) && ins.args[1]?.startsWith('text/plain')) state.clipboard = { stream: ins.args[0] ?? '', chunks: [], size: 0 };
        return;
      case 'blob': {
        const clip = state.clipboard;
        if (!clip || clip.stream !== ins.args[0]) return;
        clip.size += ins.args[1]?.length ?? 0;
        if (clip.size > (MAX_CLIPBOARD_CHARS * 4) / 3 + 16) {
          state.clipboard = null;
          viewer.send(encodeInstruction('ack', clip.stream, 'clipboard over 256 KiB', GuacStatus.clientTooMany));
          return;
        }
        clip.chunks.push(ins.args[1] ?? '');
        viewer.send(encodeInstruction('ack', clip.stream, 'OK', GuacStatus.success));
        return;
      }
      case 'end': {
        const clip = state.clipboard;
        if (!clip || clip.stream !== ins.args[0]) return;
        state.clipboard = null;
        const text = Buffer.concat(clip.chunks.map((c) => Buffer.from(c, 'base64'))).toString('utf8');
        this.connection?.clipboard(text);
        return;
      }
      case 'disconnect':
        viewer.close(GuacStatus.success, 'disconnected');
        return;
      default:
        return; // nop, ack of our image streams, and anything newer clients send
    }
  }

  end(status: number, reason: string): void {
    if (this.isClosed) return;
    this.stage = 'closed';
    clearTimeout(this.detachTimer);
    clearTimeout(this.paintTimer);
    this.abort.abort();
    this.connection?.close();
    for (const [viewer, state] of this.viewers) {
      state.display?.close();
      this.bytesToViewers += state.display?.stats.bytes ?? 0;
      viewer.close(status, reason);
    }
    this.viewers.clear();
    void this.recording?.end(reason);
    this.log.info({ event: 'desktop.ended', reason }, 'desktop session ended');
    if (this.startedAt !== null) {
      auditSession(this.deps.audit, this, 'session.end', { reason, durationMs: Date.now() - this.startedAt, bytesToViewers: this.bytesToViewers, bytesFromViewers: this.bytesFromViewers, recordingId: this.recordingId });
    }
    this.deps.onEnded(this);
  }

  private async connect(size: { width: number; height: number }): Promise<void> {
    const started = Date.now();
    this.startedAt = started;
    auditSession(this.deps.audit, this, 'session.start', { user: this.host.username || null, address: `${this.host.address}:${this.host.port}` });
    try {
      // A host that requires a recording gets none of its session unrecorded: the file exists before the connection does.
      this.recording = (await this.deps.recordings?.beginDesktop(
        { sessionId: this.id, host: this.host, opener: this.opener, width: size.width, height: size.height },
        (error) => this.recordingFailed(error),
      )) ?? null;
      if (this.isClosed) return void this.recording?.end('the session ended while it was starting');
      if (this.recording) this.broadcast(encodeInstruction(RECORDING_OPCODE, 1));
      const pinned = await this.deps.hostKeys.getPinned(this.host.id);
      this.connection = await this.deps.openDesktop({
        certificatePinned: pinned?.algorithm === 'x509-sha256',
        host: this.host,
        width: size.width,
        height: size.height,
        lookup: this.deps.lookup,
        connectTimeoutMs: this.deps.connectTimeoutMs,
        signal: this.abort.signal,
        stage: (stage) => {
          this.stage = stage;
          this.broadcast(encodeInstruction(STAGE_OPCODE, stage));
        },
        checkCertificate: (fingerprint) => this.checkCertificate(fingerprint),
        events: {
          changes: (changes) => this.onChanges(changes),
          cursor: (cursor) => {
            this.cursor = cursor;
            this.recording?.recorder.setCursor(cursor);
            for (const state of this.viewers.values()) state.display?.setCursor(cursor);
          },
          clipboard: (text) => this.onRemoteClipboard(text),
          closed: (error) => {
            if (this.isClosed) return;
            const failure = error ? describeDesktopFailure(error) : { status: GuacStatus.sessionClosed, message: `${this.host.name} closed the connection` };
            this.end(failure.status, failure.message);
          },
        },
      });
      if (this.isClosed) return this.connection.close();
      this.stage = 'ready';
      this.log.info({ event: 'desktop.ready', ms: Date.now() - started, width: this.connection.framebuffer.width, height: this.connection.framebuffer.height }, 'desktop connected');
      // Viewers start with the server's first picture, not an empty black one; a server that sends no
      // pixels for a while still gets its viewers a (black) screen rather than an endless "connecting".
      this.paintTimer = setTimeout(() => this.startPainting(), 1_500);
    } catch (error) {
      if (this.isClosed) return;
      if (error instanceof RecordingUnavailableError) return this.refuseUnrecorded(error);
      const failure = describeDesktopFailure(error);
      this.log.warn({ event: `desktop.${failure.kind}`, err: error instanceof Error ? error.message : String(error) }, 'desktop connection failed');
      this.broadcast(encodeInstruction('error', failure.message, failure.status));
      this.end(failure.status, failure.message);
    }
  }

  private startDisplay(viewer: DesktopViewer, state: ViewerState): void {
    const fb = this.connection!.framebuffer;
    if (this.connection!.name) viewer.send(encodeInstruction('name', this.connection!.name));
    state.display = new DisplayStream(
      fb,
      (m) => viewer.send(m),
      undefined,
      (error) => {
        this.log.warn({ event: 'desktop.viewer_dropped', err: error instanceof Error ? error.message : String(error) }, 'desktop viewer dropped');
        viewer.close(GuacStatus.serverError, error instanceof Error ? error.message : 'the gateway could not encode the screen');
      },
      () => viewer.backlog(),
    );
    if (this.cursor) state.display.setCursor(this.cursor);
  }

  /** Trust on first use, then only the pinned certificate; a change waits for an admin, like an SSH host key. */
  private async checkCertificate(fingerprint: string): Promise<string | null> {
    const key = { algorithm: 'x509-sha256', fingerprint };
    const { hostKeys } = this.deps;
    const pinned = await hostKeys.getPinned(this.host.id);
    if (!pinned) {
      await hostKeys.pin(this.host.id, key);
      this.log.info({ event: 'desktop.certificate_trusted', fingerprint }, 'desktop server certificate trusted on first use');
      auditSession(this.deps.audit, this, 'hostkey.trusted', { algorithm: key.algorithm, fingerprint, firstUse: true });
      return null;
    }
    if (pinned.fingerprint === fingerprint) return null;
    await hostKeys.setPending(this.host.id, key);
    this.log.warn({ event: 'desktop.certificate_changed', pinned: pinned.fingerprint, presented: fingerprint }, 'desktop server certificate changed; refused');
    auditSession(this.deps.audit, this, 'hostkey.changed', { algorithm: key.algorithm, pinned: pinned.fingerprint, presented: fingerprint });
    return `The ${this.host.protocol.toUpperCase()} server's TLS certificate changed (pinned ${pinned.fingerprint}, presented ${fingerprint}). If that is expected, an admin can accept the new one on the Hosts page.`;
  }

  private startPainting(): void {
    clearTimeout(this.paintTimer);
    if (this.painted || this.isClosed) return;
    this.painted = true;
    this.recording?.recorder.start(this.connection!.framebuffer, this.cursor);
    for (const [viewer, state] of this.viewers) if (!state.display) this.startDisplay(viewer, state);
  }

  private onChanges(changes: DisplayChange[]): void {
    // The first pixels: every viewer starts now, with a full frame of them (which covers these changes too).
    if (!this.painted && changes.some((c) => c.kind === 'damage')) return this.startPainting();
    const apply = (display: Pick<DisplayStream, 'damage' | 'copy' | 'resized'>) => {
      for (const change of changes) {
        if (change.kind === 'damage') display.damage(change.rect);
        else if (change.kind === 'copy') display.copy(change.op, change.sequence);
        else display.resized();
      }
    };
    for (const state of this.viewers.values()) if (state.display) apply(state.display);
    // The recording is one more picture of the screen, kept the same way as a viewer's.
    if (this.painted && this.recording) apply(this.recording.recorder);
  }

  private onRemoteClipboard(text: string): void {
    if (text.length > MAX_CLIPBOARD_CHARS) return;
    const data = Buffer.from(text, 'utf8');
    // Blobs of whole 3-byte groups, like images: each must decode alone.
    const parts = [encodeInstruction('clipboard', CLIPBOARD_STREAM, 'text/plain')];
    for (let at = 0; at < data.length; at += 6048) parts.push(encodeInstruction('blob', CLIPBOARD_STREAM, data.subarray(at, at + 6048).toString('base64')));
    parts.push(encodeInstruction('end', CLIPBOARD_STREAM));
    // What is copied on the desktop (a password, say) goes only to those driving it, not to watchers.
    const message = parts.join('');
    for (const viewer of this.viewers.keys()) if (canDrive(viewer)) viewer.send(message);
  }

  /** The disk stopped taking the recording: a host that requires one loses the session, others go on unrecorded. */
  private recordingFailed(error: Error): void {
    this.recording = null;
    if (this.host.recording.mode === 'required' && !this.isClosed) this.refuseUnrecorded(new RecordingUnavailableError(this.host.name, error));
    else if (!this.isClosed) this.broadcast(encodeInstruction(RECORDING_OPCODE, 0));
  }

  private refuseUnrecorded(error: RecordingUnavailableError): void {
    this.log.warn({ event: 'desktop.recording_unavailable', err: error.cause.message }, error.message);
    this.broadcast(encodeInstruction('error', error.message, GuacStatus.serverError));
    this.end(GuacStatus.serverError, error.message);
  }

  private broadcast(message: string): void {
    for (const viewer of this.viewers.keys()) viewer.send(message);
  }

  private startDetachTimer(): void {
    clearTimeout(this.detachTimer);
    this.detachedUntil = Date.now() + this.deps.graceMs;
    this.detachTimer = setTimeout(() => this.end(GuacStatus.sessionClosed, 'nobody re-attached within the grace period'), this.deps.graceMs);
    this.detachTimer.unref();
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.round(value)));
}
