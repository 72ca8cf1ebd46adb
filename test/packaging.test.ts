// Checks the deployment files as written (compose.yaml, deploy/tailscale/serve.json, Dockerfile, package.json) for the promises the README makes.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { DEFAULT_PORT } from '../server/config/defaults.js';

const root = join(import.meta.dirname, '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

// ---------- compose.yaml ----------

interface Service {
  image?: string;
  build?: unknown;
  environment?: Record<string, string | number | boolean | null> | string[];
  volumes?: (string | { type?: string; source?: string; target?: string; read_only?: boolean })[];
  network_mode?: string;
  ports?: unknown[];
  depends_on?: unknown;
}
interface Compose {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
}
interface Mount {
  source: string;
  target: string;
  readOnly: boolean;
}

const composeText = read('compose.yaml');
const compose = parseYaml(composeText) as Compose;

function service(name: string): Service {
  const s = compose.services[name];
  if (!s) throw new Error(`compose.yaml has no service "${name}"`);
  return s;
}

/** Environment in either compose form (map or KEY=VALUE list). */
function envOf(s: Service): Record<string, string> {
  const env = s.environment ?? {};
  if (Array.isArray(env)) {
    return Object.fromEntries(env.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
  }
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v ?? '')]));
}

/** Volumes in either compose form (short "src:target[:ro]" or long {source, target}). */
function mountsOf(s: Service): Mount[] {
  return (s.volumes ?? []).map((v) => {
    if (typeof v === 'string') {
      const [source = '', target = '', mode = ''] = v.split(':');
      return { source, target, readOnly: mode.split(',').includes('ro') };
    }
    return { source: v.source ?? '', target: v.target ?? '', readOnly: v.read_only === true };
  });
}

const isNamedVolume = (source: string) => Object.hasOwn(compose.volumes ?? {}, source);
const isBindMount = (source: string) => source.startsWith('./') || source.startsWith('/') || source.startsWith('../');

/** The mount whose target contains `path`, with the path's part below the target. */
function mountHolding(s: Service, path: string): { mount: Mount; rest: string } | undefined {
  for (const mount of mountsOf(s)) {
    const rel = posix.relative(mount.target, path);
    if (rel && !rel.startsWith('..') && !posix.isAbsolute(rel)) return { mount, rest: rel };
  }
  return undefined;
}

const tailscale = service('tailscale');
const porthole = service('porthole');
const tsEnv = envOf(tailscale);
const phEnv = envOf(porthole);

/** serve.json as compose mounts it into the sidecar: found through TS_SERVE_CONFIG, not by a fixed name. */
function serveConfigHostPath(): string {
  const inContainer = tsEnv.TS_SERVE_CONFIG;
  if (!inContainer) throw new Error('TS_SERVE_CONFIG is not set on the tailscale service');
  const held = mountHolding(tailscale, inContainer);
  if (!held) throw new Error(`no volume of the tailscale service holds ${inContainer}`);
  return resolve(root, held.mount.source, held.rest);
}

describe('compose.yaml', () => {
  it('starts with a one-line comment saying what it is for', () => {
    expect(composeText.split('\n')[0]).toMatch(/^# \S.{20,}/);
  });

  it('runs the tailscale image with the auth key taken from the environment', () => {
    expect(tailscale.image).toMatch(/^tailscale\/tailscale(:|$)/);
    expect(tsEnv.TS_AUTHKEY).toMatch(/^\$\{TS_AUTHKEY(?:[:?-][^}]*)?\}$/);
  });

  it('keeps tailscaled state in a named volume (else the node is lost on restart)', () => {
    const stateDir = tsEnv.TS_STATE_DIR;
    expect(stateDir).toBeTruthy();
    const mount = mountsOf(tailscale).find((m) => m.target === stateDir);
    expect(mount, `a volume mounted at ${stateDir}`).toBeDefined();
    expect(isNamedVolume(mount!.source)).toBe(true);
  });

  it('runs tailscaled with a tun device, not in userspace mode (no loopback forwarding from peers)', () => {
    expect(String(tsEnv.TS_USERSPACE).toLowerCase()).toBe('false');
  });

  it('points TS_SERVE_CONFIG at a file from ./deploy/tailscale, mounted read-only, that exists', () => {
    const held = mountHolding(tailscale, tsEnv.TS_SERVE_CONFIG ?? '');
    expect(held, 'a mount holding TS_SERVE_CONFIG').toBeDefined();
    expect(posix.normalize(held!.mount.source)).toBe('deploy/tailscale');
    expect(held!.mount.readOnly).toBe(true);
    expect(existsSync(serveConfigHostPath())).toBe(true);
  });

  it('shares the LocalAPI socket: one named volume at the same path in both services, and both names agree', () => {
    const socket = tsEnv.TS_SOCKET;
    expect(socket).toBeTruthy();
    expect(phEnv.PORTHOLE_TAILSCALE_SOCKET).toBe(socket);
    const sidecar = mountsOf(tailscale).find((m) => m.target === dirname(socket!));
    const gateway = mountsOf(porthole).find((m) => m.target === dirname(socket!));
    expect(sidecar, `tailscale mounts a volume at ${dirname(socket!)}`).toBeDefined();
    expect(gateway, `porthole mounts a volume at ${dirname(socket!)}`).toBeDefined();
    expect(gateway!.source).toBe(sidecar!.source);
    expect(isNamedVolume(sidecar!.source)).toBe(true);
  });

  it('runs the gateway in the sidecar network namespace, in tailnet mode, publishing no ports', () => {
    expect(porthole.network_mode).toBe('service:tailscale');
    expect(porthole.ports ?? []).toEqual([]);
    expect(phEnv.PORTHOLE_MODE).toBe('tailnet');
    expect(porthole.build).toBeDefined();
  });

  it('keeps the gateway data in a volume at /data', () => {
    const data = mountsOf(porthole).find((m) => m.target === '/data');
    expect(data).toBeDefined();
    expect(isNamedVolume(data!.source) || isBindMount(data!.source)).toBe(true);
  });
});

