// Renders the desktop benchmark's summary as markdown tables (medians, Porthole/noVNC ratios, targets).
import { markdownTable } from './report.js';

export interface PeerSummary {
  firstFrameMs: number;
  firstFrameFromSocketMs: number;
  /** Medians, ms after navigation: DOMContentLoaded, WebSocket created, WebSocket open. */
  loadedMs: number;
  socketCreatedMs: number;
  socketOpenMs: number;
  /** Median ms after navigation at which the data of the first frame had arrived. */
  dataMs: number;
  keyMedianMs: number;
  keyP90Ms: number;
  keyMisses: number;
  keys: number;
  sceneBytes: number;
  sceneMessages: number;
  sceneCpuPerMin: number;
  idleCpuPerMin: number;
  idleBytesPerMin: number;
  /** The gateway / websockify with no session and no page at all. */
  noSessionCpuPerMin: number;
  xvncCpuPerMin: number;
  browserCpuPerMin: number;
  connectBytes: number;
  /** Porthole SSH echo while this peer's desktop plays the scene. */
  echoBusyP99Ms: number;
  echoBusyMedianMs: number;
  echoBusyN: number;
}

export interface DesktopSummary {
  porthole: PeerSummary;
  novnc: PeerSummary;
  /** Porthole SSH echo with the Porthole desktop connected and still. */
  echoIdleP99Ms: number;
  echoIdleMedianMs: number;
  echoIdleN: number;
}

/** "Next to no CPU" for an idle desktop, made a number: 1% of one core. */
export const IDLE_CPU_TARGET_S_PER_MIN = 0.6;

const f = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
const ratio = (x: number, base: number) => (Number.isFinite(x) && Number.isFinite(base) && base > 0 ? `${(x / base).toFixed(2)}x` : 'n/a');
const met = (ok: boolean | undefined) => (ok === undefined ? 'n/a' : ok ? 'yes' : '**no**');
const known = (...xs: number[]) => xs.every(Number.isFinite);
const mb = (bytes: number) => f(bytes / 1e6, 2);

export function renderDesktopTable(s: DesktopSummary): string {
  const p = s.porthole;
  const n = s.novnc;
  const rows: string[][] = [
    ['metric', 'Porthole', 'noVNC', 'Porthole / noVNC', 'target (Porthole)', 'met'],
    ['first frame after page navigation, median ms', f(p.firstFrameMs, 0), f(n.firstFrameMs, 0), ratio(p.firstFrameMs, n.firstFrameMs), '<= 300 ms', met(known(p.firstFrameMs) ? p.firstFrameMs <= 300 : undefined)],
    ['(same) from the page creating its WebSocket, median ms', f(p.firstFrameFromSocketMs, 0), f(n.firstFrameFromSocketMs, 0), ratio(p.firstFrameFromSocketMs, n.firstFrameFromSocketMs), 'info', ''],
    [
      '(same) path, median ms after navigation: scripts ran / WebSocket created / open / first-frame data in',
      `${f(p.loadedMs, 0)} / ${f(p.socketCreatedMs, 0)} / ${f(p.socketOpenMs, 0)} / ${f(p.dataMs, 0)}`,
      `${f(n.loadedMs, 0)} / ${f(n.socketCreatedMs, 0)} / ${f(n.socketOpenMs, 0)} / ${f(n.dataMs, 0)}`, '', 'info', '',
    ],
    [
      'keystroke to pixel, median ms (frame that shows it)',
      f(p.keyMedianMs), f(n.keyMedianMs), ratio(p.keyMedianMs, n.keyMedianMs), '<= 1.2x noVNC',
      met(known(p.keyMedianMs, n.keyMedianMs) ? p.keyMedianMs <= 1.2 * n.keyMedianMs : undefined),
    ],
    ['(same) p90 ms', f(p.keyP90Ms), f(n.keyP90Ms), ratio(p.keyP90Ms, n.keyP90Ms), 'info', ''],
    ['bytes to the browser during the scene, MB (median)', mb(p.sceneBytes), mb(n.sceneBytes), ratio(p.sceneBytes, n.sceneBytes), '<= 1.5x noVNC', met(known(p.sceneBytes, n.sceneBytes) ? p.sceneBytes <= 1.5 * n.sceneBytes : undefined)],
    ['(same) WebSocket messages', f(p.sceneMessages, 0), f(n.sceneMessages, 0), ratio(p.sceneMessages, n.sceneMessages), 'info', ''],
    ['bytes to the browser in the first second after connecting, KB (median)', f(p.connectBytes / 1e3), f(n.connectBytes / 1e3), ratio(p.connectBytes, n.connectBytes), 'info', ''],
    ['server CPU s per minute during the scene (Porthole gateway / websockify)', f(p.sceneCpuPerMin, 2), f(n.sceneCpuPerMin, 2), ratio(p.sceneCpuPerMin, n.sceneCpuPerMin), 'info', ''],
    [
      'server CPU s per minute, desktop idle',
      f(p.idleCpuPerMin, 3), f(n.idleCpuPerMin, 3), ratio(p.idleCpuPerMin, n.idleCpuPerMin), `<= ${IDLE_CPU_TARGET_S_PER_MIN} (1% of a core)`,
      met(known(p.idleCpuPerMin) ? p.idleCpuPerMin <= IDLE_CPU_TARGET_S_PER_MIN : undefined),
    ],
    ['(same) bytes to the browser per idle minute', f(p.idleBytesPerMin, 0), f(n.idleBytesPerMin, 0), ratio(p.idleBytesPerMin, n.idleBytesPerMin), 'info', ''],
    ['(same) with no session and no page, CPU s per minute', f(p.noSessionCpuPerMin, 3), f(n.noSessionCpuPerMin, 3), '', 'info', ''],
    ['Xvnc CPU s per minute during the scene', f(p.xvncCpuPerMin, 2), f(n.xvncCpuPerMin, 2), ratio(p.xvncCpuPerMin, n.xvncCpuPerMin), 'info', ''],
    ['Chromium CPU s per minute during the scene', f(p.browserCpuPerMin, 2), f(n.browserCpuPerMin, 2), ratio(p.browserCpuPerMin, n.browserCpuPerMin), 'info', ''],
    [
      'SSH echo p99 ms (Porthole terminal) while the desktop plays the scene',
      f(p.echoBusyP99Ms, 2), f(n.echoBusyP99Ms, 2), ratio(p.echoBusyP99Ms, n.echoBusyP99Ms), '<= 10 ms',
      met(known(p.echoBusyP99Ms) ? p.echoBusyP99Ms <= 10 : undefined),
    ],
    ['(same) median ms', f(p.echoBusyMedianMs, 2), f(n.echoBusyMedianMs, 2), ratio(p.echoBusyMedianMs, n.echoBusyMedianMs), 'info', ''],
  ];
  return markdownTable(rows) + `\n\nSSH echo through Porthole with the Porthole desktop connected and still: median ${f(s.echoIdleMedianMs, 2)} ms, p99 ${f(s.echoIdleP99Ms, 2)} ms (n=${s.echoIdleN}). ` +
    `The noVNC column of the echo rows is the same Porthole terminal while noVNC (not Porthole) carries the busy desktop: the machine's load without the gateway's share.`;
}
