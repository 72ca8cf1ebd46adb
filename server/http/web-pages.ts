// Serves the built pages: the app (dist/web) and the guest page (dist/web/share, under /share/), hashed assets cached for good.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';

/** Routes the single-page app handles itself; anything else unknown is a 404. */
const APP_ROUTES = /^\/(?:|login|hosts|terminal|desktop|settings|shares|live|audit|recordings)(?:\/.*)?$/;
/** The guest page answers every path under /share/ except its API (which the guest routes own). */
const GUEST_ROUTES = /^\/share\/(?!api(?:\/|$))/;
const IMMUTABLE = 'public, max-age=31536000, immutable';

function notBuilt(path: string): string {
  return `The web page is not built (no ${path}). Run \`npm run build:web\` or \`npm start\`.`;
}

export function webPages(webRoot: string) {
  const app = new Hono();
  mountGuestPage(app, webRoot);
  const indexPath = join(webRoot, 'index.html');
  if (!existsSync(indexPath)) {
    app.get('*', (c) => c.text(notBuilt(indexPath), 503));
    return app;
  }
  const indexHtml = readFileSync(indexPath, 'utf8');
  app.use('/assets/*', serveStatic({ root: webRoot, onFound: (_path, c) => void c.header('Cache-Control', IMMUTABLE) }));
  app.get('*', async (c, next) => {
    if (APP_ROUTES.test(c.req.path)) {
      c.header('Cache-Control', 'no-cache');
      return c.html(indexHtml);
    }
    await next();
  });
  app.use('*', serveStatic({ root: webRoot }));
  return app;
}

/**
 * /share/ is all that Tailscale Funnel forwards, so the guest page is a build of its own below it:
 * its assets, its public files (favicon), and index.html for any other path (the token rides after `#`).
 */
function mountGuestPage(app: Hono, webRoot: string): void {
  const shareRoot = join(webRoot, 'share');
  const indexPath = join(shareRoot, 'index.html');
  const built = existsSync(indexPath);
  const indexHtml = built ? readFileSync(indexPath, 'utf8') : '';
  // Read once at start: the public files next to index.html (favicon.svg), served as they are.
  const publicFiles = new Set(built ? readdirSync(shareRoot).filter((f) => f !== 'index.html' && statSync(join(shareRoot, f)).isFile()) : []);
  app.get('/share', (c) => c.redirect('/share/', 301));
  app.use('/share/assets/*', serveStatic({ root: webRoot, onFound: (_path, c) => void c.header('Cache-Control', IMMUTABLE) }));
  app.get('/share/*', async (c, next) => {
    if (!GUEST_ROUTES.test(c.req.path)) return next();
    if (!built) return c.text(notBuilt(indexPath), 503);
    if (c.req.path.startsWith('/share/assets/')) return c.text('Not found', 404);
    const file = c.req.path.slice('/share/'.length);
    if (publicFiles.has(file)) return next();
    c.header('Cache-Control', 'no-cache');
    return c.html(indexHtml);
  });
  app.use('/share/*', serveStatic({ root: webRoot }));
}