// ---------- serve.json ----------

interface ServeHandler {
  Proxy?: string;
  Path?: string;
  Text?: string;
}
interface ServeConfig {
  TCP?: Record<string, { HTTPS?: boolean }>;
  Web?: Record<string, { Handlers?: Record<string, ServeHandler> }>;
  AllowFunnel?: Record<string, boolean>;
}

describe('deploy/tailscale/serve.json (TS_SERVE_CONFIG)', () => {
  const serve = JSON.parse(readFileSync(serveConfigHostPath(), 'utf8')) as ServeConfig;
  const funnelled = Object.entries(serve.AllowFunnel ?? {}).filter(([, on]) => on).map(([hostPort]) => hostPort);
  const portOf = (hostPort: string) => hostPort.slice(hostPort.lastIndexOf(':') + 1);
  const isGatewayLoopback = (target: string | undefined) => {
    if (!target) return false;
    const url = new URL(target);
    return url.protocol === 'http:' && url.hostname === '127.0.0.1' && url.port === String(DEFAULT_PORT);
  };

  it('has a README beside it (JSON cannot carry comments)', () => {
    expect(existsSync(join(dirname(serveConfigHostPath()), 'README.md'))).toBe(true);
  });

  it('funnels exactly one host:port, a separate HTTPS port', () => {
    expect(Object.keys(serve.AllowFunnel ?? {})).toHaveLength(1);
    expect(funnelled).toHaveLength(1);
    const port = portOf(funnelled[0]!);
    expect(port).not.toBe('443');
    expect(serve.TCP?.[port]?.HTTPS).toBe(true);
  });

  it('serves nothing but /share/ on a funnelled host:port, proxied to /share/ on the gateway', () => {
    for (const hostPort of funnelled) {
      const handlers = Object.entries(serve.Web?.[hostPort]?.Handlers ?? {});
      expect(handlers.length, `${hostPort} has handlers`).toBeGreaterThan(0);
      for (const [mount, handler] of handlers) {
        expect(mount.startsWith('/share/'), `${hostPort} handler ${mount}`).toBe(true);
        expect(Object.keys(handler)).toEqual(['Proxy']);
        expect(isGatewayLoopback(handler.Proxy), `${mount} -> ${handler.Proxy}`).toBe(true);
        expect(new URL(handler.Proxy!).pathname.startsWith('/share/')).toBe(true);
      }
    }
  });

  it('serves the whole app on 443, tailnet only, proxied to the gateway on loopback', () => {
    const appHosts = Object.keys(serve.Web ?? {}).filter((hp) => portOf(hp) === '443');
    expect(appHosts).toHaveLength(1);
    expect(funnelled).not.toContain(appHosts[0]);
    expect(serve.TCP?.['443']?.HTTPS).toBe(true);
    const app = serve.Web?.[appHosts[0]!]?.Handlers?.['/'];
    expect(isGatewayLoopback(app?.Proxy), `/ -> ${app?.Proxy}`).toBe(true);
  });
});

// ---------- Dockerfile ----------

interface Instruction {
  keyword: string;
  args: string;
}
interface Stage {
  name: string | undefined;
  instructions: Instruction[];
}

