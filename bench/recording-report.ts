// Renders the recording benchmark's results as markdown tables: terminal throughput on/off vs ssh -tt, desktop bytes and CPU per minute.
import { markdownTable } from './report.js';

export interface TerminalSummary {
  mbps: { ssh: number; off: number; on: number; input: number };
  /** Median over rounds of (this round's "on" MB/s / this round's "off" MB/s). */
  pairedRatio: { on: number; input: number };
  cpuPer100MB: { ssh: number; off: number; on: number; input: number };
  /** Recording file bytes per byte of terminal output the client received (NaN when there is no recording). */
  castPerOutputByte: { on: number; input: number };
  /** "ok: all N MB present" or what was wrong, per recorded host; and how many recordings the "off" host got. */
  castCheck: { on: string; input: string; off: string };
  rounds: number;
  bulkMB: number;
}

/** Per-minute figures of one condition (median over its runs). */
export interface DesktopRates {
  recBytesPerMin: number;
  viewerBytesPerMin: number;
  rfbBytesPerMin: number;
  gatewayCpuPerMin: number;
  xvncCpuPerMin: number;
  recFramesPerMin: number;
  viewerFramesPerMin: number;
}

export interface DesktopSummary {
  activity: { on: DesktopRates; off: DesktopRates };
  idle: { on: DesktopRates; off: DesktopRates };
  activitySeconds: number;
  idleSeconds: number;
  runsPerMode: number;
}

/** The target: recording costs terminal throughput at most 5%. */
export const THROUGHPUT_TARGET = 0.95;

const f = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
const ratio = (x: number, base: number) => (Number.isFinite(x) && Number.isFinite(base) && base > 0 ? `${(x / base).toFixed(2)}x` : 'n/a');
const times = (x: number) => (Number.isFinite(x) ? `${x.toFixed(2)}x` : 'n/a');
const met = (ok: boolean | undefined) => (ok === undefined ? 'n/a' : ok ? 'yes' : '**no**');
/** Bytes per minute, readable: "812 KB" style with the unit spelt out in the row name. */
const kb = (bytes: number) => f(bytes / 1e3, bytes < 1e4 ? 2 : 0);

export function renderTerminalTable(s: TerminalSummary): string {
  const onRatio = s.mbps.on / s.mbps.off;
  return markdownTable([
    ['terminal (bulk output through the gateway)', 'ssh -tt', 'recording off', 'recording on', 'on / off', 'on + input', '(on + input) / off', 'target', 'met'],
    [
      `bulk output MB/s, median of ${s.rounds} x ${s.bulkMB} MB`, f(s.mbps.ssh), f(s.mbps.off), f(s.mbps.on), ratio(s.mbps.on, s.mbps.off), f(s.mbps.input), ratio(s.mbps.input, s.mbps.off),
      `on >= ${THROUGHPUT_TARGET}x off`, met(Number.isFinite(onRatio) ? onRatio >= THROUGHPUT_TARGET : undefined),
    ],
    ['(same) median of the per-round ratios', '-', '-', '-', times(s.pairedRatio.on), '-', times(s.pairedRatio.input), 'info', ''],
    ['(same) vs ssh -tt', '1.00x', ratio(s.mbps.off, s.mbps.ssh), ratio(s.mbps.on, s.mbps.ssh), '', ratio(s.mbps.input, s.mbps.ssh), '', 'info', ''],
    [
      'CPU s per 100 MB output, median (gateway; ssh -tt: the ssh client)', f(s.cpuPer100MB.ssh, 2), f(s.cpuPer100MB.off, 2), f(s.cpuPer100MB.on, 2),
      ratio(s.cpuPer100MB.on, s.cpuPer100MB.off), f(s.cpuPer100MB.input, 2), ratio(s.cpuPer100MB.input, s.cpuPer100MB.off), 'info', '',
    ],
    ['recording file bytes per byte of output', '-', '-', f(s.castPerOutputByte.on, 3), '', f(s.castPerOutputByte.input, 3), '', 'info', ''],
    ['recording holds every output byte', '-', s.castCheck.off, s.castCheck.on, '', s.castCheck.input, '', 'all present', met(s.castCheck.on.startsWith('ok') && s.castCheck.input.startsWith('ok') && s.castCheck.off.startsWith('ok'))],
  ]);
}

export function renderDesktopTable(s: DesktopSummary): string {
  const { activity: a, idle: i } = s;
  const row = (name: string, pick: (r: DesktopRates) => number, digits: number, fmt: (x: number) => string = (x) => f(x, digits)) => [
    name, fmt(pick(a.on)), fmt(pick(a.off)), ratio(pick(a.on), pick(a.off)), fmt(pick(i.on)), fmt(pick(i.off)),
  ];
  return markdownTable([
    ['desktop (VNC, 1280x800, one viewer)', `activity, recording on`, `activity, recording off`, 'on / off', 'idle, recording on', 'idle, recording off'],
    ['recording, KB per minute', kb(a.on.recBytesPerMin), '-', '', kb(i.on.recBytesPerMin), '-'],
    ['(same) MB per hour', f((a.on.recBytesPerMin * 60) / 1e6), '-', '', f((i.on.recBytesPerMin * 60) / 1e6, 2), '-'],
    row('to the viewer (WebSocket payload), KB per minute', (r) => r.viewerBytesPerMin, 0, kb),
    row('RFB from Xvnc to the gateway (TCP relay), KB per minute', (r) => r.rfbBytesPerMin, 0, kb),
    ['recording / RFB bytes', ratio(a.on.recBytesPerMin, a.on.rfbBytesPerMin), '-', '', ratio(i.on.recBytesPerMin, i.on.rfbBytesPerMin), '-'],
    ['recording / viewer bytes', ratio(a.on.recBytesPerMin, a.on.viewerBytesPerMin), '-', '', ratio(i.on.recBytesPerMin, i.on.viewerBytesPerMin), '-'],
    ['frames per minute: recorded / sent to the viewer', `${f(a.on.recFramesPerMin, 0)} / ${f(a.on.viewerFramesPerMin, 0)}`, `- / ${f(a.off.viewerFramesPerMin, 0)}`, '', `${f(i.on.recFramesPerMin, 0)} / ${f(i.on.viewerFramesPerMin, 0)}`, `- / ${f(i.off.viewerFramesPerMin, 0)}`],
    row('gateway CPU s per minute', (r) => r.gatewayCpuPerMin, 3),
    row('Xvnc CPU s per minute (reference)', (r) => r.xvncCpuPerMin, 3),
  ]);
}
