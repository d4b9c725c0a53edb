/**
 * The last figures a TV showed, kept in the browser (localStorage), so that a reload or a power cut
 * while the network is down shows them at once, with their age, instead of a spinner.
 *
 * - One entry per store (every page of a store draws from the same snapshot) and one per screen
 *   playlist; each remembers when it was saved.
 * - Bounded: at most `maxEntries` entries and `maxChars` characters in all; the least recently
 *   saved go first. An entry larger than the whole budget is not kept at all.
 * - Versioned: entries written by a build with another shape of the snapshot or the playlist are
 *   dropped unread (the version is derived from domain/kpis.ts, domain/coop.ts and domain/screens.ts at build time).
 * - Storage may be missing, disabled (private mode) or full: every failure is swallowed, the page
 *   then simply has no cache. Walls only ever receive masked data; nothing else is stored here.
 */

/** The part of the Web Storage API the cache uses (a fake in tests). */
export type CacheStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

export interface CachedValue<T> {
  data: T;
  /** Client time (ms) the value was saved. */
  savedAt: number;
}

export interface CacheOptions {
  storage: CacheStorage | null;
  version: string;
  maxEntries?: number;
  maxChars?: number;
}

interface IndexEntry {
  /** Entry key (without the prefix). */
  k: string;
  /** Saved at (ms). */
  at: number;
  /** Characters of its stored text. */
  n: number;
}
interface Index {
  v: string;
  entries: IndexEntry[];
}

export const CACHE_PREFIX = 'pulse.cache.';
const INDEX_KEY = `${CACHE_PREFIX}index`;
/** A dozen stores and playlists: more than any one TV shows. */
export const MAX_ENTRIES = 12;
/** About 2 MB of the 5 MB an origin gets (localStorage counts UTF-16 characters). */
export const MAX_CHARS = 1_000_000;

export interface SnapshotCache {
  load<T>(key: string): CachedValue<T> | null;
  save(key: string, data: unknown, now: number): boolean;
  /** Every entry and the index (e.g. for a TV handed to another store). */
  clear(): void;
  /** Keys held now, least recently saved first (for tests and diagnostics). */
  keys(): string[];
}

export function createSnapshotCache(options: CacheOptions): SnapshotCache {
  const { storage, version } = options;
  const maxEntries = options.maxEntries ?? MAX_ENTRIES;
  const maxChars = options.maxChars ?? MAX_CHARS;

  function get(key: string): string | null {
    try {
      return storage?.getItem(key) ?? null;
    } catch {
      return null;
    }
  }
  function remove(key: string): void {
    try {
      storage?.removeItem(key);
    } catch {
      // nothing to do
    }
  }
  function put(key: string, text: string): boolean {
    if (!storage) return false;
    try {
      storage.setItem(key, text);
      return true;
    } catch {
      // Quota exceeded or storage disabled.
      return false;
    }
  }

  /** The index of this version; one of another version (or unreadable) is dropped with its entries. */
  function readIndex(): Index {
    const text = get(INDEX_KEY);
    let index: Index | null = null;
    if (text) {
      try {
        const parsed = JSON.parse(text) as Partial<Index>;
        if (Array.isArray(parsed.entries)) index = { v: String(parsed.v), entries: parsed.entries };
      } catch {
        index = null;
      }
    }
    if (index && index.v === version) return index;
    for (const e of index?.entries ?? []) remove(CACHE_PREFIX + e.k);
    if (text) remove(INDEX_KEY);
    return { v: version, entries: [] };
  }

  function writeIndex(index: Index): boolean {
    return put(INDEX_KEY, JSON.stringify(index));
  }

  function load<T>(key: string): CachedValue<T> | null {
    const index = readIndex();
    const entry = index.entries.find((e) => e.k === key);
    if (!entry) return null;
    const text = get(CACHE_PREFIX + key);
    if (text === null) return null;
    try {
      return { data: JSON.parse(text) as T, savedAt: entry.at };
    } catch {
      return null;
    }
  }

  function save(key: string, data: unknown, now: number): boolean {
    if (!storage) return false;
    let text: string;
    try {
      text = JSON.stringify(data);
    } catch {
      return false;
    }
    const index = readIndex();
    const others = index.entries.filter((e) => e.k !== key);
    if (text.length > maxChars) {
      // Too big to keep: an older copy of it would only mislead.
      if (others.length !== index.entries.length) {
        remove(CACHE_PREFIX + key);
        writeIndex({ v: version, entries: others });
      }
      return false;
    }
    // Oldest first: evict from the front until the new entry fits both bounds.
    others.sort((a, b) => a.at - b.at);
    let chars = others.reduce((sum, e) => sum + e.n, 0);
    while (others.length && (others.length + 1 > maxEntries || chars + text.length > maxChars)) {
      const gone = others.shift()!;
      chars -= gone.n;
      remove(CACHE_PREFIX + gone.k);
    }
    // Storage fuller than our own bounds know (other data of the origin): make room, oldest first.
    while (!put(CACHE_PREFIX + key, text)) {
      const gone = others.shift();
      if (!gone) {
        writeIndex({ v: version, entries: [] });
        return false;
      }
      remove(CACHE_PREFIX + gone.k);
    }
    const entries = [...others, { k: key, at: now, n: text.length }];
    if (!writeIndex({ v: version, entries })) {
      remove(CACHE_PREFIX + key);
      return false;
    }
    return true;
  }

  function clear(): void {
    for (const e of readIndex().entries) remove(CACHE_PREFIX + e.k);
    remove(INDEX_KEY);
  }

  return { load, save, clear, keys: () => readIndex().entries.map((e) => e.k) };
}

/** The page's localStorage, or null where there is none or it is refused (private mode, policy). */
export function browserStorage(): CacheStorage | null {
  try {
    const s = globalThis.localStorage;
    return s ?? null;
  } catch {
    return null;
  }
}

declare const __PULSE_CACHE_VERSION__: string | undefined;

/** The cache of this build (the version changes with the shape of the snapshot and the playlist). */
export const snapshotCache: SnapshotCache = createSnapshotCache({
  storage: browserStorage(),
  version: typeof __PULSE_CACHE_VERSION__ === 'string' ? __PULSE_CACHE_VERSION__ : 'dev',
});

/** The key of a store's snapshot (the group is store "*"). */
export const snapshotKey = (store: string): string => `kpis:${store}`;
/** The key of a screen's playlist. */
export const playlistKey = (name: string): string => `screen:${name}`;
