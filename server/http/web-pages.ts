// Serves the built page (dist/web) with long caching for hashed assets and index.html for every app route.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono } from 'hono';

/** Routes the single-page app handles itself; anything else unknown is a 404. */
const APP_ROUTES = /^\/(?:|login|hosts|terminal|desktop|settings)(?:\/.*)?$/;

export function webPages(webRoot: string) {
  const app = new Hono();
  const indexPath = join(webRoot, 'index.html');
  if (!existsSync(indexPath)) {
    app.get('*', (c) =>
      c.text(`The web page is not built (no ${indexPath}). Run \`npm run build:web\` or \`npm start\`.`, 503),
    );
    return app;
  }
  const indexHtml = readFileSync(indexPath, 'utf8');
  app.use(
    '/assets/*',
    serveStatic({
      root: webRoot,
      onFound: (_path, c) => {
        c.header('Cache-Control', 'public, max-age=31536000, immutable');
      },
    }),
  );
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
