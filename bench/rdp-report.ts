// Renders the RDP benchmark's summary as a markdown table (medians, Porthole / xfreerdp ratios, targets).
import { IDLE_CPU_TARGET_S_PER_MIN } from './desktop-report.js';
import { markdownTable } from './report.js';

export { IDLE_CPU_TARGET_S_PER_MIN };

/** Issue 6: Porthole's first frame at most this many times xfreerdp's. */
export const FIRST_FRAME_TARGET_RATIO = 1.2;

export interface RdpPeerSummary {
  firstFrameMs: number;
  firstFrameN: number;
  /** Connections (warm-ups and rounds included) that showed no first frame within the timeout. */
  firstFrameFailures: number;
  keyMedianMs: number;
  keyP90Ms: number;
  keys: number;
  keyMisses: number;
  /** Server CPU s per minute: Porthole = gateway + helper; xfreerdp = its own process. */
  activityCpuPerMin: number;
  idleCpuPerMin: number;
  /** The client side beside it: Chromium (all its processes) for Porthole, the Xvfb xfreerdp draws into. */
  activityViewerCpuPerMin: number;
  idleViewerCpuPerMin: number;
  /** xrdp (listener + its per-connection process) and the session's Xorg, during this peer's windows. */
  activityXrdpCpuPerMin: number;
  idleXrdpCpuPerMin: number;
}

export interface RdpPortholeExtras {
  /** ms from the page creating its WebSocket to the first frame. */
  firstFrameFromSocketMs: number;
  /** Medians, ms after navigation: DOMContentLoaded, WebSocket created, open, first-frame data in. */
  loadedMs: number;
  socketCreatedMs: number;
  socketOpenMs: number;
  dataMs: number;
  /** From the gateway's log, ms after navigation: the session created (the page's POST), the helper READY. */
  sessionCreatedMs: number;
  helperReadyMs: number;
  /** Keystroke to pixel by the page's 4 ms poll (the xfreerdp number is by a 4 ms poll too). */
  keyPollMedianMs: number;
  keyPollP90Ms: number;
  activityGatewayCpuPerMin: number;
  activityHelperCpuPerMin: number;
  idleGatewayCpuPerMin: number;
  idleHelperCpuPerMin: number;
  activityBytes: number;
  idleBytesPerMin: number;
  noSessionCpuPerMin: number;
}

const f = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
const ratio = (x: number, base: number) => (Number.isFinite(x) && Number.isFinite(base) && base > 0 ? `${(x / base).toFixed(2)}x` : 'n/a');
const met = (ok: boolean | undefined) => (ok === undefined ? 'n/a' : ok ? 'yes' : '**no**');
const known = (...xs: number[]) => xs.every(Number.isFinite);

