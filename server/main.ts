// Command-line entry point: `node dist/server/main.js [--port N] [--listen ADDR] [--data-dir DIR] [--config FILE]`.
import { loadConfig } from './config/config.js';
import { startGateway } from './gateway.js';
import { createLogger } from './log.js';

// Image encoding and DNS share libuv's thread pool (4 by default): a few busy desktops must not delay a login.
process.env.UV_THREADPOOL_SIZE ??= '8';

const log = createLogger();

async function main(): Promise<void> {
  const config = loadConfig(process.argv.slice(2), process.env);
  if (config.allowNonLoopbackBind) {
    log.warn({ event: 'gateway.unsafe_bind', listen: config.listenHost }, 'UNSAFE: listening beyond loopback was explicitly allowed');
  }
  const gateway = await startGateway(config, { log });
  const listening = gateway.listening.map((a) => (a.startsWith('unix:') ? a : `${a.includes(':') ? `[${a}]` : a}:${gateway.port}`)).join(', ');
  if ('socket' in gateway.modeDetail) {
    const { socket, version, capability } = gateway.modeDetail;
    const rules = config.access.length;
    // With userspace networking no Tailscale address is on an interface: only `tailscale serve` can reach it.
    const direct = gateway.listening.some((a) => a !== '127.0.0.1' && !a.startsWith('unix:'));
    const where = direct ? gateway.publicUrl : `${gateway.publicUrl.replace(/^http:/, 'https:').replace(/:\d+$/, '')} once \`tailscale serve --bg ${gateway.port}\` runs (userspace networking: no Tailscale address to listen on)`;
    process.stderr.write(
      `\n  Porthole is running in tailnet mode at ${where}\n` +
        `  listening on ${listening}; identity from tailscaled ${version} at ${socket}\n` +
        `  access: grants with the app capability "${capability}"${rules ? ` and ${rules} rule(s) in porthole.yaml` : ''}; everyone else is refused\n\n`,
    );
  } else {
    const link = await gateway.newLoginLink();
    const why = gateway.modeDetail.reasons.length ? `  (not tailnet mode: ${gateway.modeDetail.reasons.join('; ')})\n` : '';
    // The link goes to the terminal, not the log: logs are shipped and kept, a one-time secret should not be.
    process.stderr.write(`\n  Porthole is running in local mode at ${gateway.url} (listening on ${listening})\n${why}  Open this one-time owner login link (valid 24 hours):\n\n    ${link}\n\n`);
  }

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ event: 'gateway.stopping', signal }, 'shutting down');
    gateway.close().then(
      () => process.exit(0),
      (err) => {
        log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

// A bug in one session must not take the others down; log it loudly and carry on.
process.on('uncaughtException', (err) => log.fatal({ event: 'process.uncaught', err }, 'uncaught exception'));
process.on('unhandledRejection', (err) => log.error({ event: 'process.unhandled_rejection', err }, 'unhandled rejection'));

main().catch((err: Error) => {
  process.stderr.write(`porthole: ${err.message}\n`);
  process.exit(1);
});
