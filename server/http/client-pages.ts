/**
 * The built client (client/dist): its assets, and its three pages — staff.html for `/staff` and
 * `/staff/{store}`, reports.html for `/reports/{store|group}/{period}`, index.html for the walls
 * and screens. A script or style sheet goes out as its
 * gzip copy (written by the build, vite.config.ts) to a browser that accepts gzip.
 */
import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';

const WALL_PATHS = /^\/(wall|screen)(\/|$)|^\/$/;
const STAFF_PATHS = /^\/staff(\/|$)/;
const REPORT_PATHS = /^\/reports(\/|$)/;
const ASSET = /^\/assets\/[^/]+\.(js|css)$/;
const MAX_AGE = '1h';

export function clientPages(dist: string): Router {
  const router = express.Router();
  router.get(ASSET, (req: Request, res: Response, next: NextFunction) => {
    const gz = join(dist, `${req.path}.gz`);
    res.vary('Accept-Encoding');
    if (!req.acceptsEncodings('gzip') || !existsSync(gz)) return next();
    res.type(req.path.endsWith('.js') ? 'text/javascript' : 'text/css');
    res.setHeader('Content-Encoding', 'gzip');
    res.sendFile(gz, { maxAge: MAX_AGE }, (err) => err && next(err));
  });
  router.use(
    express.static(dist, {
      index: false,
      maxAge: MAX_AGE,
      // The service worker is looked at again on every visit, so that a new build reaches the TVs.
      setHeaders: (res, path) => {
        if (path.endsWith(`${sep}sw.js`)) res.setHeader('Cache-Control', 'no-cache');
      },
    }),
  );
  const page = (file: string) => (_req: Request, res: Response) => {
    res.locals.route = '(wall page)';
    res.sendFile(file, { root: dist, maxAge: 0 });
  };
  // A build older than the staff page's own entry has only index.html, which shows the staff page too.
  router.get(STAFF_PATHS, page(existsSync(join(dist, 'staff.html')) ? 'staff.html' : 'index.html'));
  // No report page in an older build: the address is then not found, as any unknown one.
  if (existsSync(join(dist, 'reports.html'))) router.get(REPORT_PATHS, page('reports.html'));
  router.get(WALL_PATHS, page('index.html'));
  return router;
}
