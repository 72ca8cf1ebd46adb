// Free TCP ports for lab daemons: other processes may hold well-known ones (lab.md), so never hard-code.
import { createServer } from 'node:net';

/** A port the kernel just handed out on `host`; free when returned (a race with other binders remains). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port ? resolve(port) : reject(new Error(`no port from listen(0, ${host})`))));
    });
  });
}
