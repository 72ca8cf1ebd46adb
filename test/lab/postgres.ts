// Lab part: a throwaway PostgreSQL cluster (Debian package) on a private unix socket, for the multi-instance store.
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const PG_ROOT = '/usr/lib/postgresql';
const SETPRIV = '/usr/bin/setpriv'; // util-linux, always on Debian
const SUPERUSER = 'porthole';
const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;

export interface PostgresLab {
  /** Connection URL of the `porthole` database, e.g. postgres://porthole@/porthole?host=%2Ftmp%2Fporthole-pg-X */
  url: string;
  /** Creates another empty database in the same cluster and returns its URL (isolation per test group). */
  newDatabase(): Promise<string>;
  /** Fast shutdown (SIGINT: open clients are disconnected), waits for exit, removes the cluster's dir. */
  stop(): Promise<void>;
}

/** The highest installed version's bin dir, or undefined. */
function findBinDir(): string | undefined {
  if (!existsSync(PG_ROOT)) return undefined;
  return readdirSync(PG_ROOT)
    .filter((v) => /^\d+(\.\d+)?$/.test(v))
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => join(PG_ROOT, v, 'bin'))
    .find((bin) => existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'postgres')));
}

/** Who runs the cluster: ourselves, or the `postgres` system user when we are root (PostgreSQL refuses root). */
function runAs(): { uid: number; gid: number } | null | undefined {
  if (process.getuid?.() !== 0) return null;
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: 'pipe' }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    return undefined;
  }
}

export interface PostgresFacts {
  platform: NodeJS.Platform;
  binDir: string | undefined;
  isRoot: boolean;
  /** Only asked when root: is there a `postgres` system user to run the cluster as? */
  hasPostgresUser: boolean;
}

/** Pure part of postgresUnavailableReason, apart so every branch can be tested. */
export function explainUnavailable(facts: PostgresFacts): string | null {
  if (facts.platform !== 'linux') return `the PostgreSQL lab runs on Linux only (this is ${facts.platform})`;
  if (!facts.binDir) return `Debian package postgresql is not installed (no ${PG_ROOT}/*/bin/initdb and postgres)`;
  if (facts.isRoot && !facts.hasPostgresUser) {
    return "running as root but there is no 'postgres' system user to run PostgreSQL as (it refuses root); install the Debian package postgresql or run as a non-root user";
  }
  return null;
}

/** Names exactly what is missing to start the lab cluster, or null when it can start. */
export function postgresUnavailableReason(): string | null {
  const isRoot = process.getuid?.() === 0;
  const binDir = process.platform === 'linux' ? findBinDir() : undefined;
  return explainUnavailable({ platform: process.platform, binDir, isRoot, hasPostgresUser: isRoot && runAs() !== undefined });
}

/** For describe.skipIf: why to skip locally, but always null under CI so a missing PostgreSQL fails loudly. */
export function postgresSkipReason(env: NodeJS.ProcessEnv = process.env): string | null {
  return env.CI ? null : postgresUnavailableReason();
}

function urlFor(socketDir: string, database: string): string {
  return `postgres://${SUPERUSER}@/${database}?host=${encodeURIComponent(socketDir)}`;
}

export async function startPostgres(): Promise<PostgresLab> {
  const reason = postgresUnavailableReason();
  if (reason) throw new Error(`cannot start the PostgreSQL lab: ${reason}`);
  const bin = findBinDir()!;
  const user = runAs() ?? undefined;
  // Short path: the socket path (dir + "/.s.PGSQL.5432") must fit in 107 bytes.
  const dir = mkdtempSync(join(tmpdir(), 'porthole-pg-'));
  const data = join(dir, 'data');
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const killOnExit = () => child?.kill('SIGINT'); // fast shutdown goes on after we are gone
  try {
    if (user) chownSync(dir, user.uid, user.gid);
    // The dir itself (0700, owned by the cluster's user) is the socket dir: trust auth reaches only its owner and root.
    const spawnOptions = { cwd: dir, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C', HOME: dir }, ...user };
    await promisify(execFile)(
      join(bin, 'initdb'),
      ['-D', data, '-A', 'trust', '-U', SUPERUSER, '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions'],
      spawnOptions,
    ).catch((err: { stderr?: string; message: string }) => {
      throw new Error(`initdb failed: ${err.stderr?.trim() || err.message}`);
    });

    // Durability off: a throwaway cluster trades crash safety for speed.
    const args = ['-D', data, '-k', dir, '-c', 'listen_addresses=', '-F', '-c', 'full_page_writes=off', '-c', 'synchronous_commit=off'];
    // setpriv --pdeathsig: the kernel stops postgres when this process dies without calling stop() (a killed
    // test worker never runs 'exit' handlers). Set after the uid switch, which would clear it.
    const argv = [...(existsSync(SETPRIV) ? [SETPRIV, '--pdeathsig', 'INT', '--'] : []), join(bin, 'postgres'), ...args];
    const postmaster = spawn(argv[0]!, argv.slice(1), { ...spawnOptions, stdio: ['ignore', 'pipe', 'pipe'] });
    child = postmaster;
    let log = '';
    let gone: string | null = null;
    const keepLog = (chunk: Buffer) => (log = (log + chunk.toString()).slice(-4000));
    postmaster.stdout?.on('data', keepLog);
    postmaster.stderr?.on('data', keepLog);
    // 'close' also follows a failed spawn (which never emits 'exit').
    exited = new Promise<void>((resolve) => postmaster.once('close', () => resolve()));
    postmaster.once('exit', (code, signal) => (gone = `exited (${code ?? signal})`));
    postmaster.once('error', (err) => (gone = `could not be started: ${err.message}`));
    process.once('exit', killOnExit); // and when this process exits normally without stop()

    await waitReady(dir, () => (gone ? `postgres ${gone} before accepting connections:\n${log}` : null));
    await adminQuery(dir, `create database ${SUPERUSER}`);

    let databases = 0;
    return {
      url: urlFor(dir, SUPERUSER),
      async newDatabase() {
        const name = `${SUPERUSER}_${++databases}`;
        await adminQuery(dir, `create database ${name}`);
        return urlFor(dir, name);
      },
      async stop() {
        await stopChild(postmaster, exited);
        process.removeListener('exit', killOnExit);
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    if (child) await stopChild(child, exited);
    process.removeListener('exit', killOnExit);
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** Polls a real connection: the pid file and "ready" log line appear before the socket accepts queries. */
async function waitReady(socketDir: string, failure: () => string | null): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    const failed = failure();
    if (failed) throw new Error(failed);
    try {
      await adminQuery(socketDir, 'select 1');
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`postgres not ready after ${READY_TIMEOUT_MS} ms: ${String(err)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

async function adminQuery(socketDir: string, text: string): Promise<void> {
  const client = new pg.Client({ host: socketDir, user: SUPERUSER, database: 'postgres' });
  client.on('error', () => {}); // a dying server must not crash the test process; the query rejects anyway
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.pid === undefined) return; // never started
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
