/**
 * Installs the wall's service worker (/sw.js, see service-worker.js) so that a TV reloaded while
 * the server is out of reach still starts and shows the figures it kept. Walls and screens only;
 * a browser without service workers (or refusing them) simply goes without.
 */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => undefined);
}
