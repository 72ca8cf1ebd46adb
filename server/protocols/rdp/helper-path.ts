// Where the built porthole-rdp helper is, or why RDP is unavailable on this gateway (shown on RDP hosts instead of a failure at connect).
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';

export type RdpHelperAvailability = { available: true; path: string } | { available: false; reason: string };

export const RDP_UNAVAILABLE_REASON = 'RDP is unavailable on this gateway: install the Debian package freerdp2-dev, then run npm run build:rdp';

/** `projectRoot` holds dist/; PORTHOLE_RDP_HELPER overrides the path (packagers, tests). */
export function findRdpHelper(projectRoot: string, env: NodeJS.ProcessEnv = process.env): RdpHelperAvailability {
  const path = env.PORTHOLE_RDP_HELPER || join(projectRoot, 'dist', 'native', 'porthole-rdp');
  try {
    accessSync(path, constants.X_OK);
    return { available: true, path };
  } catch {
    return { available: false, reason: RDP_UNAVAILABLE_REASON };
  }
}
