/**
 * Requests per key and window, counted in Redis so that every server process shares the budget:
 * one counter per key and budget (`ingest` for posting events and imports, `api` for the rest),
 * in a fixed window opened by the window's first request. Over the budget: 429 with Retry-After.
 */
import { readFileSync } from 'node:fs';
import type { NextFunction, Request, Response } from 'express';
import type { RedisConn } from '../../core/redis/connections.js';
import type { Config } from '../../core/config.js';
import { refuse } from '../../core/http/refusal.js';
import { rateLimitKey } from '../../core/redis/keys.js';

export type RateBudget = 'ingest' | 'api';

const SCRIPT = readFileSync(new URL('./rate-limit.lua', import.meta.url), 'utf8');

type CountCall = (key: string, windowMs: number) => Promise<[number, number]>;

export class RateLimiter {
  private readonly count: CountCall;
  constructor(
    redis: RedisConn,
    private readonly config: Pick<Config, 'prefix' | 'rateLimits'>,
  ) {
    redis.defineCommand('pulseRateLimit', { lua: SCRIPT, numberOfKeys: 1 });
    const call = (redis as unknown as { pulseRateLimit: CountCall }).pulseRateLimit;
    this.count = call.bind(redis);
  }

  /** Counts a request; `retryAfterS` is set when it is over the budget. */
  async hit(keyId: string, budget: RateBudget): Promise<{ limit: number; retryAfterS?: number }> {
    const { windowMs } = this.config.rateLimits;
    const limit = this.config.rateLimits[budget];
    if (limit <= 0) return { limit };
    const [n, leftMs] = await this.count(rateLimitKey(this.config.prefix, keyId, budget), windowMs);
    return n > limit ? { limit, retryAfterS: Math.max(1, Math.ceil(leftMs / 1000)) } : { limit };
  }

  /** Express guard, after the key is known (`req.principal`). */
  guard(budget: RateBudget) {
    return async (req: Request, res: Response, next: NextFunction) => {
      const { limit, retryAfterS } = await this.hit(req.principal!.keyId, budget);
      if (retryAfterS === undefined) return next();
      const windowS = Math.round(this.config.rateLimits.windowMs / 1000);
      res.setHeader('Retry-After', String(retryAfterS));
      refuse(req, res, 429, {
        error: 'rate_limited',
        message: `this key may make ${limit} ${budget === 'ingest' ? 'ingest ' : ''}requests every ${windowS} s; retry in ${retryAfterS} s`,
        retryAfter: retryAfterS,
      });
    };
  }
}
