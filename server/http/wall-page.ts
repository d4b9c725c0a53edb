/**
 * A wall's page with its first figures in it: `/wall/{store}` (and `/wall`, the group) asked for
 * with a key of the scope `read` that may see that store (`?token=`, as a TV is set up) is sent
 * index.html with the snapshot the live socket would send first, as
 * `<script type="application/json" id="pulse-snapshot">`. The page draws it at once instead of
 * waiting for its socket's handshake and subscription (several round trips, each behind the page's
 * first render); the socket takes over as usual. Anything else — no key, a refused key, another
 * store, Redis away — gets the page as it is: the figures follow over the socket, never an error.
 *
 * The page then holds figures for one key: `no-store`, so that neither a proxy nor the browser nor
 * the wall's service worker (client/src/offline/service-worker.js) keeps it.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Request, Response } from 'express';
import { storeCode } from '../../domain/events.js';
import { GROUP, PAGE_SNAPSHOT_ID } from '../../domain/protocol.js';
import { WALL_PAGES } from '../../domain/screens.js';
import type { KeyGate } from '../../core/auth/key-gate.js';
import { clientAddress } from '../../core/http/client-address.js';
import type { LiveSnapshotReader } from '../live/live-snapshot.js';

export interface WallPageDeps {
  gate: KeyGate;
  read: LiveSnapshotReader;
  trustProxyHops: number;
}

/** `/wall`, `/wall/{store}`, `/wall/{store}/{page}` (a trailing slash allowed), as the client reads them. */
const WALL = /^\/wall(?:\/([^/]+)(?:\/([^/]+))?)?\/?$/;
const GROUP_SLUG = 'group';

/** The store a wall address shows (GROUP for the group), or null for any other address. */
export function wallStoreOf(path: string): string | null {
  const m = WALL.exec(path);
  if (!m) return null;
  const [, segment, page] = m;
  if (page !== undefined && !(WALL_PAGES as readonly string[]).includes(page)) return null;
  if (segment === undefined) return GROUP;
  let store: string;
  try {
    store = decodeURIComponent(segment);
  } catch {
    return null;
  }
  if (store === GROUP || store === GROUP_SLUG) return GROUP;
  return storeCode.safeParse(store).success ? store : null;
}

/**
 * JSON that stays inside its `<script>` element whatever the text in it (a store's name is typed
 * by people): `<`, `>` and `&` as \u escapes, so no `</script>` or `<!--` can appear, and U+2028 /
 * U+2029 too. Each can only stand inside a JSON string, where the escape means the same character.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** The snapshot for the page, or null when the page goes out without one. */
async function pageSnapshot(req: Request, deps: WallPageDeps): Promise<string | null> {
  const store = wallStoreOf(req.path);
  const token = typeof req.query.token === 'string' ? req.query.token.trim() : '';
  if (store === null || !token) return null;
  const check = await deps.gate.check(token, clientAddress(req, deps.trustProxyHops));
  if (check.kind !== 'accepted' || !check.principal.scopes.includes('read')) return null;
  // As the live namespace: a key limited to some stores sees those, and not the group.
  const limits = check.principal.stores;
  if (limits && (store === GROUP || !limits.includes(store))) return null;
  const snap = await deps.read(store);
  return snap && scriptJson(snap);
}

/** Sends index.html, with the wall's first snapshot in it when the address allows. */
export function wallPage(dist: string, deps: WallPageDeps, plain: (req: Request, res: Response) => void) {
  return async (req: Request, res: Response) => {
    let json: string | null = null;
    let html = '';
    try {
      json = await pageSnapshot(req, deps);
      if (json !== null) html = await readFile(join(dist, 'index.html'), 'utf8');
    } catch (err) {
      req.log?.warn({ err }, 'wall page sent without its snapshot');
      json = null;
    }
    const at = html.indexOf('</head>');
    if (json === null || at < 0) {
      plain(req, res);
      return;
    }
    res.locals.route = '(wall page)';
    res.setHeader('Cache-Control', 'no-store');
    res
      .type('html')
      .send(`${html.slice(0, at)}<script type="application/json" id="${PAGE_SNAPSHOT_ID}">${json}</script>${html.slice(at)}`);
  };
}
