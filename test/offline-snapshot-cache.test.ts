/**
 * The figures a wall TV keeps offline (client/src/offline/snapshot-cache.ts): bounded in entries
 * and characters (least recently saved evicted first), dropped by a build of another version,
 * and never a failure when the storage is missing, refused or full.
 */
import { describe, expect, it } from 'vitest';
import { CACHE_PREFIX, createSnapshotCache, type CacheStorage } from '../client/src/offline/snapshot-cache.js';

/** localStorage as a browser has it: a map, with a quota in characters (keys and values) if given. */
class FakeStorage implements CacheStorage {
  readonly map = new Map<string, string>();
  constructor(private readonly quota = Infinity) {}
  getItem(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    let used = key.length + value.length;
    for (const [k, v] of this.map) if (k !== key) used += k.length + v.length;
    if (used > this.quota) throw new DOMException('quota', 'QuotaExceededError');
    this.map.set(key, value);
  }
  removeItem(key: string): void {
    this.map.delete(key);
  }
  /** Entry keys held (the index left out). */
  entries(): string[] {
    return [...this.map.keys()].filter((k) => k !== `${CACHE_PREFIX}index`).sort();
  }
}

/** A value whose stored text is exactly `chars` characters: a JSON string of chars − 2 letters. */
const text = (chars: number, letter = 'x') => letter.repeat(chars - 2);

describe('the offline snapshot cache', () => {
  it('keeps at most maxEntries, evicting the least recently saved', () => {
    const storage = new FakeStorage();
    const cache = createSnapshotCache({ storage, version: 'v1', maxEntries: 3, maxChars: 10_000 });
    expect(cache.save('a', { n: 1 }, 1000)).toBe(true);
    expect(cache.save('b', { n: 2 }, 2000)).toBe(true);
    expect(cache.save('c', { n: 3 }, 3000)).toBe(true);
    // Saving `a` again makes it the newest: `b` is now the oldest and goes when `d` comes.
    expect(cache.save('a', { n: 11 }, 4000)).toBe(true);
    expect(cache.save('d', { n: 4 }, 5000)).toBe(true);
    expect(cache.keys()).toEqual(['c', 'a', 'd']);
    expect(storage.entries()).toEqual([`${CACHE_PREFIX}a`, `${CACHE_PREFIX}c`, `${CACHE_PREFIX}d`]);
    expect(cache.load('b')).toBeNull();
    expect(cache.load('a')).toEqual({ data: { n: 11 }, savedAt: 4000 });
    expect(cache.load('d')).toEqual({ data: { n: 4 }, savedAt: 5000 });
  });

  it('keeps at most maxChars characters, evicting as many of the oldest as the new entry needs', () => {
    const storage = new FakeStorage();
    const cache = createSnapshotCache({ storage, version: 'v1', maxEntries: 10, maxChars: 100 });
    cache.save('a', text(30), 1);
    cache.save('b', text(30), 2);
    cache.save('c', text(30), 3);
    // 90 held; 50 more needs 40 freed: `a` (30) is not enough, `b` goes too → 30 + 50 = 80.
    expect(cache.save('d', text(50), 4)).toBe(true);
    expect(cache.keys()).toEqual(['c', 'd']);
    expect(storage.getItem(`${CACHE_PREFIX}c`)!.length + storage.getItem(`${CACHE_PREFIX}d`)!.length).toBe(80);
    // Exactly at the bound fits: 80 + 20 = 100.
    expect(cache.save('e', text(20), 5)).toBe(true);
    expect(cache.keys()).toEqual(['c', 'd', 'e']);
  });

  it('does not keep an entry larger than the whole budget, nor an older copy of it', () => {
    const storage = new FakeStorage();
    const cache = createSnapshotCache({ storage, version: 'v1', maxEntries: 10, maxChars: 100 });
    cache.save('a', text(40), 1);
    cache.save('big', text(40), 2);
    expect(cache.save('big', text(101), 3)).toBe(false);
    expect(cache.keys()).toEqual(['a']);
    expect(storage.entries()).toEqual([`${CACHE_PREFIX}a`]);
    expect(cache.load('big')).toBeNull();
  });

  it('drops what a build of another version kept, unread', () => {
    const storage = new FakeStorage();
    createSnapshotCache({ storage, version: 'v1' }).save('kpis:HZ01', { seq: 7 }, 1);
    expect(storage.entries()).toEqual([`${CACHE_PREFIX}kpis:HZ01`]);
    const next = createSnapshotCache({ storage, version: 'v2' });
    expect(next.load('kpis:HZ01')).toBeNull();
    expect(storage.map.size).toBe(0);
    expect(next.save('kpis:HZ01', { seq: 8 }, 2)).toBe(true);
    expect(next.load('kpis:HZ01')).toEqual({ data: { seq: 8 }, savedAt: 2 });
  });

  it('makes room in a full storage by evicting its own oldest entries, and gives up quietly when nothing helps', () => {
    // Another item of the origin: 12 + 1 = 13 characters. Each entry: `pulse.cache.a` (13) + 40 = 53.
    // The index of two entries: `pulse.cache.index` (17) + {"v":"v1","entries":[…two…]} (70) = 87.
    // Two entries: 13 + 2 × 53 + 87 = 206 ≤ 210; a third while two are held: 259 > 210.
    const storage = new FakeStorage(210);
    storage.map.set('someone-else', 'y');
    const cache = createSnapshotCache({ storage, version: 'v1', maxEntries: 10, maxChars: 10_000 });
    expect(cache.save('a', text(40), 1)).toBe(true);
    expect(cache.save('b', text(40), 2)).toBe(true);
    expect(cache.save('c', text(40), 3)).toBe(true);
    expect(cache.keys()).toEqual(['b', 'c']);
    expect(storage.getItem('someone-else')).toBe('y');
    // Larger than the whole quota: refused, nothing thrown, the other entries gone to try.
    expect(cache.save('d', text(300), 4)).toBe(false);
    expect(cache.load('d')).toBeNull();
    expect(cache.keys()).toEqual([]);
    expect(storage.entries()).toEqual(['someone-else']);
  });

  it('works without storage, or with one that refuses every call (private mode)', () => {
    const none = createSnapshotCache({ storage: null, version: 'v1' });
    expect(none.save('a', { n: 1 }, 1)).toBe(false);
    expect(none.load('a')).toBeNull();
    const refusing: CacheStorage = {
      getItem: () => {
        throw new DOMException('denied', 'SecurityError');
      },
      setItem: () => {
        throw new DOMException('denied', 'SecurityError');
      },
      removeItem: () => {
        throw new DOMException('denied', 'SecurityError');
      },
    };
    const refused = createSnapshotCache({ storage: refusing, version: 'v1' });
    expect(refused.save('a', { n: 1 }, 1)).toBe(false);
    expect(refused.load('a')).toBeNull();
    expect(() => refused.clear()).not.toThrow();
  });
});
