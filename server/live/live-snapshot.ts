/**
 * The snapshot a wall is sent first: the answer to its `subscribe` (live-namespace.ts), and the
 * figures written into its page (http/wall-page.ts). One reader for both, so that the page shows
 * exactly what the socket would: the store's (or the group's) figures with the pipeline's freshness.
 */
import type { Snapshot } from '../../domain/kpis.js';
import { GROUP } from '../../domain/protocol.js';
import type { AppDeps } from '../deps.js';

export type LiveSnapshotReader = (store: string) => Promise<Snapshot | null>;

export function liveSnapshotReader(deps: Pick<AppDeps, 'kpis' | 'freshness'>): LiveSnapshotReader {
  return async (store) => {
    const snap = await (store === GROUP ? deps.kpis.group(Date.now()) : deps.kpis.store(store));
    return snap && { ...snap, freshness: deps.freshness.current };
  };
}
