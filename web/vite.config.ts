// Builds the single-page app from web/ into dist/web, which the server serves with an SPA fallback.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
// Dev only: `vite --config web/vite.config.ts` forwards /api (HTTP and WebSocket) to a running gateway.
const gateway = process.env.PORTHOLE_DEV_GATEWAY ?? 'http://127.0.0.1:8470';

export default defineConfig({
  root,
  base: '/',
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    target: 'es2022',
    // The CSP forbids inline scripts, so never inline a module into index.html.
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 800,
  },
  server: {
    proxy: { '/api': { target: gateway, ws: true } },
  },
});