export function renderRdpTable(p: RdpPeerSummary, x: RdpPeerSummary, e: RdpPortholeExtras): string {
  const rows: string[][] = [
    ['metric', 'Porthole', 'xfreerdp', 'Porthole / xfreerdp', 'target (Porthole)', 'met'],
    [
      `first frame, median ms (Porthole: page navigation; xfreerdp: process spawn; to the root colour on screen) n=${p.firstFrameN}/${x.firstFrameN}`,
      f(p.firstFrameMs, 0), f(x.firstFrameMs, 0), ratio(p.firstFrameMs, x.firstFrameMs), `<= ${FIRST_FRAME_TARGET_RATIO}x xfreerdp`,
      met(known(p.firstFrameMs, x.firstFrameMs) ? p.firstFrameMs <= FIRST_FRAME_TARGET_RATIO * x.firstFrameMs : undefined),
    ],
    ['(same) connections with no first frame within 30 s (all phases)', String(p.firstFrameFailures), String(x.firstFrameFailures), '', '0', met(p.firstFrameFailures === 0)],
    ['(same) Porthole from the page creating its WebSocket, median ms', f(e.firstFrameFromSocketMs, 0), f(x.firstFrameMs, 0), ratio(e.firstFrameFromSocketMs, x.firstFrameMs), 'info', ''],
    [
      '(same) Porthole path, median ms after navigation: scripts ran / session created / WebSocket created / open / helper READY / first-frame data in',
      `${f(e.loadedMs, 0)} / ${f(e.sessionCreatedMs, 0)} / ${f(e.socketCreatedMs, 0)} / ${f(e.socketOpenMs, 0)} / ${f(e.helperReadyMs, 0)} / ${f(e.dataMs, 0)}`, '', '', 'info', '',
    ],
    [
      `keystroke to pixel, median ms (Porthole: frame that shows it; xfreerdp: 4 ms poll of its window) n=${p.keys}/${x.keys}`,
      f(p.keyMedianMs), f(x.keyMedianMs), ratio(p.keyMedianMs, x.keyMedianMs), 'info', '',
    ],
    ['(same) Porthole by the page\'s 4 ms poll, like xfreerdp\'s', f(e.keyPollMedianMs), f(x.keyMedianMs), ratio(e.keyPollMedianMs, x.keyMedianMs), 'info', ''],
    ['(same) p90 ms (Porthole frame / poll)', `${f(p.keyP90Ms)} / ${f(e.keyPollP90Ms)}`, f(x.keyP90Ms), ratio(p.keyP90Ms, x.keyP90Ms), 'info', ''],
    [
      'server CPU s per minute during the activity (Porthole: gateway + helper; xfreerdp: its process)',
      f(p.activityCpuPerMin, 2), f(x.activityCpuPerMin, 2), ratio(p.activityCpuPerMin, x.activityCpuPerMin), 'info', '',
    ],
    ['(same) Porthole gateway / helper', `${f(e.activityGatewayCpuPerMin, 2)} / ${f(e.activityHelperCpuPerMin, 2)}`, '', '', 'info', ''],
    [
      'server CPU s per minute, session connected and idle',
      f(p.idleCpuPerMin, 3), f(x.idleCpuPerMin, 3), ratio(p.idleCpuPerMin, x.idleCpuPerMin), `<= ${IDLE_CPU_TARGET_S_PER_MIN} (1% of a core)`,
      met(known(p.idleCpuPerMin) ? p.idleCpuPerMin <= IDLE_CPU_TARGET_S_PER_MIN : undefined),
    ],
    ['(same) Porthole gateway / helper', `${f(e.idleGatewayCpuPerMin, 3)} / ${f(e.idleHelperCpuPerMin, 3)}`, '', '', 'info', ''],
    ['(same) Porthole gateway with no session and no page, CPU s per minute', f(e.noSessionCpuPerMin, 3), '', '', 'info', ''],
    ['bytes to the browser: during the activity, MB / per idle minute, KB (Porthole)', `${f(e.activityBytes / 1e6, 2)} / ${f(e.idleBytesPerMin / 1e3, 1)}`, '', '', 'info', ''],
    [
      'client-side CPU s per minute during the activity (Chromium, all processes / the Xvfb xfreerdp draws into)',
      f(p.activityViewerCpuPerMin, 2), f(x.activityViewerCpuPerMin, 2), ratio(p.activityViewerCpuPerMin, x.activityViewerCpuPerMin), 'info', '',
    ],
    ['(same) idle', f(p.idleViewerCpuPerMin, 3), f(x.idleViewerCpuPerMin, 3), ratio(p.idleViewerCpuPerMin, x.idleViewerCpuPerMin), 'info', ''],
    [
      'xrdp + session Xorg CPU s per minute during the activity (same server, either client)',
      f(p.activityXrdpCpuPerMin, 2), f(x.activityXrdpCpuPerMin, 2), ratio(p.activityXrdpCpuPerMin, x.activityXrdpCpuPerMin), 'info', '',
    ],
    ['(same) idle', f(p.idleXrdpCpuPerMin, 3), f(x.idleXrdpCpuPerMin, 3), ratio(p.idleXrdpCpuPerMin, x.idleXrdpCpuPerMin), 'info', ''],
  ];
  return markdownTable(rows);
}
