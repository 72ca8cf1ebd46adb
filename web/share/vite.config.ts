// Builds the guest page (web/share) into dist/web/share, served under /share/: the only path Funnel forwards.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
// Dev only: `vite --config web/share/vite.config.ts` forwards /share/api (HTTP and WebSocket) to a running gateway.
const gateway = process.env.PORTHOLE_DEV_GATEWAY ?? 'http://127.0.0.1:8470';

export default defineConfig({
  root,
  base: '/share/',
  // The favicon (and anything else public) must live under /share/ too: nothing else is reachable through Funnel.
  publicDir: '../public',
  build: {
    outDir: '../../dist/web/share',
    // The main build (run first) empties dist/web; this one only adds its own folder.
    emptyOutDir: false,
    target: 'es2022',
    // The CSP forbids inline scripts, so never inline a module into index.html.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 800,
  },
  server: {
    proxy: { '/share/api': { target: gateway, ws: true } },
  },
});
