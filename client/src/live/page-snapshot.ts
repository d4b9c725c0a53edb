/**
 * The first snapshot the server may write into a wall's page (server/http/wall-page.ts): shown
 * before the socket has connected. Taken once: it is the page's, for the store of its address, and
 * a wall started later on the same page (a playlist's next store) reads its own figures.
 */
import type { Snapshot } from '../../../domain/kpis.js';
import { PAGE_SNAPSHOT_ID } from '../../../domain/protocol.js';

export function takePageSnapshot(store: string, doc: Document = document): Snapshot | null {
  const element = doc.getElementById(PAGE_SNAPSHOT_ID);
  if (!element) return null;
  element.remove();
  try {
    const s = JSON.parse(element.textContent ?? '') as Partial<Snapshot> | null;
    if (!s || s.store !== store || typeof s.seq !== 'number' || typeof s.kpis !== 'object' || !s.kpis) return null;
    return s as Snapshot;
  } catch {
    return null;
  }
}
