// Which remote-desktop and SSH ports a machine answers on: TCP connects with a short deadline, asked for by a person, never scanned.
import { connect } from 'node:net';

export const PROBE_PORTS = { ssh: [22], vnc: [5900, 5901], rdp: [3389] } as const satisfies Record<string, readonly number[]>;
export type ProbeProtocol = keyof typeof PROBE_PORTS;
export type ProbePorts = Record<ProbeProtocol, readonly number[]>;
export type ProbeResult = Record<ProbeProtocol, number[]>;

/** True when a TCP connection to address:port completes within timeoutMs. */
export function isPortOpen(address: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port });
    const done = (open: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(open);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** Probes every port of every protocol at once; the answer lists the open ones per protocol. */
export async function probePorts(address: string, ports: ProbePorts = PROBE_PORTS, timeoutMs = 1_500): Promise<ProbeResult> {
  const entries = await Promise.all(
    (Object.keys(ports) as ProbeProtocol[]).map(async (protocol) => {
      const open = await Promise.all(ports[protocol].map(async (port) => ((await isPortOpen(address, port, timeoutMs)) ? port : undefined)));
      return [protocol, open.filter((p): p is number => p !== undefined)] as const;
    }),
  );
  return Object.fromEntries(entries) as ProbeResult;
}
