/**
 * The wall's two addresses, read from `location.pathname` (no router needed):
 * `/wall` shows the whole group, `/wall/{store}` one store; `/` leads to `/wall`.
 */
import { GROUP } from '../../domain/protocol.js';

export type Route = { kind: 'wall'; store: string } | { kind: 'not-found'; path: string };

const STORE_RE = /^[A-Za-z0-9_-]{1,32}$/;

export function parseRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  if (path === '/wall') return { kind: 'wall', store: GROUP };
  const m = /^\/wall\/([^/]+)$/.exec(path);
  if (m?.[1] !== undefined) {
    let store: string;
    try {
      store = decodeURIComponent(m[1]);
    } catch {
      return { kind: 'not-found', path: pathname };
    }
    if (STORE_RE.test(store)) return { kind: 'wall', store };
  }
  return { kind: 'not-found', path: pathname };
}

/** Replaces `/` by `/wall` in the address bar (query and hash kept) and returns the new path. */
export function redirectRoot(loc: Location = window.location): string {
  if (loc.pathname === '/' || loc.pathname === '') {
    history.replaceState(history.state, '', `/wall${loc.search}${loc.hash}`);
  }
  return loc.pathname;
}
