/**
 * The service worker of the wall TVs, served as /sw.js: it keeps the app itself (the page and its
 * hashed scripts and styles) so that a TV reloaded while the server is out of reach still starts,
 * and shows the figures it kept (snapshot-cache.ts) instead of the browser's error page.
 *
 * - Wall and screen pages (`/`, `/wall…`, `/screen…`): network first, the kept page when the
 *   network fails or takes longer than NETWORK_WAIT_MS; every page answered is kept, except one
 *   that carries figures (sent `no-store`, server/http/wall-page.ts).
 * - `/assets/…` (hashed, never changed in place): cache first; the whole build's assets are kept
 *   when the worker installs, so that chunks loaded later (the playlist player, charts) are there.
 * - Anything else (the API, the sockets, metrics, the staff page) goes to the network untouched.
 *
 * The build (vite.config.ts) writes the list of the build's assets into SHELL below.
 */
const SHELL = { build: 'dev', assets: [] };

const CACHE = `pulse-shell-${SHELL.build}`;
/** Every wall and screen address serves the same page: it is kept under one key. */
const PAGE_KEY = '/__pulse-shell__';
const NETWORK_WAIT_MS = 4000;

self.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll(SHELL.assets);
      // The page of the visit that installs the worker went past it: fetch it once for the cache.
      const page = await fetch('/wall', { cache: 'no-cache' });
      if (keepable(page)) await cache.put(PAGE_KEY, page);
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      // Another build's shell is of no use: its assets are gone from the server too.
      for (const name of await caches.keys()) {
        if (name.startsWith('pulse-shell-') && name !== CACHE) await caches.delete(name);
      }
      await self.clients.claim();
    })(),
  );
});

const isWallPage = (path) => path === '/' || /^\/(wall|screen)(\/|$)/.test(path);

self.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate' && isWallPage(url.pathname)) {
    event.respondWith(networkFirst(request));
  } else if (url.pathname.startsWith('/assets/')) {
    event.respondWith(cacheFirst(request));
  }
});

async function networkFirst(request) {
  const cache = await caches.open(CACHE);
  const network = fetch(request).then(async (res) => {
    if (keepable(res)) await cache.put(PAGE_KEY, res.clone());
    return res;
  });
  network.catch(() => undefined); // a late failure after the kept page was served is no error
  let timer;
  const slow = new Promise((resolve) => {
    timer = setTimeout(resolve, NETWORK_WAIT_MS, null);
  });
  try {
    const res = await Promise.race([network, slow]);
    if (res) return res;
  } catch {
    // Unreachable: the kept page below.
  } finally {
    clearTimeout(timer);
  }
  const kept = await cache.match(PAGE_KEY);
  return kept ?? network;
}

/**
 * A page fit to be the kept shell: not one that carries figures for the key of its address
 * (server/http/wall-page.ts), which the server sends `no-store`: the shell must hold no figures.
 */
function keepable(res) {
  return res.ok && !/\bno-store\b/i.test(res.headers.get('cache-control') ?? '');
}

async function cacheFirst(request) {
  const cache = await caches.open(CACHE);
  const kept = await cache.match(request);
  if (kept) return kept;
  const res = await fetch(request);
  if (res.ok) await cache.put(request, res.clone());
  return res;
}
