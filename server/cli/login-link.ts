// `npm run login-link`: mints a fresh one-time owner login link for a gateway that is already running (same data dir).
import { LocalAuth } from '../auth/local-auth.js';
import { gatewayUrl, loadConfig } from '../config/config.js';
import { createSecretBox, loadOrCreateSecretKey } from '../crypto/secret-box.js';
import { chooseMode } from '../mesh/choose-mode.js';
import { openStore } from '../store/index.js';

async function main(): Promise<void> {
  const config = loadConfig(process.argv.slice(2), process.env);
  // Same choice as the gateway makes: in tailnet mode a link would be refused, so say what to do instead.
  const decision = await chooseMode({ mode: config.mode, sockets: config.tailscaleSockets, socketsConfigured: config.tailscaleSocketConfigured });
  if (decision.mode === 'tailnet') {
    const name = decision.status.self?.dnsName;
    process.stderr.write(
      `porthole login-link: this gateway runs in tailnet mode, where tailscaled says who you are and there is no login link.\n` +
        `Open ${name ? `http://${name}:${config.port}` : 'the gateway'} from a tailnet device; access comes from grants or porthole.yaml access rules.\n`,
    );
    process.exit(2);
  }
  const store = await openStore({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, secretBox: createSecretBox(loadOrCreateSecretKey(config.dataDir)) });
  try {
    const link = await new LocalAuth(store.auth).issueLoginLink(gatewayUrl(config.listenHost, config.port));
    process.stdout.write(`${link}\n`);
  } finally {
    await store.close();
  }
}

main().catch((err: Error) => {
  process.stderr.write(`porthole login-link: ${err.message}\n`);
  process.exit(1);
});
