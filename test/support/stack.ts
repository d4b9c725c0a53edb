/**
 * The product as tests use it: the real app and workers on port 0 against the test run's
 * redis-server (or a Redis Cluster a test started), isolated by a fresh key prefix.
 */
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { createApp, type PulseApp } from '../../server/app.js';
import { loadConfig, type Config } from '../../core/config.js';
import { connectRedis, type RedisTarget } from '../../core/redis/connections.js';
import { StoreRegistry } from '../../core/books/store-registry.js';
import { defineEventScripts } from '../../core/events/scripts.js';
import { startWorkers, type RunningWorkers } from '../../workers/index.js';
import type { ApplyDeps } from '../../workers/apply-events.processor.js';
import { readSegments } from '../../core/segments/read-segments.js';

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

export const uniquePrefix = (name: string) => `t${name}${randomBytes(4).toString('hex')}`;

export function testConfig(name: string, overrides: Partial<Config> = {}): Config {
  // Logs stay quiet so the test output stays readable; PULSE_LOG_LEVEL=debug npx vitest … shows them.
  const env = { PULSE_ADMIN_TOKEN: ADMIN_TOKEN, PULSE_LOG_LEVEL: process.env.PULSE_LOG_LEVEL ?? 'silent' };
  return loadConfig(env, { prefix: uniquePrefix(name), ...overrides });
}

export interface Stack {
  app: PulseApp;
  workers: RunningWorkers | null;
  config: Config;
  baseUrl: string;
  /** The Redis of this stack: the test run's redis-server unless the test gave another. */
  target: RedisTarget;
  /** The URL of the stack's Redis (a stack on a Redis Cluster has none: use `target`). */
  readonly redisUrl: string;
  request(method: string, path: string, body?: unknown, token?: string | null): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export async function startStack(
  name: string,
  opts: { workers?: boolean; config?: Partial<Config>; target?: RedisTarget } = {},
): Promise<Stack> {
  const target = opts.target ?? inject('redisUrl');
  const config = testConfig(name, opts.config);
  const app = await createApp(config, target);
  const workers = opts.workers === false ? null : await startWorkers(config, target, app.deps.queues, { registry: app.registry });
  const port = await app.listen(0, '127.0.0.1');
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    app,
    workers,
    config,
    baseUrl,
    target,
    get redisUrl() {
      if (typeof target !== 'string') throw new Error('a stack on a Redis Cluster has no single URL: use stack.target');
      return target;
    },
    async request(method, path, body, token = ADMIN_TOKEN) {
      const headers: Record<string, string> = {};
      if (token) headers.authorization = `Bearer ${token}`;
      let payload: string | undefined;
      if (body !== undefined) {
        headers['content-type'] = 'application/json';
        payload = typeof body === 'string' ? body : JSON.stringify(body);
      }
      const res = await fetch(baseUrl + path, { method, headers, body: payload });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        /* not JSON */
      }
      return { status: res.status, body: parsed };
    },
    async close() {
      await app.close();
      await workers?.close();
    },
  };
}

/** Direct access to the apply path (the same Lua scripts the workers run), for replay tests. */
export function applyDeps(
  name: string,
  overrides: Partial<Config> = {},
  target: RedisTarget = inject('redisUrl'),
): ApplyDeps & { close(): void } {
  const redis = connectRedis(target, { maxRetriesPerRequest: null });
  defineEventScripts(redis);
  const config = testConfig(name, overrides);
  return { redis, config, stores: new StoreRegistry(redis, config.prefix), close: () => redis.disconnect() };
}

/** What a KpiService reads with: the deadlines of the config and the segmentation results. */
export function readOptions(config: Pick<Config, 'prefix' | 'callbackDeadlineMs'>) {
  return { prefix: config.prefix, callbackDeadlineMs: config.callbackDeadlineMs, readSegments };
}

/** Polls `fn` until it gives a truthy value; on a timeout, `explain` (processes' output, say) is told too. */
export async function waitFor<T>(
  fn: () => Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
  what = 'condition',
  explain?: () => string,
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const message = `timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`;
  throw new Error(explain ? `${message}\n${explain()}` : message);
}
