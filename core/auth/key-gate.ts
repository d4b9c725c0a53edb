/**
 * The key check the API routes, /metrics and the live handshake begin with, before anything else
 * is done for the request (its body is not read yet). A request without a valid key counts
 * against its address's refusals (refusals.ts); an address past them is turned away at once —
 * no Redis, no body — unless it brings a key this process accepted before, which is looked up as
 * usual (a revoked one is refused all the same): a store's devices behind one address keep
 * working while one of them keeps sending a wrong key.
 */
import type { ApiKeys, Principal } from './api-keys.js';
import type { RefusalsPerAddress } from './refusals.js';

export type KeyCheck =
  | { kind: 'accepted'; principal: Principal }
  | { kind: 'unauthorized' }
  | { kind: 'rate_limited'; retryAfterS: number; message: string };

export class KeyGate {
  constructor(
    private readonly keys: ApiKeys,
    private readonly refusals: RefusalsPerAddress,
    private readonly budget: { perAddress: number; windowMs: number },
  ) {}

  async check(token: string | undefined, address: string): Promise<KeyCheck> {
    const blockedMs = this.refusals.blockedForMs(address);
    if (blockedMs > 0 && !this.keys.acceptedBefore(token)) {
      const retryAfterS = Math.max(1, Math.ceil(blockedMs / 1000));
      const windowS = Math.round(this.budget.windowMs / 1000);
      const message = `too many refused requests from this address: at most ${this.budget.perAddress} every ${windowS} s; retry in ${retryAfterS} s`;
      return { kind: 'rate_limited', retryAfterS, message };
    }
    const principal = await this.keys.resolve(token);
    if (!principal) {
      this.refusals.refused(address);
      return { kind: 'unauthorized' };
    }
    return { kind: 'accepted', principal };
  }
}
