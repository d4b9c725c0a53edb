/**
 * The client's addresses, read from `location.pathname` (no router needed):
 * - `/wall` shows the whole group, `/wall/{store}` one store (the overview); `/` leads to `/wall`;
 * - `/wall/{store}/{page}` a department page (`sales`, `service`, `marketing`, `value`);
 * - `/screen/{name}` a TV playing the playlist of that screen;
 * - `/staff` (group) and `/staff/{store}`: the staff page for desktops and phones.
 * In every address the store `group` (or `*`) stands for the whole group.
 */
import { GROUP } from '../../domain/protocol.js';
// Types only: domain/screens.ts builds zod schemas when loaded, which the page does not need.
import type { WallPage } from '../../domain/screens.js';

export type Route =
  | { kind: 'wall'; store: string; page: WallPage }
  | { kind: 'screen'; name: string }
  | { kind: 'staff'; store: string }
  | { kind: 'not-found'; path: string };

const STORE_RE = /^[A-Za-z0-9_-]{1,32}$/;
/** As `screenName` in domain/screens.ts. */
const SCREEN_RE = /^[A-Za-z0-9_-]{1,64}$/;
/** Every wall page (a Record, so that the compiler asks for any page added to WallPage). */
const PAGES: Record<WallPage, true> = { overview: true, sales: true, service: true, marketing: true, value: true };
/** How the group is written in an address. */
export const GROUP_SLUG = 'group';

/** A store segment of the address, decoded: a store code, the group, or null when invalid. */
function storeOf(segment: string): string | null {
  let s: string;
  try {
    s = decodeURIComponent(segment);
  } catch {
    return null;
  }
  if (s === GROUP || s === GROUP_SLUG) return GROUP;
  return STORE_RE.test(s) ? s : null;
}

const isPage = (s: string): s is WallPage => Object.hasOwn(PAGES, s);

export function parseRoute(pathname: string): Route {
  const path = pathname.replace(/\/+$/, '') || '/';
  const notFound: Route = { kind: 'not-found', path: pathname };
  const parts = path.split('/').slice(1);
  const [head, a, b, ...rest] = parts;
  if (rest.length) return notFound;

  if (head === 'wall') {
    if (a === undefined) return { kind: 'wall', store: GROUP, page: 'overview' };
    const store = storeOf(a);
    if (store === null) return notFound;
    if (b === undefined) return { kind: 'wall', store, page: 'overview' };
    return isPage(b) ? { kind: 'wall', store, page: b } : notFound;
  }
  if (head === 'screen' && a !== undefined && b === undefined) {
    let name: string;
    try {
      name = decodeURIComponent(a);
    } catch {
      return notFound;
    }
    return SCREEN_RE.test(name) ? { kind: 'screen', name } : notFound;
  }
  if (head === 'staff' && b === undefined) {
    if (a === undefined) return { kind: 'staff', store: GROUP };
    const store = storeOf(a);
    return store === null ? notFound : { kind: 'staff', store };
  }
  return notFound;
}

/** The address of the staff page of a store (or of the group). */
export const staffPath = (store: string): string => (store === GROUP ? '/staff' : `/staff/${encodeURIComponent(store)}`);

/** Replaces `/` by `/wall` in the address bar (query and hash kept) and returns the new path. */
export function redirectRoot(loc: Location = window.location): string {
  if (loc.pathname === '/' || loc.pathname === '') {
    history.replaceState(history.state, '', `/wall${loc.search}${loc.hash}`);
  }
  return loc.pathname;
}
