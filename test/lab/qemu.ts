// A diskless, networkless QEMU VM whose VNC server (the Proxmox console case) shows SeaBIOS's "No bootable device" screen, on loopback.
import { accessSync, constants, existsSync } from 'node:fs';
import { freePort } from './ports.js';
import { spawnDaemon, waitUntilListening, type Daemon } from './processes.js';

const QEMU: [path: string, debianPackage: string] = ['/usr/bin/qemu-system-x86_64', 'qemu-system-x86'];
/** VNC display N listens on 5900 + N. */
const VNC_BASE_PORT = 5900;

export interface LabQemu {
  host: '127.0.0.1';
  port: number;
  /** 'kvm' where /dev/kvm is usable, else 'tcg' (emulation: slower, the same screen). */
  accel: 'kvm' | 'tcg';
  /** QEMU's output, for assertion messages. */
  output(): string;
  stop(): Promise<void>;
}

/** Why startQemuVnc cannot run here (the missing Debian package), or null. */
export function qemuUnavailableReason(): string | null {
  return existsSync(QEMU[0]) ? null : `needs the Debian package ${QEMU[1]} (no ${QEMU[0]})`;
}

function kvmUsable(): boolean {
  try {
    accessSync('/dev/kvm', constants.R_OK | constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

export async function startQemuVnc(): Promise<LabQemu> {
  const reason = qemuUnavailableReason();
  if (reason) throw new Error(reason);
  const accel = kvmUsable() ? 'kvm' : 'tcg';
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const daemon: Daemon = spawnDaemon('qemu', QEMU[0], [
      // No disk, no NIC, no serial/monitor/parallel (-nodefaults), only the standard VGA: SeaBIOS finds nothing to boot.
      '-nodefaults', '-no-user-config', '-machine', 'pc', '-accel', accel, '-m', '64',
      '-vga', 'std', '-nic', 'none', '-serial', 'none', '-monitor', 'none',
      // VNC is the only display, bound to loopback only.
      '-display', 'none', '-vnc', `127.0.0.1:${port - VNC_BASE_PORT}`,
      '-name', 'porthole-lab',
    ]);
    try {
      await waitUntilListening(daemon, port, { greeting: /^RFB \d{3}\.\d{3}\n/, timeoutMs: 15_000 });
      return { host: '127.0.0.1', port, accel, output: () => daemon.output(), stop: () => daemon.stop() };
    } catch (error) {
      await daemon.stop();
      // Another process took the port between freePort and QEMU's bind: try a fresh one.
      if (!/already in use|Failed to bind/i.test(daemon.output()) || attempt === 3) throw error;
    }
  }
}
