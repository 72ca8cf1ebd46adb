// Renders the share benchmark's summary as markdown: owner cost of watchers (ratio vs none, target), memory per viewer, revocation.
import { median } from './measure.js';
import { markdownTable } from './report.js';

interface EchoStat {
  median: number;
  p90: number;
  p99: number;
  n: number;
}

export interface ShareSummary {
  viewers: number;
  many: number;
  seq: number;
  echo?: {
    none: EchoStat;
    viewers: EchoStat;
    gatewayCpuUsPerKey: { none: number; viewers: number };
    /** The viewers' process (the guests' browsers, here on the same 2 cores). */
    viewerCpuUsPerKey: { none: number; viewers: number };
    /** Per interleaved pair: median with viewers / median without. */
    pairRatios: number[];
  };
  burst?: {
    ownerMBps: { none: number; viewers: number };
    ownerMs: { none: number; viewers: number };
    gatewayCpuS: { none: number; viewers: number };
    viewerSeenMedianMs: number;
    viewerSeenMaxMs: number;
    resyncs: number;
    /** Viewer-bursts in which a viewer never showed the last line (stranded while lagging). */
    stuck: number;
    /** Of those, the ones that had parsed and acked everything and then got nothing more. */
    stranded: number;
    bursts: number;
  };
  memory?: { viewers: number; rss: number; heapUsed: number; procRss: number; external: number }[];
  revoke?: { closeMedianMs: number; closeMaxMs: number; deleteMedianMs: number; n: number; reps: number };
}

const f = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');
const ratio = (x: number, base: number) => (Number.isFinite(x) && Number.isFinite(base) && base > 0 ? `${(x / base).toFixed(2)}x` : 'n/a');
const met = (ok: boolean | undefined) => (ok === undefined ? 'n/a' : ok ? 'yes' : '**no**');

export function renderShareReport(s: ShareSummary, header: string, raw: string[], notes: string[]): string {
  const n = s.viewers;
  const rows: string[][] = [['metric', 'no viewers', `${n} viewers`, `${n} viewers / none`, 'target', 'met']];
  const e = s.echo;
  if (e) {
    const r = e.viewers.median / e.none.median;
    rows.push(
      [`owner echo, median ms (n=${e.none.n} / ${e.viewers.n})`, f(e.none.median, 2), f(e.viewers.median, 2), ratio(e.viewers.median, e.none.median), '<= 1.2x', met(Number.isFinite(r) ? r <= 1.2 : undefined)],
      [`(same) median of the ${e.pairRatios.length} per-pair ratios of medians`, '', '', `${f(median(e.pairRatios), 2)}x`, 'info', ''],
      ['owner echo, p90 ms', f(e.none.p90, 2), f(e.viewers.p90, 2), ratio(e.viewers.p90, e.none.p90), 'info', ''],
      ['owner echo, p99 ms', f(e.none.p99, 2), f(e.viewers.p99, 2), ratio(e.viewers.p99, e.none.p99), 'info', ''],
      ['gateway CPU us per echoed key (median of rounds)', f(e.gatewayCpuUsPerKey.none, 0), f(e.gatewayCpuUsPerKey.viewers, 0), ratio(e.gatewayCpuUsPerKey.viewers, e.gatewayCpuUsPerKey.none), 'info', ''],
      ['viewer process CPU us per echoed key (the guests, same machine)', f(e.viewerCpuUsPerKey.none, 0), f(e.viewerCpuUsPerKey.viewers, 0), '', 'info', ''],
    );
  }
  const b = s.burst;
  if (b) {
    rows.push(
      [`owner throughput during \`seq 1 ${s.seq}\`, MB/s (median of ${b.bursts})`, f(b.ownerMBps.none), f(b.ownerMBps.viewers), ratio(b.ownerMBps.viewers, b.ownerMBps.none), 'info', ''],
      ['gateway CPU s per burst (until every viewer has it)', f(b.gatewayCpuS.none, 3), f(b.gatewayCpuS.viewers, 3), ratio(b.gatewayCpuS.viewers, b.gatewayCpuS.none), 'info', ''],
      ['(same bursts) viewers have the last line, ms from Enter: median / max', `owner ${f(b.ownerMs.none, 0)}`, `${f(b.viewerSeenMedianMs, 0)} / ${f(b.viewerSeenMaxMs, 0)} (owner ${f(b.ownerMs.viewers, 0)}); ${b.resyncs} resyncs; ${b.stuck} of ${b.bursts * s.viewers} never (${b.stranded} stranded)`, '', 'info', ''],
    );
  }
  const tables = [markdownTable(rows)];
  const m = s.memory;
  if (m?.length) {
    const base = m[0]!;
    const mem: string[][] = [[
      'viewers attached to one session', 'gateway RSS MiB', 'V8 heap used MiB', 'per viewer vs none: RSS / heap KB', 'per added viewer vs the row above: RSS / heap KB',
    ]];
    m.forEach((p, i) => {
      const prev = m[i - 1];
      const per = (from: typeof p) => `${f((p.rss - from.rss) / 1024 / (p.viewers - from.viewers), 0)} / ${f((p.heapUsed - from.heapUsed) / 1024 / (p.viewers - from.viewers), 0)}`;
      mem.push([String(p.viewers), f(p.rss / 1048576), f(p.heapUsed / 1048576), p.viewers > 0 ? per(base) : '-', prev && i > 1 ? per(prev) : '-']);
    });
    tables.push(markdownTable(mem));
  }
  const r = s.revoke;
  if (r) {
    tables.push(
      `Revocation (info): DELETE /api/shares/:id to each of ${n} viewers' WebSocket close event, ${r.reps} revocations (${r.n} closes): ` +
        `median ${f(r.closeMedianMs)} ms, max ${f(r.closeMaxMs)} ms; the DELETE itself answered after ${f(r.deleteMedianMs)} ms (median).`,
    );
  }
  return [
    '# Share benchmark (latest run)',
    '',
    header,
    '',
    ...tables.flatMap((t) => [t, '']),
    ...(raw.length ? ['Raw numbers:', '', ...raw, ''] : []),
    ...(notes.length ? ['Notes:', '', ...notes.map((x) => `- ${x}`), ''] : []),
  ].join('\n');
}
