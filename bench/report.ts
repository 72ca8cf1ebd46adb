// Renders the benchmark's summary as a markdown table (medians, p99, ratios vs ssh -tt, targets).

export interface Summary {
  bulkMBps: { ssh: number; porthole: number; wetty: number };
  echoMedianMs: { ssh: number; porthole: number; wetty: number; relay: number };
  echoP99Ms: { ssh: number; porthole: number; wetty: number; relay: number };
  /** CPU microseconds per echoed key: ssh client, bare relay, Porthole gateway, WeTTY node + its ssh. */
  cpuUsPerKey: { ssh: number; porthole: number; wetty: number; relay: number };
  loadedEchoMedianMs: { ssh: number; porthole: number };
  loadedEchoP99Ms: { ssh: number; porthole: number };
  loadedStreamMBps: { ssh: number; porthole: number };
  /** Porthole gateway during the loaded echo test. */
  loadedLoop: { loopDelayP99Ms: number; loopDelayMaxMs: number; gcMaxMs: number } | undefined;
  cpuPer100MB: { sshClient: number; porthole: number; wettyNode: number; wettyWithSsh: number };
  idleRssKBPerSession: number;
  idleHeapKBPerSession: number;
  idleSessions: number;
}

const f = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
const ratio = (x: number, base: number) => (Number.isFinite(x) && Number.isFinite(base) && base > 0 ? `${(x / base).toFixed(2)}x` : 'n/a');
const delta = (x: number, base: number) => (Number.isFinite(x) && Number.isFinite(base) ? `${x >= base ? '+' : ''}${(x - base).toFixed(2)} ms` : 'n/a');
const met = (ok: boolean | undefined) => (ok === undefined ? 'n/a' : ok ? 'yes' : '**no**');
const known = (...xs: number[]) => xs.every(Number.isFinite);

export function renderTable(s: Summary): string {
  const rows: string[][] = [
    ['metric', 'ssh -tt', 'Porthole', 'Porthole vs ssh -tt', 'WeTTY', 'WeTTY vs ssh -tt', 'target (Porthole)', 'met'],
    [
      'bulk output, MB/s (median)',
      f(s.bulkMBps.ssh), f(s.bulkMBps.porthole), ratio(s.bulkMBps.porthole, s.bulkMBps.ssh),
      f(s.bulkMBps.wetty), ratio(s.bulkMBps.wetty, s.bulkMBps.ssh),
      '>= 0.9x ssh -tt', met(known(s.bulkMBps.porthole, s.bulkMBps.ssh) ? s.bulkMBps.porthole >= 0.9 * s.bulkMBps.ssh : undefined),
    ],
    [
      'echo round trip, median ms',
      f(s.echoMedianMs.ssh, 2), f(s.echoMedianMs.porthole, 2), delta(s.echoMedianMs.porthole, s.echoMedianMs.ssh),
      f(s.echoMedianMs.wetty, 2), delta(s.echoMedianMs.wetty, s.echoMedianMs.ssh),
      '<= +0.5 ms', met(known(s.echoMedianMs.porthole, s.echoMedianMs.ssh) ? s.echoMedianMs.porthole - s.echoMedianMs.ssh <= 0.5 : undefined),
    ],
    [
      'echo round trip, p99 ms',
      f(s.echoP99Ms.ssh, 2), f(s.echoP99Ms.porthole, 2), delta(s.echoP99Ms.porthole, s.echoP99Ms.ssh),
      f(s.echoP99Ms.wetty, 2), delta(s.echoP99Ms.wetty, s.echoP99Ms.ssh),
      '<= +2 ms', met(known(s.echoP99Ms.porthole, s.echoP99Ms.ssh) ? s.echoP99Ms.porthole - s.echoP99Ms.ssh <= 2 : undefined),
    ],
    [
      'echo p99 ms while another session streams',
      f(s.loadedEchoP99Ms.ssh, 2), f(s.loadedEchoP99Ms.porthole, 2), delta(s.loadedEchoP99Ms.porthole, s.loadedEchoP99Ms.ssh),
      '-', '-', '<= 10 ms', met(Number.isFinite(s.loadedEchoP99Ms.porthole) ? s.loadedEchoP99Ms.porthole <= 10 : undefined),
    ],
    [
      '(same test) echo median ms / stream MB/s',
      `${f(s.loadedEchoMedianMs.ssh, 2)} / ${f(s.loadedStreamMBps.ssh)}`,
      `${f(s.loadedEchoMedianMs.porthole, 2)} / ${f(s.loadedStreamMBps.porthole)}`,
      delta(s.loadedEchoMedianMs.porthole, s.loadedEchoMedianMs.ssh), '-', '-', 'info', '',
    ],
    [
      'server CPU s per 100 MB output (median)',
      `${f(s.cpuPer100MB.sshClient, 2)} (ssh client)`, f(s.cpuPer100MB.porthole, 2), ratio(s.cpuPer100MB.porthole, s.cpuPer100MB.sshClient),
      `${f(s.cpuPer100MB.wettyNode, 2)} (node) / ${f(s.cpuPer100MB.wettyWithSsh, 2)} (+ its ssh)`, ratio(s.cpuPer100MB.wettyWithSsh, s.cpuPer100MB.sshClient),
      'info', '',
    ],
    [
      `RSS per idle session, KB (${s.idleSessions} sessions)`,
      '-', `${f(s.idleRssKBPerSession, 0)} (heap ${f(s.idleHeapKBPerSession, 0)})`, '-', '-', '-',
      '<= 512 KB', met(Number.isFinite(s.idleRssKBPerSession) ? s.idleRssKBPerSession <= 512 : undefined),
    ],
  ];
  return markdownTable(rows);
}

/** Second table: the echo path piece by piece, so a loss can be placed (network hop vs Porthole's own work). */
export function renderEchoBreakdown(s: Summary): string {
  const l = s.loadedLoop;
  return markdownTable([
    ['echo path (quiet)', 'median ms', 'p99 ms', 'CPU us per key, middle process'],
    ['ssh -tt, direct', f(s.echoMedianMs.ssh, 2), f(s.echoP99Ms.ssh, 2), `${f(s.cpuUsPerKey.ssh, 0)} (ssh client)`],
    ['ssh -tt through a bare Node TCP relay', f(s.echoMedianMs.relay, 2), f(s.echoP99Ms.relay, 2), `${f(s.cpuUsPerKey.relay, 0)} (relay)`],
    ['Porthole (WebSocket -> gateway -> ssh2)', f(s.echoMedianMs.porthole, 2), f(s.echoP99Ms.porthole, 2), `${f(s.cpuUsPerKey.porthole, 0)} (gateway)`],
    ['WeTTY (socket.io -> node-pty -> ssh -t)', f(s.echoMedianMs.wetty, 2), f(s.echoP99Ms.wetty, 2), `${f(s.cpuUsPerKey.wetty, 0)} (node + its ssh)`],
  ]) + (l ? `\n\nPorthole gateway while another session streamed: event-loop delay p99 ${f(l.loopDelayP99Ms, 1)} ms, max ${f(l.loopDelayMaxMs, 1)} ms; longest GC pause ${f(l.gcMaxMs, 1)} ms.` : '');
}

/** A markdown table: the first row is the head, the first column left-aligned and the rest right-aligned (numbers). */
export function markdownTable(rows: string[][]): string {
  const [head, ...body] = rows;
  return [
    `| ${head!.join(' | ')} |`,
    `|${head!.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`,
    ...body.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}
