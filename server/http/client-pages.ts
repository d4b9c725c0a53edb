/**
 * The built client (client/dist): its assets, and its three pages — staff.html for `/staff` and
 * `/staff/{store}`, reports.html for `/reports/{store|group}/{period}`, index.html for the walls
 * and screens.
 *
 * Assets (`/assets/…`) carry their content's hash in their name and never change in place: a browser
 * keeps them a year without asking again (`immutable`). A script or style sheet goes out as its
 * brotli copy to a browser that accepts brotli, else as its gzip copy to one that accepts gzip
 * (both written by the build, vite.config.ts), else as it is. The pages and the service worker are
 * asked for again on every visit (`no-cache`), so that a new build reaches every screen; a wall's
 * page that carries its first figures is never kept (wall-page.ts).
 */
import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { wallPage, type WallPageDeps } from './wall-page.js';

const WALL_PATHS = /^\/(wall|screen)(\/|$)|^\/$/;
const STAFF_PATHS = /^\/staff(\/|$)/;
const REPORT_PATHS = /^\/reports(\/|$)/;
const ASSET = /^\/assets\/[^/]+\.(js|css)$/;
/** A year, the longest a browser is asked to keep anything. */
const ASSET_MAX_AGE_MS = 365 * 24 * 3_600_000;
const REVALIDATE = 'no-cache';

/** The copies the build writes, in the order they are preferred: the smallest first. */
const ENCODINGS = [
  { name: 'br', suffix: '.br' },
  { name: 'gzip', suffix: '.gz' },
] as const;

/** `wall`: what a wall's page needs to carry its first snapshot (wall-page.ts); without it, the page as built. */
export function clientPages(dist: string, wall?: WallPageDeps): Router {
  const router = express.Router();
  router.get(ASSET, (req: Request, res: Response, next: NextFunction) => {
    res.vary('Accept-Encoding');
    // The server's preference, not the order of the browser's list (which names gzip before br).
    const copy = ENCODINGS.find((e) => req.acceptsEncodings(e.name) && existsSync(join(dist, `${req.path}${e.suffix}`)));
    if (!copy) return next();
    res.type(req.path.endsWith('.js') ? 'text/javascript' : 'text/css');
    res.setHeader('Content-Encoding', copy.name);
    res.sendFile(
      join(dist, `${req.path}${copy.suffix}`),
      { maxAge: ASSET_MAX_AGE_MS, immutable: true },
      (err) => err && next(err),
    );
  });
  router.use(
    express.static(dist, {
      index: false,
      setHeaders: (res, path) => {
        // The service worker and the pages are looked at again on every visit, so that a new build
        // reaches the TVs; only the hashed assets are kept.
        if (path.includes(`${sep}assets${sep}`)) {
          res.setHeader('Cache-Control', `public, max-age=${ASSET_MAX_AGE_MS / 1000}, immutable`);
        } else {
          res.setHeader('Cache-Control', REVALIDATE);
        }
      },
    }),
  );
  const page = (file: string) => (_req: Request, res: Response) => {
    res.locals.route = '(wall page)';
    res.sendFile(file, { root: dist, cacheControl: false, headers: { 'Cache-Control': REVALIDATE } });
  };
  // A build older than the staff page's own entry has only index.html, which shows the staff page too.
  router.get(STAFF_PATHS, page(existsSync(join(dist, 'staff.html')) ? 'staff.html' : 'index.html'));
  // No report page in an older build: the address is then not found, as any unknown one.
  if (existsSync(join(dist, 'reports.html'))) router.get(REPORT_PATHS, page('reports.html'));
  router.get(WALL_PATHS, wall ? wallPage(dist, wall, page('index.html')) : page('index.html'));
  return router;
}
