/**
 * API keys. `PULSE_ADMIN_TOKEN` holds every scope; other keys are stored as SHA-256 hashes with
 * their scopes and optional store list, and shown once when created. A key is revoked, never
 * deleted: its record stays (with `revokedAt`) so the list shows who had access until when.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { RedisConn } from '../redis/connections.js';
import { z } from 'zod';
import { globalKeys } from '../redis/keys.js';

/**
 * ingest: post events; read: figures, lists, live; pii: unmasked names and phones; ack: take
 * alerts; metrics: scrape /metrics; admin: everything else.
 */
export const SCOPES = ['ingest', 'read', 'pii', 'ack', 'metrics', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

export interface Principal {
  keyId: string;
  name: string;
  scopes: Scope[];
  /** null: every store. */
  stores: string[] | null;
}

/** What an administrator sees of a key: never its hash nor its token. */
export interface KeyView extends Principal {
  createdAt: string;
  revokedAt?: string;
  /** Accurate to about a minute. */
  lastUsedAt?: string;
}

/** The stored record: JSON under the key's hash. */
type KeyRecord = Principal & { createdAt?: string; revokedAt?: string };

export const ADMIN_KEY_ID = 'admin-token';
export const KEY_ID = /^[0-9a-f]{12}$/;

/** More stores than a dealer group has: a list that long is a mistake. */
const MAX_KEY_STORES = 1000;

export const newKeyBody = z.strictObject({
  name: z.string().min(1).max(64),
  scopes: z
    .array(z.enum(SCOPES))
    .min(1)
    .refine((s) => new Set(s).size === s.length, 'must name each scope at most once'),
  stores: z
    .array(z.string().regex(/^[A-Za-z0-9_-]{1,32}$/))
    .min(1, `must list 1 to ${MAX_KEY_STORES} stores`)
    .max(MAX_KEY_STORES, `must list 1 to ${MAX_KEY_STORES} stores`)
    .optional(),
});
export type NewKey = z.infer<typeof newKeyBody>;

const hash = (token: string) => createHash('sha256').update(token).digest('hex');
const isRevoked = (r: KeyRecord) => r.revokedAt !== undefined;
/** lastUsedAt is written at most this often per key and process: a busy key costs one HSET a minute. */
const TOUCH_EVERY_MS = 60_000;
/** How many hashes of keys this process accepted are remembered (an install has hundreds of keys). */
const ACCEPTED_KEPT = 10_000;

export class ApiKeys {
  private readonly g: ReturnType<typeof globalKeys>;
  private readonly adminHash: Buffer | null;
  private readonly touchedAt = new Map<string, number>();
  /** Hashes of the keys this process accepted, least recently first. */
  private readonly acceptedHashes = new Set<string>();
  /** Keys created before the keyId index existed are indexed once per process, on the first miss. */
  private indexed = false;
  constructor(
    private readonly redis: RedisConn,
    prefix: string,
    adminToken: string | undefined,
  ) {
    this.g = globalKeys(prefix);
    this.adminHash = adminToken ? Buffer.from(hash(adminToken), 'hex') : null;
  }

  /** The key's holder, or null for no key, an unknown or a revoked one. Read from Redis every time: a revocation counts at once. */
  async resolve(token: string | undefined): Promise<Principal | null> {
    if (!token || token.length > 256) return null;
    const h = hash(token);
    if (this.adminHash && timingSafeEqual(Buffer.from(h, 'hex'), this.adminHash)) {
      this.remember(h);
      return { keyId: ADMIN_KEY_ID, name: 'PULSE_ADMIN_TOKEN', scopes: [...SCOPES], stores: null };
    }
    const json = await this.redis.hget(this.g.apiKeys, h);
    if (!json) return null;
    const rec = JSON.parse(json) as KeyRecord;
    if (isRevoked(rec)) return null;
    this.remember(h);
    this.touch(rec.keyId);
    return { keyId: rec.keyId, name: rec.name, scopes: rec.scopes, stores: rec.stores };
  }

  /**
   * Why a key was refused: `revoked` (its record says so; it stays refused) or `unknown` (no such
   * key — mistyped, or Redis lost its keys and they are being restored: a wall keeps trying).
   */
  async refusedAs(token: string | undefined): Promise<'revoked' | 'unknown'> {
    if (!token || token.length > 256) return 'unknown';
    const json = await this.redis.hget(this.g.apiKeys, hash(token));
    return json && isRevoked(JSON.parse(json) as KeyRecord) ? 'revoked' : 'unknown';
  }

  /**
   * Whether this process has accepted the key before. It may have been revoked since: this only
   * says the key is worth looking up (resolve) when its sender is otherwise turned away unseen.
   */
  acceptedBefore(token: string | undefined): boolean {
    return !!token && token.length <= 256 && this.acceptedHashes.has(hash(token));
  }

  private remember(h: string) {
    this.acceptedHashes.delete(h);
    this.acceptedHashes.add(h);
    if (this.acceptedHashes.size > ACCEPTED_KEPT) this.acceptedHashes.delete(this.acceptedHashes.values().next().value!);
  }

  /** Creates a key; the token is returned once and only its hash is kept. */
  async create(body: NewKey): Promise<{ token: string; key: Principal & { createdAt: string } }> {
    const token = `sp_${randomBytes(24).toString('base64url')}`;
    const h = hash(token);
    const key = {
      keyId: randomBytes(6).toString('hex'),
      name: body.name,
      scopes: body.scopes,
      stores: body.stores ?? null,
      createdAt: new Date().toISOString(),
    };
    await this.redis.multi().hset(this.g.apiKeys, h, JSON.stringify(key)).hset(this.g.apiKeyIds, key.keyId, h).exec();
    return { token, key };
  }

  /** Every stored key, revoked ones included, oldest first. */
  async list(): Promise<KeyView[]> {
    const [records, lastUsed] = await Promise.all([
      this.redis.hgetall(this.g.apiKeys),
      this.redis.hgetall(this.g.apiKeysLastUsed),
    ]);
    return Object.values(records)
      .map((json) => JSON.parse(json) as KeyRecord)
      .map((r): KeyView => {
        const used = lastUsed[r.keyId];
        return {
          keyId: r.keyId,
          name: r.name,
          scopes: r.scopes,
          stores: r.stores,
          createdAt: r.createdAt ?? new Date(0).toISOString(),
          ...(r.revokedAt ? { revokedAt: r.revokedAt } : {}),
          ...(used ? { lastUsedAt: used } : {}),
        };
      })
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.keyId.localeCompare(b.keyId));
  }

  /**
   * Revokes a key: refused by every request from now on, and announced on the revocation channel
   * so that every server drops the key's open sockets. Revoking again changes nothing but announces
   * again. `false`: no such key.
   */
  async revoke(keyId: string, now = Date.now()): Promise<boolean> {
    if (!KEY_ID.test(keyId)) return false;
    let h = await this.redis.hget(this.g.apiKeyIds, keyId);
    if (!h && !this.indexed) {
      await this.indexLegacyKeys();
      h = await this.redis.hget(this.g.apiKeyIds, keyId);
    }
    const json = h ? await this.redis.hget(this.g.apiKeys, h) : null;
    if (!h || !json) return false;
    const rec = JSON.parse(json) as KeyRecord;
    if (!isRevoked(rec)) {
      await this.redis.hset(this.g.apiKeys, h, JSON.stringify({ ...rec, revokedAt: new Date(now).toISOString() }));
    }
    await this.redis.publish(this.g.keyRevokedChannel, keyId);
    return true;
  }

  /** Of these keyIds, the ones still valid (the admin token's while it is configured). One round trip. */
  async stillValid(keyIds: string[]): Promise<Set<string>> {
    const valid = new Set<string>();
    const stored = keyIds.filter((id) => id !== ADMIN_KEY_ID);
    if (this.adminHash && stored.length < keyIds.length) valid.add(ADMIN_KEY_ID);
    if (!stored.length) return valid;
    const hashes = await this.redis.hmget(this.g.apiKeyIds, ...stored);
    const present = hashes.flatMap((h, i) => (h ? [{ keyId: stored[i]!, h }] : []));
    const records = present.length ? await this.redis.hmget(this.g.apiKeys, ...present.map((p) => p.h)) : [];
    records.forEach((json, i) => {
      if (json && !isRevoked(JSON.parse(json) as KeyRecord)) valid.add(present[i]!.keyId);
    });
    // A key made before the index existed has no entry yet: index those once, then ask again.
    if (!this.indexed && present.length < stored.length) {
      await this.indexLegacyKeys();
      return this.stillValid(keyIds);
    }
    return valid;
  }

  /** Records the key's use, at most once a minute per key and process; a failure only loses the mark. */
  private touch(keyId: string) {
    const now = Date.now();
    if (now - (this.touchedAt.get(keyId) ?? 0) < TOUCH_EVERY_MS) return;
    this.touchedAt.set(keyId, now);
    this.redis.hset(this.g.apiKeysLastUsed, keyId, new Date(now).toISOString()).catch(() => this.touchedAt.delete(keyId));
  }

  private async indexLegacyKeys() {
    this.indexed = true;
    const records = await this.redis.hgetall(this.g.apiKeys);
    const pairs = Object.entries(records).flatMap(([h, json]) => [(JSON.parse(json) as KeyRecord).keyId, h]);
    if (pairs.length) await this.redis.hset(this.g.apiKeyIds, ...pairs);
  }
}

export const canSeeStore = (p: Pick<Principal, 'stores'>, store: string) => p.stores === null || p.stores.includes(store);

/** A screen playlist, for a store-limited key: every page must show one of its stores (not the group). */
export const canSeeScreen = (p: Pick<Principal, 'stores'>, items: readonly { store: string }[]) =>
  items.every((i) => canSeeStore(p, i.store));
