/**
 * API keys. `PULSE_ADMIN_TOKEN` holds every scope; other keys are stored as SHA-256 hashes with
 * their scopes and optional store list, and shown once when created.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { globalKeys } from '../redis-keys.js';

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

export const newKeyBody = z.strictObject({
  name: z.string().min(1).max(64),
  scopes: z.array(z.enum(SCOPES)).min(1),
  stores: z
    .array(z.string().regex(/^[A-Za-z0-9_-]{1,32}$/))
    .min(1)
    .optional(),
});
export type NewKey = z.infer<typeof newKeyBody>;

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

export class ApiKeys {
  private readonly key: string;
  private readonly adminHash: Buffer | null;
  constructor(
    private readonly redis: Redis,
    prefix: string,
    adminToken: string | undefined,
  ) {
    this.key = globalKeys(prefix).apiKeys;
    this.adminHash = adminToken ? Buffer.from(hash(adminToken), 'hex') : null;
  }

  async resolve(token: string | undefined): Promise<Principal | null> {
    if (!token || token.length > 256) return null;
    const h = hash(token);
    if (this.adminHash && timingSafeEqual(Buffer.from(h, 'hex'), this.adminHash)) {
      return { keyId: 'admin-token', name: 'PULSE_ADMIN_TOKEN', scopes: [...SCOPES], stores: null };
    }
    const json = await this.redis.hget(this.key, h);
    if (!json) return null;
    const rec = JSON.parse(json) as Principal & { revoked?: boolean };
    return rec.revoked ? null : { keyId: rec.keyId, name: rec.name, scopes: rec.scopes, stores: rec.stores };
  }

  /** Creates a key; the token is returned once and only its hash is kept. */
  async create(body: NewKey): Promise<{ token: string; key: Principal }> {
    const token = `sp_${randomBytes(24).toString('base64url')}`;
    const key: Principal = {
      keyId: randomBytes(6).toString('hex'),
      name: body.name,
      scopes: body.scopes,
      stores: body.stores ?? null,
    };
    await this.redis.hset(this.key, hash(token), JSON.stringify({ ...key, createdAt: new Date().toISOString() }));
    return { token, key };
  }
}

export const canSeeStore = (p: Principal, store: string) => p.stores === null || p.stores.includes(store);
