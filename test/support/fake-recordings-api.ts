// Answers /api/recordings in a browser context from fixture files, so the recordings pages can be tested before (or apart from) the server side.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Route } from 'playwright-core';
import type { RecordingSearchResult, RecordingView } from '../../shared/recording-types.js';

const fixtures = join(import.meta.dirname, '..', 'fixtures', 'recordings');
export const TERMINAL_CAST = readFileSync(join(fixtures, 'terminal.cast'));
export const DESKTOP_GUAC = readFileSync(join(fixtures, 'desktop.guac'));

// Recent, so the list reads like a real one ("2 hours ago", live sessions a few minutes long).
const base = Math.floor(Date.now() / 60_000) * 60_000 - 2 * 3_600_000;

export const SSH_RECORDING: RecordingView = {
  id: 'rec-ssh', sessionId: 'sess-ssh', hostId: 'host-ssh', hostName: 'lab-ssh', protocol: 'ssh', format: 'asciicast',
  user: { principal: 'alice@example.com', name: 'Alice', device: 'laptop' }, startedAt: base, endedAt: base + 6500,
  bytes: TERMINAL_CAST.length, input: true, sealed: true, state: 'interrupted', endReason: 'the gateway stopped', width: 80, height: 24,
};

export const VNC_RECORDING: RecordingView = {
  id: 'rec-vnc', sessionId: 'sess-vnc', hostId: 'host-vnc', hostName: 'lab-desktop', protocol: 'vnc', format: 'guacamole',
  user: { principal: 'bob@example.com', name: 'Bob', device: null }, startedAt: base - 60_000, endedAt: base - 56_000,
  bytes: DESKTOP_GUAC.length, input: true, sealed: false, state: 'complete', endReason: null, width: 64, height: 64,
};

/** A recording whose file is not what its format says, for the error card. */
export const BROKEN_RECORDING: RecordingView = { ...VNC_RECORDING, id: 'rec-broken', hostName: 'broken-desktop', startedAt: base - 120_000, endedAt: base - 119_000 };

/** Older filler, enough for a second page: the newest still live, every fifth failed. */
const FILLER: RecordingView[] = Array.from({ length: 55 }, (_, i) => ({
  ...SSH_RECORDING,
  id: `rec-old-${i}`, hostId: 'host-old', hostName: `old-host-${i % 4}`, startedAt: base - 3_600_000 * (i + 1), endedAt: i === 0 ? null : base - 3_600_000 * (i + 1) + 95_000 * (i + 1),
  bytes: 4096 * (i + 1) * 37, input: i % 2 === 0, state: i === 0 ? 'recording' : i % 5 === 0 ? 'failed' : 'complete',
}));

export interface FakeRecordingsApi {
  deleted: string[];
  /** The `before` of each list request, in order (undefined for a first page). */
  pages: (number | undefined)[];
}

/** Routes every /api/recordings request of `context` to fixtures; the rest of /api goes to the real gateway. */
export async function fakeRecordingsApi(context: BrowserContext, options: { empty?: boolean } = {}): Promise<FakeRecordingsApi> {
  const state: FakeRecordingsApi = { deleted: [], pages: [] };
  const all = () => (options.empty ? [] : [SSH_RECORDING, VNC_RECORDING, BROKEN_RECORDING, ...FILLER]).filter((r) => !state.deleted.includes(r.id));
  const json = (route: Route, body: unknown, status = 200) => route.fulfill({ status, contentType: 'application/json', body: JSON.stringify(body) });
  await context.route(/\/api\/recordings(\/|\?|$)/, async (route) => {
    const url = new URL(route.request().url());
    const method = route.request().method();
    const [, , , id, file] = url.pathname.split('/');
    if (!id && method === 'GET') {
      const before = url.searchParams.get('before');
      state.pages.push(before ? Number(before) : undefined);
      const list = all()
        .filter((r) => (!url.searchParams.get('host') || r.hostId === url.searchParams.get('host')) && (!url.searchParams.get('protocol') || r.protocol === url.searchParams.get('protocol')))
        .filter((r) => !before || r.startedAt < Number(before))
        .sort((a, b) => b.startedAt - a.startedAt)
        .slice(0, Number(url.searchParams.get('limit') ?? 50));
      return json(route, list);
    }
    if (id === 'search') {
      const q = (url.searchParams.get('q') ?? '').toLowerCase();
      const lines: [number, string][] = [[1.0, 'alice@lab:~$ echo first-marker'], [1.1, 'first-marker'], [4.0, 'alice@lab:~$ echo second-marker'], [4.1, 'second-marker']];
      const result: RecordingSearchResult = { hits: lines.filter(([, line]) => line.toLowerCase().includes(q)).map(([at, line]) => ({ recording: SSH_RECORDING, at, line, stream: 'output' })), searched: all().length, truncated: false };
      return json(route, result);
    }
    const rec = all().find((r) => r.id === id);
    if (!rec) return json(route, { error: { code: 'not-found', message: 'no such recording' } }, 404);
    if (method === 'DELETE') {
      state.deleted.push(rec.id);
      return route.fulfill({ status: 204 });
    }
    if (file === 'file') {
      const body = rec.id === 'rec-broken' ? Buffer.from('not.a guacamole stream;') : rec.format === 'asciicast' ? TERMINAL_CAST : DESKTOP_GUAC;
      return route.fulfill({ status: 200, headers: { 'content-type': rec.format === 'asciicast' ? 'application/x-asciicast' : 'application/octet-stream', 'content-length': String(body.length) }, body });
    }
    return json(route, rec);
  });
  return state;
}
