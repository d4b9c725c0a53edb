/**
 * Installs the wall's service worker (/sw.js, see service-worker.js) so that a TV reloaded while
 * the server is out of reach still starts and shows the figures it kept. Walls and screens only;
 * a browser without service workers (or refusing them) simply goes without.
 *
 * Once the page has loaded: installing fetches every asset of the build and the page once more,
 * which would otherwise compete with the page's own first figures for the network and the CPU.
 */
export function registerServiceWorker(): void {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  const register = () => void navigator.serviceWorker.register('/sw.js', { scope: '/' }).catch(() => undefined);
  if (document.readyState === 'complete') register();
  else window.addEventListener('load', register, { once: true });
}
