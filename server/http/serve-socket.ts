// Marks connections that arrived on the unix socket `tailscale serve` proxies to, so identity can trust serve's headers on them alone.
import type { Socket } from 'node:net';

const fromServe = new WeakSet<object>();

export function markServeSocket(socket: Socket): void {
  fromServe.add(socket);
}

export function isServeSocket(socket: object | undefined): boolean {
  return socket !== undefined && fromServe.has(socket);
}