/** Instructions grouped by stage; continuation lines joined, comments dropped. */
function dockerStages(text: string): Stage[] {
  const logical: string[] = [];
  let pending = '';
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (!pending && (line === '' || line.startsWith('#'))) continue;
    if (pending && line.startsWith('#')) continue;
    if (line.endsWith('\\')) {
      pending += `${line.slice(0, -1)} `;
      continue;
    }
    logical.push(pending + line);
    pending = '';
  }
  const stages: Stage[] = [];
  for (const line of logical) {
    const m = /^(\w+)\s+(.*)$/s.exec(line);
    if (!m) continue;
    const keyword = m[1]!.toUpperCase();
    const args = m[2]!.trim();
    if (keyword === 'FROM') {
      stages.push({ name: /\sAS\s+(\S+)$/i.exec(args)?.[1], instructions: [] });
      continue;
    }
    stages.at(-1)?.instructions.push({ keyword, args });
  }
  return stages;
}

/** Shell commands of a RUN (shell or JSON form), split at && and ;. */
function runCommands(args: string): string[] {
  const shell = args.startsWith('[') ? (JSON.parse(args) as string[]).join(' ') : args;
  return shell.split(/&&|;/).map((c) => c.trim().replace(/\s+/g, ' ')).filter(Boolean);
}

describe('Dockerfile', () => {
  const text = read('Dockerfile');
  const stages = dockerStages(text);
  const final = stages.at(-1)!;
  const of = (stage: Stage, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword);
  const copiedFrom = new Set(of(final, 'COPY').map((c) => /--from=(\S+)/.exec(c.args)?.[1]).filter((s): s is string => !!s));
  const buildStages = stages.slice(0, -1).filter((s, i) => (s.name && copiedFrom.has(s.name)) || copiedFrom.has(String(i)));

  it('starts with a one-line comment saying what it is for', () => {
    expect(text.split('\n')[0]).toMatch(/^# \S.{20,}/);
  });

  it('is multi-stage: the final stage copies from a build stage', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    expect(buildStages).toHaveLength(1);
  });

  it('runs the final stage as a user that is not root', () => {
    const user = of(final, 'USER').at(-1)?.args;
    expect(user).toBeDefined();
    expect(user!.split(':')[0]).not.toMatch(/^(root|0)$/);
  });

  it('has a health check against the gateway on loopback', () => {
    const health = of(final, 'HEALTHCHECK').at(-1)?.args ?? '';
    expect(health).not.toMatch(/^NONE$/i);
    expect(health).toContain(`127.0.0.1:${DEFAULT_PORT}`);
  });

  it('declares /data as a volume', () => {
    const volumes = of(final, 'VOLUME').flatMap((v) => (v.args.startsWith('[') ? (JSON.parse(v.args) as string[]) : v.args.split(/\s+/)));
    expect(volumes).toContain('/data');
  });

  it('builds with exactly `npm ci` and `npm run build`, the commands CI and npm test use (pruning aside)', () => {
    const npm = of(buildStages[0]!, 'RUN')
      .flatMap((r) => runCommands(r.args))
      .filter((c) => /(^|\s)npm\s/.test(c) && !/^npm prune(\s|$)/.test(c));
    expect(npm).toEqual(['npm ci', 'npm run build']);
  });
  it('builds the RDP helper against FreeRDP and gives the final stage its run-time libraries only', () => {
    const buildApt = of(buildStages[0]!, 'RUN').map((r) => r.args).join('\n');
    expect(buildApt).toMatch(/apt-get install[^\n]*\bfreerdp2-dev\b/);
    expect(buildApt).toMatch(/apt-get install[^\n]*\bpkg-config\b/);
    const finalApt = of(final, 'RUN').map((r) => r.args).join('\n');
    for (const lib of ['libfreerdp2-2', 'libfreerdp-client2-2', 'libwinpr2-2']) expect(finalApt).toContain(lib);
    expect(finalApt).not.toMatch(/-dev\b/);
  });
});

// ---------- package.json ----------

describe('package.json', () => {
  const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;

  /** The commands a script ends up running, with `npm run X` expanded. */
  function steps(name: string, seen = new Set<string>()): string[] {
    const script = scripts[name];
    if (script === undefined) throw new Error(`no script "${name}"`);
    if (seen.has(name)) throw new Error(`script "${name}" runs itself`);
    return script.split('&&').flatMap((part) => {
      const command = part.trim();
      const nested = /^npm run ([\w:.-]+)$/.exec(command)?.[1];
      return nested ? steps(nested, new Set([...seen, name])) : [command];
    });
  }

  it('npm test runs every step of npm run build, so CI exercises the build the image ships', () => {
    const missing = steps('build').filter((step) => !steps('test').includes(step));
    expect(missing).toEqual([]);
  });
  it('installing builds the RDP helper (and says what to install when FreeRDP is missing), and so does the build', () => {
    expect(scripts.postinstall).toMatch(/build-rdp-helper/);
    expect(steps('build').some((step) => /build-rdp-helper/.test(step))).toBe(true);
  });
});
