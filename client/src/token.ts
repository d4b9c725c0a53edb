/**
 * The kiosk key. It is given once in the address as `?token=...`, kept in localStorage and taken
 * out of the address bar at once, so that it does not linger in the history or on screen.
 */
export const TOKEN_KEY = 'pulse.token';

let memoryToken: string | null = null;

function readStored(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return memoryToken;
  }
}

function store(token: string): void {
  memoryToken = token;
  try {
    localStorage.setItem(TOKEN_KEY, token);
  } catch {
    // Storage may be disabled on some kiosks: the key then lives until the page is reloaded.
  }
}

/** Takes `?token=` from the address (if any), stores it, strips it, and returns the key in force. */
export function takeToken(loc: Location = window.location): string | null {
  const url = new URL(loc.href);
  if (url.searchParams.has('token')) {
    const given = (url.searchParams.get('token') ?? '').trim();
    if (given) store(given);
    url.searchParams.delete('token');
    history.replaceState(history.state, '', `${url.pathname}${url.search}${url.hash}`);
  }
  const token = readStored();
  return token && token.trim() ? token : null;
}
